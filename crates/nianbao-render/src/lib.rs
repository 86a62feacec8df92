//! nianbao-render: a checked 政府信息公开工作年度报告 made into documents — the
//! resolved document model, typesetting with Typst in the GB/T 9704-2012 layout,
//! and the exporters (PDF/A, DOCX).
//!
//! ```text
//! Checked ─document::build─▶ Document ─┬─ typeset::Typesetter ─▶ Pages ─ export::pdf ─▶ PDF
//!                                      └─ export::docx ─────────────────────────────▶ DOCX
//! ```
//!
//! [`document`] decides everything about the presentation once (the numbered
//! headings, the default title and 六, which font prints each table cell, the
//! cutting of labels into words); the typesetter and the exporters only draw it.
//! [`output::Output`] is the one list of outputs; [`pipeline`] runs the stages for
//! one report, from a file to every output's bytes.

pub mod document;
pub mod error;
pub mod export;
pub mod fonts;
pub mod layout;
pub mod output;
pub mod pipeline;
pub mod title;
pub mod typeset;
pub mod units;
