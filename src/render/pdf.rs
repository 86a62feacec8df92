//! The PDF: Typst used as a library, with our own `World`.
//!
//! No typst process, no network, no packages: the template is compiled into the
//! binary, the document reaches it as a virtual JSON file, the fonts are the
//! [`FontSet`] registered under the role names, and there is no clock — the
//! document date comes from the data, so the same input gives the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, NativeElement, Selector, Smart};
use typst::introspection::MetadataElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontWeight};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::document::{CLOSING, DocBlock, Document, Grid, OPENING};
use crate::fonts::FontSet;
use crate::layout::{self, Layout, Role};
use crate::render::plan::{self, Plan, TableMetrics};

/// The template, compiled into the binary.
pub const TEMPLATE: &str = include_str!("../../templates/report.typ");

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

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("valid virtual path"),
    )
    .intern()
}

/// The Typst world of one process: library, fonts and template fixed; the data
/// file swapped per document.
struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    source: Source,
    files: Mutex<HashMap<FileId, Bytes>>,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .lock()
            .expect("files lock")
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The data the template reads.
#[derive(Serialize)]
struct TemplateData<'a> {
    layout: &'a Layout,
    /// The font family of each role, by the role's name: `body` → `nb-body`.
    fonts: &'a BTreeMap<&'static str, &'static str>,
    punct: Punct,
    attach: bool,
    doc: &'a Document,
    /// Set to have the template measure these tables instead of drawing the document.
    metrics: Option<Vec<&'a Grid>>,
    /// For each table of the document, its plan for every line it may start on.
    plans: Vec<Vec<Plan>>,
    /// For each table of the document, the measured height of each row, pt.
    heights: Vec<&'a [f64]>,
    /// Have the template check that its measuring shortcuts agree with the real layout.
    verify: bool,
}

/// The punctuation the template keeps at full width.
#[derive(Clone, Copy, Serialize)]
struct Punct {
    opening: &'static str,
    closing: &'static str,
}

/// A PDF renderer: fonts and template are loaded once and reused for every document.
pub struct PdfRenderer {
    world: ReportWorld,
    layout: Layout,
    /// The font family of each role, as the template names the roles.
    roles: BTreeMap<&'static str, &'static str>,
    /// Table heights by form ([`plan::form_key`]), measured once with these fonts.
    metrics: Mutex<HashMap<String, Arc<TableMetrics>>>,
}

