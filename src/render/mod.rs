//! Renderers: each draws the one [`crate::document::Document`].

pub mod docx;
pub mod ooxml;
pub mod pdf;
pub mod plan;
pub mod units;
