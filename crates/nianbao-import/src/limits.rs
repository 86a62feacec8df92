//! The readers' limits: no published file can exhaust the machine. Sizes in bytes.
//!
//! Measured against real reports: a published report is 6–40 pages, its DOCX under
//! 1 MiB of XML, its portal page under 200 KB; the limits leave room of 10× and more.

/// The largest file read (bytes): a PDF with its embedded fonts and images.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most pages a PDF may have.
pub const MAX_PDF_PAGES: usize = 200;
/// The most glyphs read from one page (the rest of the page is ignored).
pub const MAX_PDF_GLYPHS: usize = 200_000;
/// The most horizontal rules (table borders) read from one page.
pub const MAX_PDF_RULES: usize = 5_000;
/// The most characters kept of one table cell (a cell is a label or a number;
/// longer text is a note, cut).
pub const MAX_CELL_CHARS: usize = 2_000;
/// The largest part of a DOCX package once decompressed (bytes): `word/document.xml`.
pub const MAX_DOCX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// The most entries a DOCX package may list.
pub const MAX_DOCX_ENTRIES: usize = 5_000;
/// The largest HTML page (bytes).
pub const MAX_HTML_BYTES: u64 = 8 * 1024 * 1024;
/// The deepest nesting of elements: a DOCX nested deeper is refused; in HTML deeper
/// content is not read.
pub const MAX_DEPTH: usize = 256;
/// The most rows and columns of one table.
pub const MAX_TABLE_ROWS: usize = 2_000;
/// The most columns of one table (grid columns after spans).
pub const MAX_TABLE_COLUMNS: usize = 200;
/// The largest row or column span honoured (larger spans count as this).
pub const MAX_SPAN: usize = 200;
