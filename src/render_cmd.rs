//! `nianbao render`: check each input, build its document, write its PDF.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nianbao::check;
use nianbao::diag;
use nianbao::document;
use nianbao::fonts::{self, FontOptions, FontSet};
use nianbao::render::docx;
use nianbao::render::pdf::{PdfRenderer, Standard};
use nianbao::tree::Format;
use nianbao::write;

use crate::{count, display, write_atomically};

/// Where the PDF of `input` goes: `<stem>.pdf` in `out_dir`, or beside the input.
fn target(input: &Path, out_dir: Option<&Path>, ext: &str) -> PathBuf {
    let stem = input.file_stem().unwrap_or_default();
    let dir = match out_dir {
        Some(d) => d.to_path_buf(),
        None => input.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    dir.join(stem).with_extension(ext)
}

/// What to write.
#[derive(Clone, Copy)]
struct Outputs {
    pdf: bool,
    docx: bool,
}

/// Renders one file; Err says why it was not rendered (already printed).
fn render_one(
    file: &Path,
    out_dir: Option<&Path>,
    outputs: Outputs,
    standard: Standard,
    fonts: &FontSet,
    renderer: &PdfRenderer,
    force: bool,
) -> Result<Vec<PathBuf>, ()> {
    let decoded = check::read_file(file).map_err(|e| eprintln!("{e}"))?;
    let mut diags = check::diagnostics(&decoded, None);
    let Some(report) = &decoded.report else {
        eprint!("{}", diag::format_text(&with_file(diags, file)));
        eprintln!("{}：数据有错误，无法生成", display(file));
        return Err(());
    };
    diags.extend(fonts::glyph_diagnostics(report, &decoded.positions, fonts));
    let (errors, _) = count(&diags);
    if !diags.is_empty() {
        eprint!("{}", diag::format_text(&with_file(diags, file)));
    }
    if errors > 0 && !force {
        eprintln!(
            "{}：数据有 {errors} 个错误，未生成（改正后重试，或加 --force 照样生成）",
            display(file)
        );
        return Err(());
    }
    let doc = document::build(report).map_err(|e| eprintln!("{}：{e}", display(file)))?;
    // Both files are made before either is written: a failure leaves neither behind.
    let mut files = Vec::new();
    if outputs.pdf {
        let mut printable = doc.clone();
        fonts.substitute_missing(&mut printable);
        let source = write::to_string(report, Format::Json);
        let pdf = renderer
            .pdf(&printable, standard, &source)
            .map_err(|e| eprintln!("{}：{e}", display(file)))?;
        files.push((target(file, out_dir, "pdf"), pdf));
    }
    if outputs.docx {
        // The DOCX keeps every character: Word may have a font that has it.
        let bytes = docx::docx(&doc).map_err(|e| eprintln!("{}：{e}", display(file)))?;
        files.push((target(file, out_dir, "docx"), bytes));
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        write_atomically(&path, &bytes, true).map_err(|e| eprintln!("{e}"))?;
        written.push(path);
    }
    Ok(written)
}

fn with_file(diags: Vec<diag::Diagnostic>, file: &Path) -> Vec<diag::Diagnostic> {
    diags
        .into_iter()
        .map(|d| d.in_file(&display(file)))
        .collect()
}

pub fn run(
    files: &[PathBuf],
    out_dir: Option<&Path>,
    to: &[String],
    standard: &str,
    font_options: FontOptions,
    force: bool,
) -> ExitCode {
    let mut outputs = Outputs {
        pdf: false,
        docx: false,
    };
    for format in to {
        match format.trim() {
            "pdf" => outputs.pdf = true,
            "docx" => outputs.docx = true,
            other => {
                eprintln!("不支持的输出格式 “{other}”；可用：pdf、docx");
                return ExitCode::from(2);
            }
        }
    }
    let Some(standard) = Standard::parse(standard) else {
        eprintln!("不支持的 PDF 标准 “{standard}”；可用：a-2b、a-3b、ua-1、none");
        return ExitCode::from(2);
    };
    if let Some(dir) = out_dir
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("{}：无法创建输出文件夹：{e}", dir.display());
        return ExitCode::from(2);
    }
    let fonts = match FontSet::discover(&font_options) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let renderer = PdfRenderer::new(&fonts);
    let mut failed = 0;
    for file in files {
        match render_one(file, out_dir, outputs, standard, &fonts, &renderer, force) {
            Ok(paths) => {
                for path in paths {
                    println!("已生成 {}", path.display());
                }
            }
            Err(()) => failed += 1,
        }
    }
    if failed > 0 {
        eprintln!("{} 个文件已生成，{failed} 个失败", files.len() - failed);
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
