//! One report, from its decoded data to the bytes of every output: check, build,
//! typeset and export. The command line's `render` (threads or worker processes),
//! the web app, the benchmark and any other front end read the input themselves
//! (`nianbao_files::read`) and call this; writing the bytes to files is theirs too
//! (`nianbao_files::atomic::write_atomically`).

use std::cell::Cell;

use nianbao_form::check::{self, Checked};
use nianbao_form::decode::Decoded;
use nianbao_form::diag::{Diagnostic, Rule};

use crate::document;
use crate::error::RenderError;
use crate::export::pdf::Standard;
use crate::fonts::{self, FontSet};
use crate::output::{Output, Sources};
use crate::typeset::Typesetter;

/// Typst's caches are trimmed every this many documents, keeping what the last
/// `EVICT_AGE` trims saw in use (fonts, headings and table labels stay warm).
/// Measured on 100 six-page reports, one worker: every 2 / age 1 is both faster
/// (7.3 s) and smaller (133 MB) than every 4 / age 2 (7.8 s, 242 MB) — smaller
/// caches are cheaper to search than the layouts they save.
const EVICT_EVERY: usize = 2;
const EVICT_AGE: usize = 1;

/// Keeps Typst's global caches bounded however many documents a process renders:
/// call [`CacheTrimmer::document_done`] after each.
#[derive(Debug, Default)]
pub struct CacheTrimmer {
    done: Cell<usize>,
}

impl CacheTrimmer {
    /// Counts a finished document and trims Typst's caches when it is time.
    pub fn document_done(&self) {
        let done = self.done.get() + 1;
        self.done.set(done);
        if done.is_multiple_of(EVICT_EVERY) {
            typst::comemo::evict(EVICT_AGE);
        }
    }
}

/// What to make of each report.
#[derive(Clone, Debug)]
pub struct Options {
    /// The outputs, each once, in [`Output::ALL`] order.
    pub outputs: Vec<Output>,
    /// The PDF standard.
    pub standard: Standard,
    /// Render even when the data has errors.
    pub force: bool,
}

/// A report rendered in memory.
#[derive(Debug)]
pub struct Rendered {
    /// Each output asked for and its bytes, in the order of [`Options::outputs`].
    pub files: Vec<(Output, Vec<u8>)>,
    /// The diagnostics of the report (warnings, and errors under `force`), without
    /// a file name (the caller knows it).
    pub diagnostics: Vec<Diagnostic>,
}

