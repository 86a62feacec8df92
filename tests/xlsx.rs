//! The fill-in workbook: written by `init --xlsx` and `convert --to xlsx`, read back by
//! `check`, `render` and `convert`, without loss; damage gets an error naming the cell.

mod common;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use nianbao_files::read_file;
use nianbao_files::xlsx;
use nianbao_form::model::{Block, Report};
use nianbao_form::rules;

const EXAMPLES: [&str; 3] = ["xiayi-2020", "qinghe-2022", "qinghe-2023"];

fn report(path: &Path) -> Report {
    let d = read_file(path).unwrap();
    assert!(d.diags.is_empty(), "{}: {:#?}", path.display(), d.diags);
    d.report.unwrap()
}

/// Converts an example to a workbook in `dir` with the command.
fn workbook(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(format!("{name}.xlsx"));
    let src = example(&format!("{name}.yaml"));
    let o = run(&[
        "convert",
        src.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

/// The parts of a zip package.
fn parts(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_string(), bytes)
        })
        .collect()
}

fn part(path: &Path, name: &str) -> String {
    let (_, bytes) = parts(path)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(bytes).unwrap()
}

/// Rewrites one part of a workbook, as a user's spreadsheet program would have.
fn damage(path: &Path, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let out = path.with_file_name(format!(
        "damaged-{}",
        path.file_name().unwrap().to_str().unwrap()
    ));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut changed = false;
    for (n, bytes) in parts(path) {
        zip.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        if n == name {
            let before = String::from_utf8(bytes).unwrap();
            let after = edit(&before);
            assert_ne!(before, after, "the edit of {name} changed nothing");
            changed = true;
            zip.write_all(after.as_bytes()).unwrap();
        } else {
            zip.write_all(&bytes).unwrap();
        }
    }
    assert!(changed, "no part {name}");
    std::fs::write(&out, zip.finish().unwrap().into_inner()).unwrap();
    out
}

/// The XML of one cell (`<c r="D5" …>…</c>` or `<c r="D5" …/>`).
fn cell_xml<'a>(xml: &'a str, cell: &str) -> &'a str {
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let rest = &xml[start..];
    let open_end = rest.find('>').unwrap();
    if rest[..open_end].ends_with('/') {
        return &rest[..=open_end];
    }
    &rest[..rest.find("</c>").unwrap() + 4]
}

/// Replaces a cell's content, keeping its style.
fn set_cell(xml: &str, cell: &str, content: &str) -> String {
    let old = cell_xml(xml, cell);
    let style = old
        .split("s=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0");
    xml.replacen(
        old,
        &format!("<c r=\"{cell}\" s=\"{style}\"{content}</c>"),
        1,
    )
}

/// Shifts every row from `from` on by `by` (1: a row inserted above `from`, -1: row
/// `from - 1` deleted), in cells, rows and merged ranges, as Excel does.
fn shift_rows(xml: &str, from: u32, by: i32) -> String {
    let mut out = String::new();
    let mut rest = xml;
    let shift = |row: u32| {
        if row >= from {
            (row as i32 + by) as u32
        } else {
            row
        }
    };
    // Cell references: r="D12", ref="A7:A26" and formulas inside <f>.
    while let Some(i) = rest.find(|c: char| c.is_ascii_uppercase()) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let letters: String = tail
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let after = &tail[letters.len()..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let before_ok = !out.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !digits.is_empty() && before_ok && letters.len() <= 2 {
            out.push_str(&letters);
            out.push_str(&shift(digits.parse().unwrap()).to_string());
            rest = &after[digits.len()..];
        } else {
            out.push_str(&letters);
            rest = after;
        }
    }
    out.push_str(rest);
    // Row elements: <row r="12".
    let mut fixed = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("<row r=\"") {
        fixed.push_str(&rest[..i + 8]);
        let tail = &rest[i + 8..];
        let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        fixed.push_str(&shift(digits.parse().unwrap()).to_string());
        rest = &tail[digits.len()..];
    }
    fixed.push_str(rest);
    fixed
}

