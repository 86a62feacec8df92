//! `nianbao render` to PDF: assertions on the PDF itself — its text, fonts, page
//! size, line grid, metadata and bytes.
//!
//! Text, fonts and geometry are read with poppler (pdftotext, pdffonts, pdfinfo,
//! pdfdetach). Without poppler those checks say so and are skipped; under CI
//! (`CI` set) a missing poppler fails the run, so the checks always run there.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use nianbao_files::read_file;
use nianbao_form::check::check_report;
use nianbao_form::tables::{Content, tables};
use nianbao_render::document::{self, DocBlock};

fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} (poppler-utils) is needed for the PDF checks under CI"
        );
        eprintln!("note: {tool} (poppler-utils) not installed: PDF content checks skipped");
    }
    ok
}

fn tool(name: &str, args: &[&str]) -> String {
    let o = Command::new(name)
        .args(args)
        .output()
        .expect("run poppler tool");
    assert!(
        o.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn render(input: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    render_to(input, "pdf", extra)
}

fn render_text(
    name: &str,
    text: &str,
    extra: &[&str],
) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, text).unwrap();
    let mut args = vec!["render", input.to_str().unwrap(), "--no-system-fonts"];
    args.extend(extra);
    let o = run(&args);
    let pdf = input.with_extension("pdf");
    (dir, pdf, o)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A text line of the PDF: page, top, bottom, left, right, text.
#[derive(Debug, Clone)]
struct Line {
    page: usize,
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    text: String,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    tag[start..].split('"').next().unwrap().parse().unwrap()
}

/// Lines with their boxes, from `pdftotext -bbox-layout`.
fn lines(pdf: &Path) -> Vec<Line> {
    let xml = tool("pdftotext", &["-bbox-layout", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    let mut page = 0;
    for part in xml.split('<').skip(1) {
        if part.starts_with("page ") {
            page += 1;
        } else if part.starts_with("line ") {
            out.push(Line {
                page,
                top: attr(part, "yMin"),
                bottom: attr(part, "yMax"),
                left: attr(part, "xMin"),
                right: attr(part, "xMax"),
                text: String::new(),
            });
        } else if part.starts_with("word ")
            && let Some(l) = out.last_mut()
        {
            let text = part.split_once('>').map(|(_, t)| t).unwrap_or("");
            l.text.push_str(
                &text
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            );
        }
    }
    out
}

const MM: f64 = 72.0 / 25.4;
const TOP: f64 = 37.0 * MM;
const PITCH: f64 = 225.0 * MM / 22.0;

#[test]
fn the_seed_renders_with_every_label_and_number_of_its_tables() {
    for name in ["xiayi-2020.yaml", "qinghe-2023.yaml"] {
        let input = example(name);
        let (_dir, pdf) = render(&input, &[]);
        if !have("pdftotext") {
            return;
        }
        let raw = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        let text = squeeze(&raw);
        let report = read_file(&input).unwrap().report.unwrap();
        // Every label of the edition's tables (a local header variant replaces its label).
        for t in tables(report.edition) {
            for cell in t.rows.iter().flat_map(|r| &r.cells) {
                if let Content::Label {
                    text: label,
                    replaced_by,
                    ..
                } = cell.content
                {
                    let shown = replaced_by
                        .and_then(|k| report.table_texts.get(k))
                        .map(String::as_str)
                        .unwrap_or(label);
                    assert!(
                        text.contains(&squeeze(shown)),
                        "{name}: label {shown} missing"
                    );
                }
            }
        }
        // Every number, row by row, in the order of the table.
        let tokens: Vec<&str> = raw
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter(|t| !t.is_empty())
            .collect();
        let doc = document::build(&check_report(report.clone())).unwrap();
        for s in &doc.sections {
            for b in &s.blocks {
                let DocBlock::Table(g) = b else { continue };
                for row in &g.rows {
                    let numbers: Vec<String> = row
                        .iter()
                        .filter(|c| c.kind == document::CellKind::Number)
                        .map(|c| c.text())
                        .collect();
                    if numbers.is_empty() {
                        continue;
                    }
                    let found = tokens
                        .windows(numbers.len())
                        .any(|w| w.iter().zip(&numbers).all(|(a, b)| a == b));
                    assert!(found, "{name}: row {numbers:?} not in the PDF text");
                }
            }
        }
        // Headings, title and the run-in items.
        for needle in [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "六、其他需要报告的事项",
            "（一）",
        ] {
            assert!(text.contains(needle), "{name}: {needle}");
        }
        assert!(text.contains(&squeeze(&report.title())) || text.contains(&squeeze(&report.organ)));
    }
}

#[test]
fn expressions_in_prose_print_their_values() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let text = squeeze(&tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("本年度新收政府信息公开申请2943件"), "{text}");
    assert!(!text.contains("{{"));
}

#[test]
fn every_font_is_embedded_and_the_page_is_a4() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &[]);
    if !have("pdffonts") {
        return;
    }
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 5, "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "not embedded/subset/unicode: {row}"
        );
    }
    for face in [
        "FandolFang",
        "FandolHei",
        "FandolKai",
        "FandolSong-Bold",
        "FandolSong-Regular",
    ] {
        assert!(fonts.contains(face), "{face} missing: {fonts}");
    }
    // 王喆: 喆 is not in Fandol; the full-coverage fallback prints it.
    assert!(fonts.contains("LXGWWenKai"), "{fonts}");
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
}

