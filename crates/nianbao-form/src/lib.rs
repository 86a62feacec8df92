//! nianbao-form: the 政府信息公开工作年度报告 as data — the official form, the
//! report's data, every check, and the region's work over reports. No file format and
//! no typesetting: this crate depends on no parser or writer of YAML, JSON, TOML,
//! workbooks or published files, and on no typesetter, so that the rules build fast
//! and run in any host (a server, a browser). The files are read and written by
//! `nianbao-files`.
//!
//! The stages run one way:
//!
//! ```text
//! reader (nianbao-files, nianbao-import) ─▶ tree (positions) ─decode─▶ Decoded { report, diagnostics } ─check─▶ Checked { report, totals, diagnostics }
//! ```
//!
//! [`tree`] is the one shape every reader gives, [`decode`] turns it into a
//! [`model::Report`] against the edition's [`tables`] description, [`check`]
//! computes the totals once and runs [`rules`] (the arithmetic of formats.md §4),
//! [`prose`] and [`expr`] (the `{{…}}` expressions in the prose); [`derive`] makes
//! reports from reports (the starting report, the totals written out, the carried
//! over figures) and [`audit`] does the region's work over decoded reports (the audit,
//! the sum, the hierarchy check).

pub mod audit;
pub mod check;
pub mod decode;
pub mod derive;
pub mod diag;
pub mod expr;
pub mod limits;
pub mod locate;
pub mod model;
pub mod prose;
pub mod rules;
pub mod schema;
pub mod synth;
pub mod tables;
pub mod text;
pub mod tree;