/// No diagnostic has a `field` starting with `prefix` (e.g. no rule R…: no number was read).
fn assert_no_diagnostic(c: &Checked, field: &str, prefix: &str) {
    assert!(
        c.diags
            .iter()
            .all(|d| !d[field].as_str().unwrap_or("").starts_with(prefix)),
        "{:#?}",
        c.diags
    );
}

/// The content of a cell holding `text` as an inline string (what Excel writes when
/// a user types text), for [`set_cell`].
fn text_cell(text: &str) -> String {
    format!(" t=\"inlineStr\"><is><t>{text}</t></is>")
}

/// `check --format json` of the 2023 example's workbook with one part edited.
fn check_damaged(part: &str, edit: impl Fn(&str) -> String) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    check_json(&damage(&book, part, edit))
}

fn check_json(path: &Path) -> Checked {
    let o = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let diags = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}{}", stdout(&o), stderr(&o)));
    Checked {
        code: code(&o),
        diags,
        text: String::new(),
    }
}

#[test]
fn every_example_round_trips_yaml_xlsx_yaml_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let original = report(&example(&format!("{name}.yaml")));
        let bytes = xlsx::to_bytes(&original).unwrap();
        let back = xlsx::read_bytes(bytes).unwrap();
        assert!(back.diags.is_empty(), "{name}: {:#?}", back.diags);
        assert_eq!(back.report.as_ref(), Some(&original), "{name}");
        // With the command: yaml → xlsx → yaml gives the file yaml → yaml gives.
        let book = workbook(dir.path(), name);
        let via_book = dir.path().join(format!("{name}.back.yaml"));
        let direct = dir.path().join(format!("{name}.direct.yaml"));
        for (from, to) in [
            (&book, &via_book),
            (&example(&format!("{name}.yaml")), &direct),
        ] {
            let o = run(&[
                "convert",
                from.to_str().unwrap(),
                "--to",
                "yaml",
                "-o",
                to.to_str().unwrap(),
            ]);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
        }
        assert_eq!(
            std::fs::read_to_string(&via_book).unwrap(),
            std::fs::read_to_string(&direct).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn the_same_report_gives_the_same_workbook_bytes() {
    let r = report(&example("qinghe-2023.yaml"));
    assert_eq!(xlsx::to_bytes(&r).unwrap(), xlsx::to_bytes(&r).unwrap());
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_eq!(
        std::fs::read(workbook(a.path(), "xiayi-2020")).unwrap(),
        std::fs::read(workbook(b.path(), "xiayi-2020")).unwrap()
    );
}

#[test]
fn user_text_in_a_workbook_is_data() {
    let mut r = report(&example("qinghe-2023.yaml"));
    let tricky =
        "=SUM(A1:A9) <b>&amp;</b> \"引号\" _x0041_ ]]> {{organ}}\t制表 #read(\"/etc/passwd\")";
    r.organ = format!("某局{tricky}");
    r.title = Some("=1+1".into());
    r.overview.push(Block::Item {
        title: "@标题 '单引号".into(),
        text: format!("{tricky}\n\n第二段"),
        items: vec!["+以加号开头".into(), "-以减号开头".into()],
    });
    r.problems.push(Block::Text("多行\n第二行".into()));
    let back = xlsx::read_bytes(xlsx::to_bytes(&r).unwrap()).unwrap();
    assert_eq!(back.report.as_ref(), Some(&r), "{:#?}", back.diags);
    // Text starting with = is stored as text, never as a formula.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, xlsx::to_bytes(&r).unwrap()).unwrap();
    let info = part(&path, "xl/worksheets/sheet1.xml");
    assert!(!info.contains("<f>"), "{info}");
}

#[test]
fn init_writes_the_form_with_locked_labels_validation_and_live_totals() {
    let dir = tempfile::tempdir().unwrap();
    for (edition, year, rows3) in [("2019", "2020", 23), ("2021", "2024", 25)] {
        let path = dir.path().join(format!("r{edition}.xlsx"));
        let o = run(&[
            "init",
            "--xlsx",
            "--edition",
            edition,
            "--year",
            year,
            "--organ",
            "某县某局",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let c = check_json(&path);
        assert_eq!(c.code, 0, "{:#?}", c.diags);
        let book = part(&path, "xl/workbook.xml");
        let names: Vec<&str> = book
            .split("<sheet name=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(
            names,
            ["基本信息", "表二", "表三", "表四", "正文", "nianbao"]
        );
        assert!(book.contains("state=\"hidden\""), "{book}");
        let three = part(&path, "xl/worksheets/sheet3.xml");
        // Protected without a password; every number cell validated; totals are formulas.
        assert!(three.contains("<sheetProtection"), "{three}");
        assert!(!three.contains("password"));
        assert_eq!(three.matches("<dataValidation ").count(), (rows3 - 1) * 6);
        assert!(cell_xml(&three, "J5").contains("<f>SUM(D5:I5)</f>"));
        let total_row = 5 + rows3 - 2; // the row of （七）总计
        assert!(
            cell_xml(&three, &format!("D{total_row}"))
                .contains(&format!("<f>SUM(D7:D{})</f>", total_row - 1)),
            "{}",
            cell_xml(&three, &format!("D{total_row}"))
        );
        // Input cells are unlocked, labels are not.
        let styles = part(&path, "xl/styles.xml");
        assert!(styles.contains("locked=\"0\""), "{styles}");
        let d5 = cell_xml(&three, "D5");
        let style: usize = d5
            .split("s=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let xfs = styles.split("<cellXfs").nth(1).unwrap();
        let xf = xfs.split("<xf ").nth(style + 1).unwrap();
        let xf = &xf[..xf.find("</xf>").unwrap_or(xf.len())];
        assert!(xf.contains("locked=\"0\""), "D5 style {style}: {xf}");
        // The merged cells of the form: 三、本年度办理结果 spans the result rows.
        let result_rows = rows3 - 3;
        assert!(
            three.contains(&format!("<mergeCell ref=\"A7:A{}\"/>", 7 + result_rows - 1)),
            "{three}"
        );
        // Input cells are shaded (the light fill), formula cells are not input-shaded.
        let fill: usize = xf
            .split("fillId=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let fills = styles.split("<fills").nth(1).unwrap();
        assert!(
            fills
                .split("<fill>")
                .nth(fill + 1)
                .unwrap()
                .contains("FFF7D6"),
            "{fills}"
        );
        // 表二: the 2019 本年增/减 takes negative numbers, money takes decimals, counts ≥ 0.
        let two = part(&path, "xl/worksheets/sheet2.xml");
        let validation = |cell: &str| {
            let at = two
                .find(&format!("sqref=\"{cell}"))
                .unwrap_or_else(|| panic!("no validation on {cell}"));
            let start = two[..at].rfind("<dataValidation ").unwrap();
            two[start..start + two[start..].find("</dataValidation>").unwrap()].to_string()
        };
        if edition == "2019" {
            let change = validation("C8"); // 行政许可 · 本年增/减
            assert!(
                change.contains("type=\"whole\"")
                    && change.contains("<formula1>-2147483648</formula1>"),
                "{change}"
            );
            let amount = validation("C19"); // 政府集中采购 · 采购总金额
            assert!(amount.contains("type=\"decimal\""), "{amount}");
            let count = validation("B8"); // 行政许可 · 上一年项目数量
            assert!(
                count.contains("greaterThanOrEqual") && count.contains("<formula1>0</formula1>"),
                "{count}"
            );
        } else {
            let fees = validation("B15"); // 行政事业性收费 · 本年收费金额
            assert!(fees.contains("type=\"decimal\""), "{fees}");
        }
        let text = part(&path, "xl/worksheets/sheet5.xml");
        assert!(text.contains("<dataValidation "), "{text}");
    }
}

#[test]
fn render_from_a_workbook_gives_the_same_documents_as_from_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    let (_a, pdf_book) = render_to(&book, "pdf", &[]);
    let (_b, pdf_yaml) = render_to(&example("qinghe-2023.yaml"), "pdf", &[]);
    assert_eq!(
        std::fs::read(pdf_book).unwrap(),
        std::fs::read(pdf_yaml).unwrap()
    );
    let (_c, docx_book) = render_to(&book, "docx", &[]);
    let (_d, docx_yaml) = render_to(&example("qinghe-2023.yaml"), "docx", &[]);
    assert_eq!(
        std::fs::read(docx_book).unwrap(),
        std::fs::read(docx_yaml).unwrap()
    );
}

#[test]
fn a_folder_render_takes_workbooks_and_skips_lock_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    workbook(&input, "xiayi-2020");
    std::fs::write(input.join("~$xiayi-2020.xlsx"), b"lock").unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--to",
        "docx",
        "--no-system-fonts",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["xiayi-2020.docx"]);
}

#[test]
fn a_renamed_sheet_is_named_with_a_hint() {
    let c = check_damaged("xl/workbook.xml", |x| {
        x.replace("name=\"表三\"", "name=\"Sheet3\"")
    });
    assert_eq!(c.code, 1);
    let d = c.one("sheet-missing");
    assert!(d["message"].as_str().unwrap().contains("表三"), "{d}");
    assert!(d["hint"].as_str().unwrap().contains("Sheet3"), "{d}");
    // Nothing about the rows of 表三 is reported: they were not read.
    assert_no_diagnostic(&c, "path", "applications");
}

#[test]
fn text_in_a_number_cell_names_the_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    let bad = damage(&book, "xl/worksheets/sheet3.xml", |x| {
        set_cell(x, "E12", &text_cell("三十"))
    });
    let c = check_json(&bad);
    assert_eq!(c.code, 1);
    let d = c.one("not-a-number");
    assert_eq!(d["cell"], "表三!E12", "{d}");
    assert_eq!(d["path"], "applications.refused.third_party_rights[1]");
    assert!(d["message"].as_str().unwrap().contains("三十"), "{d}");
    // The hint speaks of cells, not of a text file's quotes.
    assert!(d["hint"].as_str().unwrap().contains("单元格"), "{d}");
    assert!(d["line"].is_null());
    // The text output names the cell too.
    let o = run(&["check", bad.to_str().unwrap()]);
    assert!(stdout(&o).contains("表三!E12"), "{}", stdout(&o));
}

#[test]
fn an_inserted_or_deleted_row_is_an_error_and_no_number_is_read_from_the_wrong_row() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    // A row inserted above row 9 of 表三 (inside 不予公开).
    let inserted = damage(&book, "xl/worksheets/sheet3.xml", |x| shift_rows(x, 9, 1));
    let c = check_json(&inserted);
    assert_eq!(c.code, 1);
    let d = c.one("sheet-layout");
    assert_eq!(d["cell"], "表三!B9", "{d}");
    assert!(
        d["message"].as_str().unwrap().contains("（三）不予公开"),
        "{d}"
    );
    assert_no_diagnostic(&c, "rule", "R");
    // Row 9 deleted: everything below moves up.
    let deleted = damage(&book, "xl/worksheets/sheet3.xml", |x| {
        let start = x.find("<row r=\"9\"").unwrap();
        let end = start + x[start..].find("</row>").unwrap() + 6;
        shift_rows(&format!("{}{}", &x[..start], &x[end..]), 10, -1)
    });
    let c = check_json(&deleted);
    assert_eq!(c.code, 1);
    assert!(!c.rule("sheet-layout").is_empty(), "{:#?}", c.diags);
    assert_no_diagnostic(&c, "rule", "R");
}