#[test]
fn two_renders_are_byte_identical() {
    let (_a, first) = render(&example("qinghe-2023.yaml"), &[]);
    let (_b, second) = render(&example("qinghe-2023.yaml"), &[]);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
    let (_c, third) = render(&example("qinghe-2023.yaml"), &["--pdf-standard", "a-3b"]);
    let (_d, fourth) = render(&example("qinghe-2023.yaml"), &["--pdf-standard", "a-3b"]);
    assert_eq!(
        std::fs::read(&third).unwrap(),
        std::fs::read(&fourth).unwrap()
    );
}

#[test]
fn user_text_is_data_never_typst_code() {
    let hostile =
        r#"#read("/etc/passwd") $x$ *a* ] \ <l> @r #set page(paper: "a5") [链接] _b_ `c` = 标题"#;
    let text = edit(
        "qinghe-2023.yaml",
        "2023年，青禾市市场监督管理局以",
        &format!(
            "{}，青禾市市场监督管理局以",
            hostile.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    )
    .replacen("  - 2023年", "  - \"", 0);
    // Write the hostile paragraph as a double-quoted YAML string.
    let text = text.replacen(
        &format!("  - {}", hostile.replace('\\', "\\\\").replace('"', "\\\"")),
        &format!(
            "  - \"{}",
            hostile.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        1,
    );
    let text = {
        let mut out = String::new();
        for line in text.lines() {
            if line.starts_with("  - \"#read") {
                out.push_str(line);
                out.push('"');
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        out
    };
    let (_dir, pdf, o) = render_text("hostile.yaml", &text, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    if !have("pdftotext") {
        return;
    }
    let raw = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    let got = squeeze(&raw);
    assert!(
        got.contains(&squeeze(hostile)),
        "literal text missing:\n{raw}"
    );
    assert!(!raw.contains("root:"), "a file was read into the PDF");
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("(A4)"),
        "the page setting was not changed: {info}"
    );
}

#[test]
fn two_hundred_characters_take_the_expected_lines_at_28_per_line() {
    // 200 characters: punctuation only where no line break falls, so that the
    // count is exact: 2 indent + 200 = 202 cells = 7 full lines + 6 on the 8th.
    let unit = "政府信息公开工作进一步规范，";
    let mut body: String = unit.repeat(15).chars().take(200).collect();
    body.pop();
    body.push('。');
    assert_eq!(body.chars().count(), 200);
    let text = replace_line(
        "xiayi-2020.yaml",
        "  - 2020年，县工信科技局",
        &format!("  - {body}"),
    );
    assert!(text.contains(&body));
    let (_dir, pdf, o) = render_text("lines.yaml", &text, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    if !have("pdftotext") {
        return;
    }
    let all = lines(&pdf);
    let start = all
        .iter()
        .position(|l| l.text.starts_with("政府信息公开工作进一步规范"))
        .unwrap();
    let para: Vec<&Line> = all[start..]
        .iter()
        .take_while(|l| !l.text.starts_with('（'))
        .collect();
    let counts: Vec<usize> = para.iter().map(|l| l.text.chars().count()).collect();
    assert_eq!(counts, vec![26, 28, 28, 28, 28, 28, 28, 6], "{para:#?}");
    // A full line fills the type area: 156 mm.
    assert!(
        (para[1].right - para[1].left - 156.0 * MM).abs() < 0.5,
        "{:?}",
        para[1]
    );
}

#[test]
fn every_body_line_is_on_the_22_line_grid_and_a_full_page_has_22_lines() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let all = lines(&pdf);
    // Body lines: 16 pt line boxes (titles are 22 pt, tables 10.5 pt, page numbers 14 pt).
    let body: Vec<&Line> = all
        .iter()
        .filter(|l| (l.bottom - l.top - 16.0).abs() < 0.5)
        .collect();
    assert!(body.len() > 40, "{}", body.len());
    for l in &body {
        let k = (l.top - TOP) / PITCH;
        assert!((k - k.round()).abs() < 0.01, "off the grid: {l:?}");
        assert!(
            l.left >= 28.0 * MM - 0.5 && l.right <= (210.0 - 26.0) * MM + 0.5,
            "outside the type area: {l:?}"
        );
    }
    // Page 1 holds title (2 lines), an empty line and body text down to the 22nd line.
    let page1: Vec<&&Line> = body.iter().filter(|l| l.page == 1).collect();
    let last = page1
        .iter()
        .map(|l| ((l.top - TOP) / PITCH).round() as i64)
        .max()
        .unwrap();
    assert_eq!(last, 21, "the last line of page 1 is line 22");
    // Text after a table is back on the grid: section 五 follows table 四.
    assert!(body.iter().any(|l| l.text.starts_with("五、")));
}

#[test]
fn page_numbers_alternate_sides_one_character_in() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let all = lines(&pdf);
    let numbers: Vec<&Line> = all
        .iter()
        .filter(|l| l.text.starts_with('—') && l.text.ends_with('—'))
        .collect();
    assert!(numbers.len() >= 4);
    for l in numbers {
        let n: usize = l.text.trim_matches('—').parse().unwrap();
        assert_eq!(n, l.page);
        if n % 2 == 1 {
            assert!(
                (l.right - ((210.0 - 26.0) * MM - 14.0)).abs() < 1.0,
                "odd page right, 1 字 in: {l:?}"
            );
        } else {
            assert!(
                (l.left - (28.0 * MM + 14.0)).abs() < 1.0,
                "even page left, 1 字 in: {l:?}"
            );
        }
        // 14 pt, below the type area (the dash 7 mm under it).
        assert!((l.bottom - l.top - 14.0).abs() < 0.5);
        assert!(l.top > TOP + 225.0 * MM);
    }
}

#[test]
fn the_signature_is_placed_as_gbt9704_says() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let all = lines(&pdf);
    let organ = all
        .iter()
        .rev()
        .find(|l| l.text == "青禾市市场监督管理局")
        .unwrap();
    let date = all.iter().find(|l| l.text == "2024年1月18日").unwrap();
    let right = (210.0 - 26.0) * MM;
    let cell = 156.0 * MM / 28.0;
    assert!(
        (right - organ.right - 2.0 * cell).abs() < 1.0,
        "署名右空二字: {organ:?}"
    );
    assert!(
        (date.left - organ.left - 2.0 * cell).abs() < 1.0,
        "日期首字右移二字: {date:?}"
    );
    assert!((date.top - organ.top - PITCH).abs() < 0.5);
}

#[test]
fn metadata_comes_from_the_data_never_the_clock() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &[]);
    let (_dir2, seed) = render(&example("xiayi-2020.yaml"), &[]);
    if !have("pdfinfo") {
        return;
    }
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Title:           青禾市市场监督管理局2023年政府信息公开工作年度报告"),
        "{info}"
    );
    assert!(info.contains("Author:          青禾市市场监督管理局"));
    assert!(info.contains("Subject:         青禾市市场监督管理局2023年度"));
    assert!(info.contains("Keywords:        政府信息公开, 年度报告, 青市监办〔2024〕3号"));
    assert!(
        info.contains("CreationDate:    Thu Jan 18 00:00:00 2024 UTC"),
        "{info}"
    );
    assert!(info.contains("Tagged:          yes"));
    // No signature: 31 December of the year.
    let info = tool("pdfinfo", &[seed.to_str().unwrap()]);
    assert!(
        info.contains("CreationDate:    Thu Dec 31 00:00:00 2020 UTC"),
        "{info}"
    );
}

