//! nianbao-files: every file a report is read from or written to as data. One list of
//! file kinds ([`kinds::KINDS`]), one reader of them ([`read::read`]: a name and
//! bytes in, the [`Decoded`](nianbao_form::decode::Decoded) report out — YAML, JSON
//! and TOML through [`parse`], the fill-in workbook through [`xlsx`], published DOCX,
//! HTML and PDF through `nianbao-import`), the writers of the data files ([`write`],
//! [`xlsx`]), the region's files (the roster and the findings workbook, [`region`]),
//! and writing any file so that no reader sees half of it ([`atomic`]).
//!
//! The command line, the web app and the audit all read through here, so that a new
//! input kind is one reader and one row of [`kinds::KINDS`]. Untrusted published
//! files are parsed in a worker process with limits ([`isolate`]).

pub mod atomic;
pub mod error;
pub mod isolate;
pub mod kinds;
pub mod parse;
pub mod read;
pub mod region;
pub mod write;
pub mod xlsx;

pub use read::{read, read_file};