#[test]
fn moved_merged_cells_are_an_error() {
    let c = check_damaged("xl/worksheets/sheet3.xml", |x| {
        x.replace(
            "<mergeCell ref=\"B9:B16\"/>",
            "<mergeCell ref=\"B10:B17\"/>",
        )
    });
    assert_eq!(c.code, 1);
    let cells: Vec<&str> = c
        .rule("sheet-layout")
        .iter()
        .map(|d| d["cell"].as_str().unwrap())
        .collect();
    assert!(cells.contains(&"表三!B9"), "{:#?}", c.diags);
    assert!(cells.contains(&"表三!B10"), "{:#?}", c.diags);
}

#[test]
fn a_date_typed_as_text_is_an_error_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    let info = part(&book, "xl/worksheets/sheet1.xml");
    assert!(
        cell_xml(&info, "B7").contains("<v>"),
        "成文日期 is a date cell: {info}"
    );
    let bad = damage(&book, "xl/worksheets/sheet1.xml", |x| {
        set_cell(x, "B7", &text_cell("2021年1月15日"))
    });
    let c = check_json(&bad);
    assert_eq!(c.code, 1);
    let d = c.one("date");
    assert_eq!(d["cell"], "基本信息!B7", "{d}");
    assert!(
        d["hint"].as_str().unwrap().contains("在单元格中输入日期"),
        "{d}"
    );
}

