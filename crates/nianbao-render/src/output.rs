//! The one list of the files `render` can write. Each [`Output`] carries its
//! `--to` name, its file extension and the function that makes it; the command
//! line, the batch's planning and clean-up, and the pipeline all read this list.

use nianbao_files::parse::Format;
use nianbao_files::write;
use nianbao_form::model::Report;
use nianbao_form::rules::Computed;

use crate::document::Document;
use crate::error::RenderError;
use crate::export::docx;
use crate::export::pdf::Standard;
use crate::export::{html, pdf};
use crate::fonts::FontSet;
use crate::typeset::{Pages, Typesetter};

/// A kind of file made from a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    /// The print edition: PDF/A (GB/T 9704-2012 layout), typeset by Typst.
    Pdf,
    /// The editable edition for Word and WPS.
    Docx,
    /// The portal edition: an accessible, self-contained HTML5 page.
    Html,
    /// The portal edition's body with inline styles, to paste into a CMS editor.
    HtmlFragment,
    /// The data beside the page: the report with every total computed, as JSON
    /// following the data contract's JSON Schema (`docs/schema/`).
    Json,
}

/// How many files an output writes for one report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Files {
    /// One file, `<stem>.<extension>`.
    One,
    /// One file per page, `<stem>-<n>.<extension>`.
    PerPage,
}

/// What an output is made from: the document and what only some outputs need.
pub struct Sources<'a> {
    /// The resolved document.
    pub document: &'a Document,
    /// The report's data (attached to the PDF under PDF/A-3b).
    pub report: &'a Report,
    /// Every 总计 of the report, computed when it was checked.
    pub totals: &'a Computed,
    /// Whether the JSON edition is made too (the page then links to it).
    pub with_json: bool,
    /// The JSON edition's file name, for the page's link.
    pub json_name: String,
    /// The fonts the typesetter was made with.
    pub fonts: &'a FontSet,
    /// The typesetter.
    pub typesetter: &'a Typesetter,
    /// The PDF standard.
    pub standard: Standard,
    /// The document's pages, typeset once by the first output that needs them
    /// ([`Sources::pages`]) and taken by every paged output and by the DOCX.
    pub pages: std::cell::OnceCell<Pages>,
}

impl Sources<'_> {
    /// The document typeset into pages, once: the first call lays it out (with the
    /// report's data attached as JSON under PDF/A-3b), later calls take the same pages.
    ///
    /// # Errors
    /// The typesetter's [`RenderError`].
    pub fn pages(&self) -> Result<&Pages, RenderError> {
        if let Some(pages) = self.pages.get() {
            return Ok(pages);
        }
        // The source data is only embedded in PDF/A-3b.
        let source =
            (self.standard == Standard::A3b).then(|| write::to_string(self.report, Format::Json));
        // A character no font has (already reported) is drawn as a box by the
        // last-resort face, and stays itself in the text layer.
        let pages = self.typesetter.typeset(self.document, source.as_deref())?;
        Ok(self.pages.get_or_init(|| pages))
    }
}

impl Output {
    /// Every output, in the order they are made and listed.
    pub const ALL: [Output; 5] = [
        Output::Pdf,
        Output::Docx,
        Output::Html,
        Output::HtmlFragment,
        Output::Json,
    ];

    /// The name on the command line (`--to pdf,docx`).
    pub fn name(self) -> &'static str {
        match self {
            Output::Pdf => "pdf",
            Output::Docx => "docx",
            Output::Html => "html",
            Output::HtmlFragment => "html-fragment",
            Output::Json => "json",
        }
    }

    /// The file extension, without the dot (`fragment.html` for the fragment, so
    /// that it sits beside the page and opens in a browser).
    pub fn extension(self) -> &'static str {
        match self {
            Output::HtmlFragment => "fragment.html",
            other => other.name(),
        }
    }

    /// The name users read on a button or in a list: PDF, DOCX, 网页, 网页片段, JSON.
    pub fn label(self) -> &'static str {
        match self {
            Output::Pdf => "PDF",
            Output::Docx => "DOCX",
            Output::Html => "HTML",
            Output::HtmlFragment => "HTML 片段",
            Output::Json => "JSON",
        }
    }

    /// The media type (IANA) of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            Output::Pdf => "application/pdf",
            Output::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Output::Html | Output::HtmlFragment => "text/html; charset=utf-8",
            Output::Json => "application/json",
        }
    }

    /// Whether the output is one file per report ([`Files::One`]) or one per page
    /// ([`Files::PerPage`], an image of each page).
    pub fn files(self) -> Files {
        Files::One
    }

    /// Whether the output is laid out from the typeset pages (PDF) rather than from
    /// the document alone (HTML, JSON; the DOCX takes only where the pages cut the
    /// tables).
    pub fn paged(self) -> bool {
        matches!(self, Output::Pdf)
    }

    /// The output named `name` on the command line.
    pub fn parse(name: &str) -> Option<Output> {
        Output::ALL.into_iter().find(|o| o.name() == name)
    }

    /// The names of every output, for messages: `pdf、docx`.
    pub fn names() -> String {
        Output::ALL.map(Output::name).join("、")
    }

    /// Makes this output's bytes.
    ///
    /// # Errors
    /// The exporter's [`RenderError`].
    pub fn make(self, s: &Sources) -> Result<Vec<u8>, RenderError> {
        match self {
            Output::Pdf => pdf::pdf(s.pages()?, s.standard),
            // The DOCX cuts its tables where the pages do.
            Output::Docx => docx::docx(s.document, &s.pages()?.table_parts),
            Output::Html => {
                let m = s.report.meta.as_ref();
                let meta = html::PageMeta {
                    site: [
                        ("SiteName", m.and_then(|m| m.site_name.as_deref())),
                        ("SiteDomain", m.and_then(|m| m.site_domain.as_deref())),
                        ("SiteIDCode", m.and_then(|m| m.site_id_code.as_deref())),
                    ],
                    published: s
                        .report
                        .meta
                        .as_ref()
                        .and_then(|m| m.published)
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| {
                            let (y, m, d) = s.document.meta.date;
                            format!("{y:04}-{m:02}-{d:02}")
                        }),
                    json_name: s.with_json.then_some(s.json_name.as_str()),
                };
                Ok(html::page(s.document, &meta))
            }
            Output::HtmlFragment => Ok(html::fragment(s.document)),
            Output::Json => Ok(write::published_json(s.report, s.totals).into_bytes()),
        }
    }
}
