//! The PDF exporter: laid-out [`Pages`] to PDF bytes, in the standard asked for.
//! Tagged always; Info and XMP from the document's metadata; no timestamp (the
//! document date comes from the data), so the same pages give the same bytes.

use typst::foundations::Smart;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::error::RenderError;
use crate::typeset::Pages;

/// Which PDF standard to produce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Standard {
    /// PDF/A-2b: archivable (the default).
    #[default]
    A2b,
    /// PDF/A-3b, with the source data attached as JSON.
    A3b,
    /// PDF/UA-1: accessible.
    Ua1,
    /// Plain PDF 1.7 (tagged).
    None,
}

impl Standard {
    /// Parses the command-line name.
    pub fn parse(s: &str) -> Option<Standard> {
        match s {
            "a-2b" => Some(Standard::A2b),
            "a-3b" => Some(Standard::A3b),
            "ua-1" => Some(Standard::Ua1),
            "none" => Some(Standard::None),
            _ => None,
        }
    }

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Standard::A2b => "a-2b",
            Standard::A3b => "a-3b",
            Standard::Ua1 => "ua-1",
            Standard::None => "none",
        }
    }
}

/// The pages as PDF bytes in `standard`. Under [`Standard::A3b`] the pages must
/// have been typeset with the source attached.
///
/// # Errors
/// [`RenderError::Standard`] when this Typst cannot produce the standard, and
/// [`RenderError::PdfExport`] with Typst's messages when the export fails.
pub fn pdf(pages: &Pages, standard: Standard) -> Result<Vec<u8>, RenderError> {
    let standards = match standard {
        Standard::A2b => vec![PdfStandard::A_2b],
        Standard::A3b => vec![PdfStandard::A_3b],
        Standard::Ua1 => vec![PdfStandard::Ua_1],
        Standard::None => vec![],
    };
    let standards = PdfStandards::new(&standards)
        .map_err(|e| RenderError::Standard(e.message().to_string()))?;
    let ident = format!("nianbao:{}:{}", pages.meta.author, pages.meta.title);
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some(format!("nianbao {}", env!("CARGO_PKG_VERSION")))),
        timestamp: None,
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&pages.paged, &options)
        .map_err(|e| RenderError::PdfExport(RenderError::messages(&e)))
}