#[test]
fn formulas_are_recomputed_never_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    // A 总计 formula whose cached value is wrong is still the sum.
    let stale = damage(&book, "xl/worksheets/sheet3.xml", |x| {
        set_cell(x, "J5", "><f>SUM(D5:I5)</f><v>1</v>")
    });
    assert_eq!(check_json(&stale).code, 0);
    assert_eq!(report(&stale), report(&example("qinghe-2023.yaml")));
    // A total typed over the formula is checked like a written 总计.
    let typed = damage(&book, "xl/worksheets/sheet3.xml", |x| {
        set_cell(x, "J5", "><v>2940</v>")
    });
    let c = check_json(&typed);
    assert_eq!(c.code, 1);
    let d = c.one("R3");
    assert_eq!(d["cell"], "表三!J5", "{d}");
    assert_eq!(d["found"], "2940", "{d}");
    // A formula in an input cell is not taken.
    let input = damage(&book, "xl/worksheets/sheet3.xml", |x| {
        set_cell(x, "D5", "><f>2000+8</f><v>2008</v>")
    });
    let c = check_json(&input);
    assert_eq!(c.code, 1);
    assert_eq!(c.one("formula")["cell"], "表三!D5");
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    std::fs::write(&path, "edition: \"2021\"\n").unwrap();
    let o = run(&["check", path.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("不是可读取的 .xlsx 工作簿"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "render",
        path.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
}

/// LibreOffice, made to recalculate every formula on load, converts `book` into `out`
/// with the filter given (`None` when LibreOffice is not installed, outside CI).
fn calc_convert(book: &Path, out: &Path, filter: &str) -> Option<()> {
    let found = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice Calc is needed under CI"
        );
        eprintln!("note: LibreOffice not installed: workbook check in Calc skipped");
        return None;
    }
    let profile = out.join("profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n</oor:items>\n",
    )
    .unwrap();
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
            out.to_str().unwrap(),
            book.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stderr).matches("Error").count() == 0,
        "LibreOffice Calc could not open {}: {}{}",
        book.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    Some(())
}

