//! Exporters: each writes one kind of file from the resolved document (DOCX, HTML)
//! or from its pages, typeset once ([`crate::typeset::Pages`]): the PDF, the SVG
//! preview, and the DOCX's table cuts.

pub mod docx;
pub mod html;
pub mod ooxml;
pub mod pdf;
pub mod svg;
