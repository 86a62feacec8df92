//! nianbao: 政府信息公开工作年度报告 as data — checked, then rendered in the official layout.
//!
//! The pipeline runs one way: [`tree`] parses YAML/JSON/TOML into one tree with
//! positions, [`decode`] turns it into a [`model::Report`] against the edition's
//! [`tables`] description, [`rules`] checks the arithmetic, [`expr`] checks the
//! `{{…}}` expressions in the prose, and [`write`] emits report files.

pub mod check;
pub mod decode;
pub mod diag;
pub mod document;
pub mod expr;
pub mod fonts;
pub mod layout;
pub mod model;
pub mod render;
pub mod rules;
pub mod synth;
pub mod tables;
pub mod tree;
pub mod write;
pub mod xlsx;