/// Every sheet as CSV, with recalculated formulas: the path prefix of `<stem>-<sheet>.csv`.
fn calc_csv(book: &Path, out: &Path) -> Option<PathBuf> {
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";
    calc_convert(book, out, filter)?;
    let stem = book.file_stem().unwrap().to_str().unwrap();
    assert!(out.join(format!("{stem}-表三.csv")).exists());
    Some(out.join(stem))
}

#[test]
fn a_workbook_saved_again_by_libreoffice_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved");
    std::fs::create_dir(&saved).unwrap();
    for name in EXAMPLES {
        let book = workbook(dir.path(), name);
        if calc_convert(&book, &saved, "xlsx:Calc MS Excel 2007 XML").is_none() {
            return;
        }
        let again = saved.join(format!("{name}.xlsx"));
        assert_ne!(
            std::fs::read(&again).unwrap(),
            std::fs::read(&book).unwrap()
        );
        assert_eq!(
            report(&again),
            report(&example(&format!("{name}.yaml"))),
            "{name}"
        );
    }
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            l.split(',')
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .collect()
}

#[test]
fn libreoffice_opens_every_workbook_and_its_formulas_give_our_totals() {
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let book = workbook(dir.path(), name);
        let Some(prefix) = calc_csv(&book, dir.path()) else {
            return;
        };
        let r = report(&example(&format!("{name}.yaml")));
        let computed = rules::compute(&r);
        // 表三: rows from sheet row 5 on, numbers in columns D–J, in table order.
        let three = csv_rows(&PathBuf::from(format!("{}-表三.csv", prefix.display())));
        let table = &nianbao_form::tables::tables(r.edition)[1];
        for (i, f) in table.fields().iter().enumerate() {
            let row = &three[4 + i];
            let numbers: Vec<i128> = row[3..10].iter().map(|c| c.parse().unwrap()).collect();
            assert_eq!(numbers, computed.rows[f.path], "{name} 表三 {}", f.path);
        }
        // 表四: one row of 15 numbers, three blocks with their 总计.
        let four = csv_rows(&PathBuf::from(format!("{}-表四.csv", prefix.display())));
        let numbers: Vec<i128> = four[4].iter().map(|c| c.parse().unwrap()).collect();
        let expected: Vec<i128> = ["review", "direct_suit", "suit_after_review"]
            .iter()
            .flat_map(|k| computed.rows[&format!("reviews_and_lawsuits.{k}")].clone())
            .collect();
        assert_eq!(numbers, expected, "{name} 表四");
    }
}

