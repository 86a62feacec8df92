//! nianbao-form: the 政府信息公开工作年度报告 as data — the official form, the
//! report's data, its loaders and every check. No typesetting: this crate builds
//! without Typst, docx-rs or fontdb, so that checking can be used by other
//! programs, by a server and later from WebAssembly.
//!
//! The stages run one way:
//!
//! ```text
//! file ─load─▶ tree (positions) ─decode─▶ Decoded { report, diagnostics } ─check─▶ Checked { report, totals, diagnostics }
//! ```
//!
//! [`load`] reads a file (YAML/JSON/TOML through [`tree`], XLSX through [`xlsx`]),
//! [`decode`] turns the tree into a [`model::Report`] against the edition's
//! [`tables`] description, [`check`] computes the totals once and runs [`rules`]
//! (the arithmetic of formats.md §4) and [`expr`] (the `{{…}}` expressions in the
//! prose); [`write`] and [`xlsx`] write report files back.

pub mod audit;
pub mod check;
pub mod decode;
pub mod diag;
pub mod error;
pub mod expr;
pub mod files;
pub mod limits;
pub mod load;
pub mod locate;
pub mod model;
pub mod prose;
pub mod rules;
pub mod schema;
pub mod synth;
pub mod tables;
pub mod text;
pub mod tree;
pub mod write;
pub mod xlsx;
