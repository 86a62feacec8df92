//! Renderers: each draws the one [`crate::document::Document`].

pub mod pdf;