/// A report's pages drawn for a preview ([`Renderer::preview`]).
#[derive(Debug)]
pub struct Preview {
    /// One SVG document per page, in order (A4: 595.28 × 841.89 pt).
    pub pages: Vec<String>,
    /// The check's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a report was not rendered.
#[derive(Debug)]
pub enum Refusal {
    /// The data gave no report (edition, year or organ unreadable).
    NoReport,
    /// The file is a data file of something else (no key of a report).
    NotAReport,
    /// The data has this many errors, and `force` was not given.
    Errors(usize),
    /// Building or rendering failed.
    Render(RenderError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoReport => f.write_str("数据有错误，无法生成"),
            Refusal::NotAReport => f.write_str("不是年报数据文件，未生成"),
            Refusal::Errors(n) => write!(
                f,
                "数据有 {n} 个错误，未生成（改正后重试，或加 --force 照样生成）"
            ),
            Refusal::Render(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// A report that was not rendered: why, and its diagnostics. Nothing was made.
#[derive(Debug)]
pub struct Refused {
    /// Why.
    pub refusal: Refusal,
    /// The diagnostics found before it stopped.
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders reports one after another with one typesetter (fonts loaded once,
/// Typst's world reused, its caches trimmed as it goes). One per thread.
pub struct Renderer<'f> {
    fonts: &'f FontSet,
    typesetter: Typesetter,
    trimmer: CacheTrimmer,
}

impl<'f> Renderer<'f> {
    /// A renderer over `fonts`.
    pub fn new(fonts: &'f FontSet) -> Self {
        Renderer {
            fonts,
            typesetter: Typesetter::new(fonts),
            trimmer: CacheTrimmer::default(),
        }
    }

    /// Checks and renders a decoded report.
    ///
    /// # Errors
    /// [`Refused`]: the data without a report or with errors (unless `force`), or
    /// rendering failed. Nothing is made then.
    pub fn render(&self, decoded: Decoded, options: &Options) -> Result<Rendered, Refused> {
        self.render_named(decoded, None, options)
    }

    /// The report's pages as SVG images, for a preview: the same typeset pages
    /// the PDF is made of (Typst's layout, drawn by typst-svg), one SVG document
    /// per page with its size in pt, and the diagnostics of the check. A report
    /// with errors is still previewed (the preview is how a clerk sees them).
    ///
    /// # Errors
    /// [`Refused`] when the data gives no report, or typesetting fails.
    pub fn preview(&self, decoded: Decoded) -> Result<Preview, Refused> {
        let result = match check::check(decoded, None) {
            Ok(checked) => self.preview_checked(checked),
            Err(diagnostics) => Err(Refused {
                refusal: Refusal::NoReport,
                diagnostics,
            }),
        };
        self.trimmer.document_done();
        result
    }

    fn preview_checked(&self, mut checked: Checked) -> Result<Preview, Refused> {
        let diagnostics = std::mem::take(&mut checked.diagnostics);
        let pages =
            document::build(&checked).and_then(|document| self.typesetter.typeset(&document, None));
        match pages {
            Ok(pages) => Ok(Preview {
                pages: crate::export::svg::pages(&pages),
                diagnostics,
            }),
            Err(e) => Err(Refused {
                refusal: Refusal::Render(e),
                diagnostics,
            }),
        }
    }

    /// [`Renderer::render`] for files named `stem` (the HTML page links to
    /// `stem.json` when the JSON edition is made too).
    ///
    /// # Errors
    /// As [`Renderer::render`].
    pub fn render_named(
        &self,
        decoded: Decoded,
        stem: Option<&str>,
        options: &Options,
    ) -> Result<Rendered, Refused> {
        let result = match check::check(decoded, None) {
            Ok(checked) => self.render_checked(checked, stem, options),
            Err(diagnostics) => Err(Refused {
                refusal: if diagnostics.iter().any(|d| d.rule == Rule::NotAReport) {
                    Refusal::NotAReport
                } else {
                    Refusal::NoReport
                },
                diagnostics,
            }),
        };
        self.trimmer.document_done();
        result
    }

    fn render_checked(
        &self,
        mut checked: Checked,
        stem: Option<&str>,
        options: &Options,
    ) -> Result<Rendered, Refused> {
        let mut diagnostics = std::mem::take(&mut checked.diagnostics);
        diagnostics.extend(fonts::glyph_diagnostics(
            &checked.report,
            &checked.positions,
            self.fonts,
        ));
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 && !options.force {
            return Err(Refused {
                refusal: Refusal::Errors(errors),
                diagnostics,
            });
        }
        let document = match document::build(&checked) {
            Ok(d) => d,
            Err(e) => {
                return Err(Refused {
                    refusal: Refusal::Render(e),
                    diagnostics,
                });
            }
        };
        let sources = Sources {
            document: &document,
            report: &checked.report,
            totals: &checked.totals,
            with_json: stem.is_some() && options.outputs.contains(&Output::Json),
            json_name: format!("{}.json", stem.unwrap_or("report")),
            fonts: self.fonts,
            typesetter: &self.typesetter,
            standard: options.standard,
            pages: std::cell::OnceCell::new(),
        };
        // Every output is made before any is handed back: a failure leaves none.
        let mut files = Vec::new();
        for &output in &options.outputs {
            match output.make(&sources) {
                Ok(bytes) => files.push((output, bytes)),
                Err(e) => {
                    return Err(Refused {
                        refusal: Refusal::Render(e),
                        diagnostics,
                    });
                }
            }
        }
        Ok(Rendered { files, diagnostics })
    }
}
