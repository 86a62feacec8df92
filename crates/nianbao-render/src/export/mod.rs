//! Exporters: each writes one kind of file from the resolved document (DOCX, HTML)
//! or from its typeset pages (PDF).

pub mod docx;
pub mod html;
pub mod ooxml;
pub mod pdf;