#[test]
fn a_required_particular_left_empty_names_its_cell() {
    // 机关名称 (基本信息 row 4) emptied.
    let c = check_damaged("xl/worksheets/sheet1.xml", |x| set_cell(x, "B4", ">"));
    assert_eq!(c.code, 1);
    let d = c.one("missing-key");
    assert_eq!(d["cell"], "基本信息!B4", "{d}");
    assert_eq!(d["message"], "“机关名称” 未填写");
}

/// An edit of one row of numbers: key path, its written 总计, its counts.
type RowEdit<'a> = &'a dyn Fn(&str, &mut Option<i64>, &mut Vec<i64>);

#[test]
fn totals_come_back_as_the_data_file_wrote_them() {
    use nianbao_form::model::Values;
    let base = report(&example("qinghe-2023.yaml"));
    let computed = rules::compute(&base);
    let with = |f: RowEdit| {
        let mut r = base.clone();
        for (path, v) in r.values.iter_mut() {
            if let Values::Row {
                values,
                given_total,
            } = v
            {
                f(path, given_total, values);
            }
        }
        r
    };
    let mut variants = vec![
        with(&|_, t, _| *t = None),
        with(&|p, t, _| *t = computed.rows[p].last().map(|v| *v as i64)),
        // A 总计 written wrong stays wrong (to be reported), not replaced by the formula.
        with(&|p, t, _| {
            if p == "applications.new" {
                *t = Some(1)
            }
        }),
        with(&|p, _, v| {
            if p == "applications.total" {
                v[0] += 1
            }
        }),
    ];
    // （七）总计 written with six numbers and no 总计.
    let mut six = base.clone();
    if let Some(Values::Row { given_total, .. }) = six.values.get_mut("applications.total") {
        *given_total = None;
    }
    variants.push(six);
    // （七）总计 not written at all.
    let mut none = base.clone();
    none.values.remove("applications.total");
    variants.push(none);
    for (i, r) in variants.iter().enumerate() {
        let back = xlsx::read_bytes(xlsx::to_bytes(r).unwrap()).unwrap();
        assert_eq!(
            back.report.as_ref(),
            Some(r),
            "variant {i}: {:#?}",
            back.diags
        );
    }
}

