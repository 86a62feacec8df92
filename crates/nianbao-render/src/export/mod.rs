//! Exporters: each writes one kind of file from the resolved document (DOCX) or
//! from its typeset pages (PDF).

pub mod docx;
pub mod ooxml;
pub mod pdf;