/// Rendering failed (a template or export error: a bug, or an impossible standard).
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn describe(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let hints: Vec<&str> = d.hints.iter().map(|h| h.v.as_str()).collect();
            if hints.is_empty() {
                d.message.to_string()
            } else {
                format!("{}（{}）", d.message, hints.join("；"))
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

impl PdfRenderer {
    /// A renderer with the fonts of `fonts` registered under the role names.
    pub fn new(fonts: &FontSet) -> Self {
        let mut infos = Vec::new();
        let mut faces = Vec::new();
        for role in Role::ALL {
            let font = fonts.get(role).font.clone();
            let mut info = font.info().clone();
            info.family = role.family().to_string();
            // Each role has one face, chosen already: it serves every weight asked.
            info.variant.weight = FontWeight::REGULAR;
            infos.push(info);
            faces.push(font);
        }
        let main = file_id("/main.typ");
        PdfRenderer {
            world: ReportWorld {
                library: LazyHash::new(Library::builder().build()),
                book: LazyHash::new(FontBook::from_infos(infos)),
                fonts: faces,
                main,
                source: Source::new(main, TEMPLATE.to_string()),
                files: Mutex::new(HashMap::new()),
            },
            layout: layout::gbt9704(),
            roles: Role::ALL
                .iter()
                .map(|r| (r.family().trim_start_matches("nb-"), r.family()))
                .collect(),
            metrics: Mutex::new(HashMap::new()),
        }
    }

    /// Lays a document out into pages.
    pub fn compile(
        &self,
        doc: &Document,
        source_json: Option<&str>,
    ) -> Result<PagedDocument, RenderError> {
        self.compile_with(doc, source_json, false)
    }

    /// Lays a document out with the template's self-checks on: each paragraph is
    /// also measured as it is drawn, and must take the room the grid walk gave it;
    /// each table part whose rows are given their measured heights is also laid
    /// out with rows Typst sizes itself, and must come out the same. For tests.
    pub fn compile_verified(&self, doc: &Document) -> Result<PagedDocument, RenderError> {
        self.compile_with(doc, None, true)
    }

    fn compile_with(
        &self,
        doc: &Document,
        source_json: Option<&str>,
        verify: bool,
    ) -> Result<PagedDocument, RenderError> {
        let tables: Vec<&Grid> = doc
            .sections
            .iter()
            .filter_map(|s| match s.blocks.as_slice() {
                [DocBlock::Table(g)] => Some(g),
                _ => None,
            })
            .collect();
        let metrics = self.table_metrics(doc, &tables)?;
        let plans = tables
            .iter()
            .zip(&metrics)
            .map(|(g, m)| plan::plans(g, m, &self.layout))
            .collect();
        self.typeset(
            &TemplateData {
                attach: source_json.is_some(),
                plans,
                heights: metrics.iter().map(|m| m.rows.as_slice()).collect(),
                verify,
                ..self.data(doc)
            },
            source_json,
        )
    }

    /// The metrics of each table, measured by the template for the forms not seen before.
    fn table_metrics(
        &self,
        doc: &Document,
        tables: &[&Grid],
    ) -> Result<Vec<Arc<TableMetrics>>, RenderError> {
        let keys: Vec<String> = tables.iter().map(|g| plan::form_key(g)).collect();
        let mut known = self.metrics.lock().expect("metrics lock");
        let mut missing: Vec<(&String, &Grid)> = Vec::new();
        for (key, g) in keys.iter().zip(tables) {
            if !known.contains_key(key) && !missing.iter().any(|(k, _)| *k == key) {
                missing.push((key, g));
            }
        }
        if !missing.is_empty() {
            let grids = missing.iter().map(|(_, g)| *g).collect();
            let data = TemplateData {
                metrics: Some(grids),
                ..self.data(doc)
            };
            let paged = self.typeset(&data, None)?;
            let measured: Vec<TableMetrics> = paged
                .introspector()
                .elements()
                .query_first(&Selector::Elem(MetadataElem::ELEM, None))
                .and_then(|c| c.to_packed::<MetadataElem>().map(|m| m.value.clone()))
                .and_then(|v| serde_json::to_value(v).ok())
                .and_then(|v| serde_json::from_value(v).ok())
                .filter(|m: &Vec<TableMetrics>| m.len() == missing.len())
                .ok_or_else(|| RenderError("排版失败：表格高度未能测量".into()))?;
            for ((key, _), m) in missing.into_iter().zip(measured) {
                known.insert(key.clone(), Arc::new(m));
            }
        }
        Ok(keys.iter().map(|k| known[k].clone()).collect())
    }

    /// What the template reads to draw `doc`, before its tables are planned.
    fn data<'a>(&'a self, doc: &'a Document) -> TemplateData<'a> {
        TemplateData {
            layout: &self.layout,
            fonts: &self.roles,
            punct: Punct {
                opening: OPENING,
                closing: CLOSING,
            },
            attach: false,
            doc,
            metrics: None,
            plans: Vec::new(),
            heights: Vec::new(),
            verify: false,
        }
    }

    /// Runs the template on `data`.
    fn typeset(
        &self,
        data: &TemplateData,
        source_json: Option<&str>,
    ) -> Result<PagedDocument, RenderError> {
        let json = serde_json::to_vec(data).map_err(|e| RenderError(e.to_string()))?;
        {
            let mut files = self.world.files.lock().expect("files lock");
            files.insert(file_id("/data.json"), Bytes::new(json));
            match source_json {
                Some(s) => files.insert(file_id("/source.json"), Bytes::from_string(s.to_string())),
                None => files.remove(&file_id("/source.json")),
            };
        }
        let result = typst::compile::<PagedDocument>(&self.world);
        if std::env::var_os("NIANBAO_DEBUG_TYPST").is_some() {
            for w in &result.warnings {
                eprintln!("typst warning: {}", describe(std::slice::from_ref(w)));
            }
        }
        result
            .output
            .map_err(|e| RenderError(format!("排版失败：{}", describe(&e))))
    }

    /// Renders a document to PDF bytes. `source_json` is attached under PDF/A-3b.
    pub fn pdf(
        &self,
        doc: &Document,
        standard: Standard,
        source_json: &str,
    ) -> Result<Vec<u8>, RenderError> {
        let attach = (standard == Standard::A3b).then_some(source_json);
        let paged = self.compile(doc, attach)?;
        let standards = match standard {
            Standard::A2b => vec![PdfStandard::A_2b],
            Standard::A3b => vec![PdfStandard::A_3b],
            Standard::Ua1 => vec![PdfStandard::Ua_1],
            Standard::None => vec![],
        };
        let standards =
            PdfStandards::new(&standards).map_err(|e| RenderError(e.message().to_string()))?;
        let ident = format!("nianbao:{}:{}", doc.meta.author, doc.meta.title);
        let options = PdfOptions {
            ident: Smart::Custom(ident),
            creator: Smart::Custom(Some(format!("nianbao {}", env!("CARGO_PKG_VERSION")))),
            timestamp: None,
            standards,
            tagged: true,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&paged, &options)
            .map_err(|e| RenderError(format!("PDF 导出失败：{}", describe(&e))))
    }
}