#[test]
fn a_keyword_with_a_semicolon_is_refused_rather_than_split() {
    let mut r = report(&example("qinghe-2023.yaml"));
    r.meta.as_mut().unwrap().keywords.push("公开；透明".into());
    let e = xlsx::to_bytes(&r).unwrap_err();
    assert!(e.to_string().contains("公开；透明"), "{e}");
}

#[test]
fn tables_of_the_other_edition_are_named_as_such() {
    let c = check_damaged("xl/worksheets/sheet1.xml", |x| {
        set_cell(x, "B2", &text_cell("2019"))
    });
    assert_eq!(c.code, 1);
    let found = c.rule("sheet-edition");
    // 表二 and 表三 differ between the editions; 表四 is the same in both.
    assert_eq!(found.len(), 2, "{:#?}", c.diags);
    for d in found {
        assert_eq!(d["cell"], "基本信息!B2", "{d}");
        assert!(d["message"].as_str().unwrap().contains("2021 版"), "{d}");
    }
    assert!(c.rule("sheet-layout").is_empty(), "{:#?}", c.diags);
}

#[test]
fn forcing_a_render_with_an_unreadable_table_fails_in_words_the_user_reads() {
    let dir = tempfile::tempdir().unwrap();
    let book = workbook(dir.path(), "qinghe-2023");
    let bad = damage(&book, "xl/workbook.xml", |x| {
        x.replace("name=\"表二\"", "name=\"Sheet2\"")
    });
    let out = dir.path().join("out");
    let o = run(&[
        "render",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
        "--no-system-fonts",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("{{active_disclosure.regulations.issued}} 无法填入"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn a_line_break_written_in_the_title_survives_the_workbook() {
    let mut r = read_file(&example("qinghe-2023.yaml"))
        .unwrap()
        .report
        .unwrap();
    r.title = Some("青禾市市场监督管理局\n2023年度政府信息公开工作报告".into());
    let back = xlsx::read_bytes(xlsx::to_bytes(&r).unwrap()).unwrap();
    assert_eq!(back.report.unwrap().title, r.title);
}

#[test]
fn prose_findings_point_at_the_text_sheet_and_the_kind_of_body_survives() {
    let text = std::fs::read_to_string(example("qinghe-2023.yaml"))
        .unwrap()
        .replace(
            "全年因政府信息公开被申请行政复议{{reviews_and_lawsuits.review.total}}件",
            "全年因政府信息公开被申请行政复议134件",
        )
        .replace(
            "  published: 2024-01-20",
            "  published: 2024-02-05\n  kind: department",
        );
    let mut r = nianbao_files::read::read_str(&text, nianbao_files::parse::Format::Yaml)
        .report
        .unwrap();
    assert_eq!(
        r.meta.as_ref().unwrap().kind,
        Some(nianbao_form::model::OrganKind::Department)
    );
    let back = xlsx::read_bytes(xlsx::to_bytes(&r).unwrap()).unwrap();
    let diags = nianbao_form::check::diagnostics(back, None);
    let finding = diags
        .iter()
        .find(|d| d.rule.id() == "text-table")
        .expect("text-table");
    assert!(
        finding.cell.as_deref().unwrap_or("").starts_with("正文!"),
        "{finding:?}"
    );
    let late = diags.iter().find(|d| d.rule.id() == "late").expect("late");
    assert!(
        late.cell.as_deref().unwrap_or("").starts_with("基本信息!"),
        "{late:?}"
    );
    r.meta.as_mut().unwrap().kind = Some(nianbao_form::model::OrganKind::Government);
    let back = xlsx::read_bytes(xlsx::to_bytes(&r).unwrap()).unwrap();
    assert_eq!(
        back.report.unwrap().meta.unwrap().kind,
        Some(nianbao_form::model::OrganKind::Government)
    );
}