#[test]
fn pdf_standards() {
    let input = example("qinghe-2023.yaml");
    let (_a, a2b) = render(&input, &[]);
    let (_b, a3b) = render(&input, &["--pdf-standard", "a-3b"]);
    let (_c, ua1) = render(&input, &["--pdf-standard", "ua-1"]);
    if !have("pdfinfo") {
        return;
    }
    let meta = |p: &Path| tool("pdfinfo", &["-meta", p.to_str().unwrap()]);
    assert!(
        meta(&a2b)
            .contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
    );
    assert!(meta(&a3b).contains("<pdfaid:part>3</pdfaid:part>"));
    assert!(meta(&ua1).contains("<pdfuaid:part>1</pdfuaid:part>"));
    let attached = tool("pdfdetach", &["-list", a3b.to_str().unwrap()]);
    assert!(attached.contains("source.json"), "{attached}");
    assert!(!tool("pdfdetach", &["-list", a2b.to_str().unwrap()]).contains("source.json"));
    // The attachment is the report's data.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("source.json");
    tool(
        "pdfdetach",
        &[
            "-save",
            "1",
            "-o",
            out.to_str().unwrap(),
            a3b.to_str().unwrap(),
        ],
    );
    let back = read_file(&out).unwrap();
    assert_eq!(back.report, read_file(&input).unwrap().report);
}

