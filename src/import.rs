//! `nianbao import`: published reports (DOCX, HTML, PDF) read back into data files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nianbao_files::atomic::write_atomically;
use nianbao_files::kinds::{self, Role};
use nianbao_form::check;
use nianbao_form::diag::{self, Diagnostic, Rule};

use crate::{Target, display, report_bytes};

/// Where the data of `file` goes: `-o` as a file for one input, as a folder for
/// several (or when it is a folder), else beside the input.
fn destination(file: &Path, output: Option<&Path>, many: bool, target: Target) -> PathBuf {
    let name = file.with_extension(target.extension());
    let name = name.file_name().map(PathBuf::from).unwrap_or_default();
    match output {
        Some(o) if many || o.is_dir() => o.join(name),
        Some(o) => o.to_path_buf(),
        None => file.with_extension(target.extension()),
    }
}

/// Reads each published report and writes its data (one bad file never stops the
/// others). A file with rows that could not be read is written only with
/// `partial`, with those cells named at the top. Exit: 2 when a file could not be
/// read or written, 1 when a report has errors (its own or found by the check), 0.
pub fn run(
    files: &[PathBuf],
    output: Option<&Path>,
    target: Target,
    force: bool,
    partial: bool,
) -> ExitCode {
    let mut worst = 0u8;
    let many = files.len() > 1;
    if let Some(o) = output
        && many
        && !o.is_dir()
    {
        eprintln!("{}：导入多个文件时 -o 应为已有的文件夹", o.display());
        return ExitCode::from(2);
    }
    for file in files {
        let shown = display(file);
        if kinds::by_path(file).is_none_or(|k| k.role == Role::Data) {
            eprintln!(
                "{shown}：导入只读已发布的年报（{}）；数据文件请用 nianbao check 或 convert",
                kinds::extensions_listed(Some(Role::Published))
            );
            worst = worst.max(2);
            continue;
        }
        let decoded = match crate::read_report(file) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{e}");
                worst = worst.max(2);
                continue;
            }
        };
        // The check takes the decoded data; the data file is written from the report
        // as read, also when the check finds errors (they are the report's to fix).
        let report = decoded.report.clone();
        let diags: Vec<Diagnostic> = match check::check(decoded, None) {
            Ok(c) => c.diagnostics,
            Err(d) => d,
        }
        .into_iter()
        .map(|d| d.in_file(&shown))
        .collect();
        let _ = std::io::stdout()
            .lock()
            .write_all(diag::format_text(&diags).as_bytes());
        if diag::fails(&diags, false) {
            worst = worst.max(1);
        }
        let unread: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.rule == Rule::ImportUnread)
            .collect();
        let Some(report) = report else {
            eprintln!("{shown}：没有读出机关名称、年度和表格格式，未生成数据文件");
            worst = worst.max(1);
            continue;
        };
        if !unread.is_empty() && !partial {
            eprintln!(
                "{shown}：有 {} 处表格内容没有读出，未生成数据文件；请核对原文件，或加 --partial 生成（未读出的格留空待填）",
                unread.len()
            );
            worst = worst.max(1);
            continue;
        }
        let path = destination(file, output, many, target);
        if path.canonicalize().ok() == file.canonicalize().ok() {
            eprintln!("{}：输出文件不能是输入文件本身", path.display());
            worst = worst.max(2);
            continue;
        }
        let mut bytes = match report_bytes(&report, target) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}：{e}", path.display());
                worst = worst.max(2);
                continue;
            }
        };
        if !unread.is_empty()
            && let Target::Text(
                nianbao_files::parse::Format::Yaml | nianbao_files::parse::Format::Toml,
            ) = target
        {
            let mut head =
                format!("# 由 {shown} 导入；以下内容没有读出，数据中缺少，请对照原文件补填：\n");
            for d in &unread {
                head.push_str(&format!("#   {}\n", d.message));
            }
            head.push_str(&String::from_utf8_lossy(&bytes));
            bytes = head.into_bytes();
        }
        match write_atomically(&path, &bytes, force) {
            Ok(()) => println!("已导入 {shown} → {}", path.display()),
            Err(e) => {
                eprintln!("{e}");
                worst = worst.max(2);
            }
        }
    }
    ExitCode::from(worst)
}