#[test]
fn data_with_errors_is_refused_unless_forced() {
    let text = edit(
        "qinghe-2023.yaml",
        "[25, 7, 11, 4, 47]",
        "[25, 7, 11, 4, 48]",
    );
    let (dir, pdf, o) = render_text("bad.yaml", &text, &[]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("错误[R5]"), "{}", stderr(&o));
    assert!(!pdf.exists());
    // Nothing half-written is left.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let (_dir, pdf, o) = render_text("bad.yaml", &text, &["--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("错误[R5]"));
    assert!(pdf.exists());
}

#[test]
fn unknown_output_formats_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "render",
        example("xiayi-2020.yaml").to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--to",
        "pdf,odt",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("不支持的输出格式 “odt”"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let o = run(&[
        "render",
        example("xiayi-2020.yaml").to_str().unwrap(),
        "--pdf-standard",
        "a-9z",
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_character_no_font_has_is_a_warning_naming_it_and_where() {
    let text = edit("qinghe-2023.yaml", "联系人：王喆", "联系人：王\u{10FFFD}");
    let (_dir, pdf, o) = render_text("glyph.yaml", &text, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("警告[missing-glyph]") && err.contains("U+10FFFD"),
        "{err}"
    );
    assert!(err.contains("键：preamble"), "{err}");
    assert!(err.contains("PDF 中印为方框"), "{err}");
    // The PDF (PDF/A: every glyph must exist) is still written: a box is drawn (the
    // last-resort face) and the text layer keeps the character.
    assert!(pdf.exists());
    if have("pdftotext") {
        let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        assert!(text.contains("联系人：王\u{10FFFD}"), "{text}");
        assert!(tool("pdffonts", &[pdf.to_str().unwrap()]).contains("NianbaoLastResort"));
    }
    // Two emoji that no font has (HanaMinA has the older ones): two boxes, and the text
    // keeps both (one through the font's ToUnicode, the other as ActualText).
    let text = edit(
        "qinghe-2023.yaml",
        "联系人：王喆",
        "联系人：王\u{1F9FF}\u{1FAE8}",
    );
    let (_dir, pdf, o) = render_text("emoji.yaml", &text, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stderr(&o).matches("警告[missing-glyph]").count(),
        2,
        "{}",
        stderr(&o)
    );
    if have("pdftotext") {
        let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        assert!(text.contains("联系人：王\u{1F9FF}\u{1FAE8}"), "{text}");
    }
}

#[test]
fn fonts_command_names_the_face_and_file_of_every_role() {
    let o = run(&["fonts", "--no-system-fonts"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for (role, face) in [
        ("正文（仿宋）：仿宋_GB2312", "FandolFang-Regular"),
        ("一级标题（黑体）：黑体", "FandolHei-Regular"),
        ("二级标题（楷体）：楷体_GB2312", "FandolKai-Regular"),
        ("标题（小标宋）：方正小标宋简体", "FandolSong-Bold"),
        ("页码（宋体）：宋体", "FandolSong-Regular"),
        ("补字（全字库）", "LXGWWenKai-Regular"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(role))
            .unwrap_or_else(|| panic!("{role}: {out}"));
        assert!(
            line.contains(face) && line.contains("fonts/") && line.contains("随附的替代字体"),
            "{line}"
        );
    }
    let o = run(&["fonts", "--font-dir", "/nonexistent"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("不是一个文件夹"));
}

/// Makes a copy of a bundled font that calls itself 仿宋_GB2312 (with fontTools).
fn official_stand_in(dir: &Path) -> bool {
    let script = r#"
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1])
for rec in f["name"].names:
    if rec.nameID in (1, 4, 16):
        # Mac Roman records cannot hold Chinese; Windows (Unicode) records can.
        rec.string = "仿宋_GB2312" if rec.platformID == 3 else "FangSong_GB2312"
    elif rec.nameID == 6:
        rec.string = "FangSong-GB2312-Test"
f.save(sys.argv[2])
"#;
    let src = root().join("fonts/FandolKai-Regular.otf");
    let ok = Command::new("python3")
        .args([
            "-c",
            script,
            src.to_str().unwrap(),
            dir.join("fangsong-test.otf").to_str().unwrap(),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 with fontTools is needed under CI"
        );
        eprintln!("note: python3 fontTools not installed: official-font preference check skipped");
    }
    ok
}

#[test]
fn an_official_font_is_preferred_over_the_bundled_substitute() {
    let dir = tempfile::tempdir().unwrap();
    if !official_stand_in(dir.path()) {
        return;
    }
    // The bundled fonts beside it, so that every other role is still found.
    for e in std::fs::read_dir(root().join("fonts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "otf" || x == "ttf") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let o = run(&[
        "fonts",
        "--font-dir",
        dir.path().to_str().unwrap(),
        "--no-system-fonts",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let body = stdout(&o)
        .lines()
        .find(|l| l.starts_with("正文"))
        .unwrap()
        .to_string();
    assert!(body.contains("FangSong-GB2312-Test"), "{body}");
    // The same folder named by NIANBAO_FONT_DIR instead of --font-dir.
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["fonts", "--no-system-fonts"])
        .env("NIANBAO_FONT_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("FangSong-GB2312-Test"),
        "{}",
        stdout(&o)
    );
    // And the PDF uses it.
    let out = tempfile::tempdir().unwrap();
    let input = example("xiayi-2020.yaml");
    let o = run(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--to",
        "pdf",
        "--font-dir",
        dir.path().to_str().unwrap(),
        "--no-system-fonts",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    if have("pdffonts") {
        let fonts = tool(
            "pdffonts",
            &[out.path().join("xiayi-2020.pdf").to_str().unwrap()],
        );
        assert!(
            fonts.contains("FangSong-GB2312-Test") && !fonts.contains("FandolFang"),
            "{fonts}"
        );
    }
}

#[test]
fn a_table_continued_on_the_next_page_repeats_its_header_and_merged_label() {
    let (_dir, pdf) = render(&example("qinghe-2023.yaml"), &["--to", "pdf"]);
    if !have("pdftotext") {
        return;
    }
    // Table 三 of the 2023 example runs from one page onto the next.
    let page = |n: usize| {
        squeeze(&tool(
            "pdftotext",
            &[
                "-raw",
                "-f",
                &n.to_string(),
                "-l",
                &n.to_string(),
                pdf.to_str().unwrap(),
                "-",
            ],
        ))
    };
    let pages: Vec<String> = (1..=5).map(page).collect();
    let with_rows: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.contains("（三）不予公开")
                || p.contains("（五）不予处理")
                || p.contains("四、结转下年度继续办理")
        })
        .map(|(i, _)| i)
        .collect();
    assert!(
        with_rows.len() >= 2,
        "table 三 should span two pages: {with_rows:?}"
    );
    for i in with_rows {
        let p = &pages[i];
        assert!(
            p.contains("申请人情况") && p.contains("法人或其他组织"),
            "header missing on page {}",
            i + 1
        );
        assert!(
            p.contains("三、本年度办理结果"),
            "merged label missing on page {}",
            i + 1
        );
    }
}

/// The grid walk measures paragraphs with empty boxes in place of the
/// one-character boxes, and table rows are given the heights measured once per
/// form (both for speed): the template, told to verify, measures each paragraph
/// and each such table part both ways and fails on any difference. Paragraphs of
/// every kind: the examples, synthetic reports, and text that is all punctuation
/// units; tables of both editions.
#[test]
fn measuring_shortcuts_agree_with_the_layout() {
    use nianbao_form::model::Block;
    use nianbao_render::fonts::{FontOptions, FontSet};
    use nianbao_render::typeset::Typesetter;
    let fonts = FontSet::discover(&FontOptions::default()).expect("fonts");
    let renderer = Typesetter::new(&fonts);
    let mut reports: Vec<_> = ["xiayi-2020.yaml", "qinghe-2022.yaml", "qinghe-2023.yaml"]
        .iter()
        .map(|n| read_file(&example(n)).unwrap().report.unwrap())
        .collect();
    reports.extend((0..4).map(nianbao_form::synth::report));
    let mut marks = reports[0].clone();
    let units = "“《条例》”。（一）、“A1”；《2020年》！0370-1234567，".repeat(9);
    marks.preamble = Some(units.clone());
    for block in marks.overview.iter_mut().chain(&mut marks.problems) {
        match block {
            Block::Text(t) => *t = units.clone(),
            Block::Item { title, text, .. } => {
                *title = units.chars().take(20).collect();
                *text = units.clone();
            }
        }
    }
    reports.push(marks);
    for r in &reports {
        let doc = document::build(&check_report(r.clone())).expect("build");
        if let Err(e) = renderer.compile_verified(&doc) {
            panic!("{}: {e}", r.organ);
        }
    }
}

fn fault(name: &str) -> PathBuf {
    root().join("tests/cases/faults").join(name)
}

/// The left and right edges of the type area (订口 28 mm, 156 mm wide).
const TYPE_AREA: (f64, f64) = (28.0 * MM, 184.0 * MM);

#[test]
fn a_long_email_address_and_url_break_inside_the_type_area() {
    let (_dir, pdf) = render(&fault("long-email-in-prose.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let all = lines(&pdf);
    let prose = all
        .iter()
        .take_while(|l| !l.text.starts_with("二、"))
        .collect::<Vec<_>>();
    assert!(prose.len() > 5);
    for l in prose {
        assert!(
            l.left >= TYPE_AREA.0 - 0.5 && l.right <= TYPE_AREA.1 + 0.5,
            "outside the type area: {l:?}"
        );
    }
    // The line before the address is not stretched letter by letter: the address
    // starts on it and breaks inside.
    let line = all
        .iter()
        .find(|l| l.text.contains("请发送电子邮件至"))
        .unwrap();
    assert!(line.text.contains("至xinxi"), "{line:?}");
    assert!(
        (line.right - TYPE_AREA.1).abs() < 6.0,
        "a full line: {line:?}"
    );
    // The text layer holds the address and the URL whole: no break characters.
    let text = squeeze(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("xinxigongkaibangongshishichangjianguanjuqingheshi@qinghe.gov.cn联系"));
    assert!(text.contains("http://www.qinghe.gov.cn/col/col12345/art/2024/art_0123456789abcdef0123456789abcdef.html下载"));
    assert!(!text.contains('\u{200B}'));
}

#[test]
fn the_signature_never_stands_alone_on_a_page() {
    let (_dir, pdf) = render(&fault("signature-after-full-page.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let all = lines(&pdf);
    let organ = all
        .iter()
        .rev()
        .find(|l| l.text == "青禾市市场监督管理局")
        .unwrap();
    let above: Vec<&Line> = all
        .iter()
        .filter(|l| l.page == organ.page && l.top < organ.top)
        .collect();
    assert!(
        above.iter().any(|l| l.text == "无。"),
        "the body's last paragraph goes over with the 落款: {above:?}"
    );
}

#[test]
fn a_long_organ_title_breaks_after_units_in_a_balanced_shape() {
    let (_dir, pdf) = render(&fault("long-organ-title.yaml"), &[]);
    if !have("pdftotext") {
        return;
    }
    let title: Vec<String> = lines(&pdf)
        .into_iter()
        .filter(|l| l.page == 1)
        .take(3)
        .map(|l| l.text)
        .collect();
    assert_eq!(
        title,
        [
            "新疆生产建设兵团第八师",
            "石河子市发展和改革委员会",
            "2023年政府信息公开工作年度报告"
        ]
    );
}

#[test]
fn a_line_break_written_in_the_title_is_kept() {
    let text = replace_line(
        "qinghe-2023.yaml",
        "organ:",
        "organ: 青禾市市场监督管理局\ntitle: \"青禾市市场监督管理局\\n2023年度政府信息公开工作报告\"",
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.yaml");
    std::fs::write(&input, text).unwrap();
    let (_out, pdf) = render(&input, &[]);
    if !have("pdftotext") {
        return;
    }
    let title: Vec<String> = lines(&pdf).into_iter().take(2).map(|l| l.text).collect();
    assert_eq!(
        title,
        ["青禾市市场监督管理局", "2023年度政府信息公开工作报告"]
    );
}

#[test]
fn rare_characters_of_the_cjk_extensions_print_and_copy_as_themselves() {
    let text = replace_line(
        "qinghe-2023.yaml",
        "organ:",
        "organ: 青禾市䶮𠀾𪚥市场监督管理局",
    );
    let (_dir, pdf, o) = render_text("r.yaml", &text, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("missing-glyph"), "{}", stderr(&o));
    if !have("pdftotext") {
        return;
    }
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("青禾市䶮𠀾𪚥市场监督管理局"), "{text}");
    assert!(!text.contains('□'));
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("HanaMinA"), "{fonts}");
}
