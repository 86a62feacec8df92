//! Hostile and messy input: every loader refuses what goes past its limits with a
//! Chinese error naming the line (or part), and reads the numbers clerks really
//! type — full-width digits, thousands separators, numbers stored as text — as the
//! numbers they plainly are, with a warning naming the cause.

use std::io::Write;
use std::path::{Path, PathBuf};

use nianbao_files::error::LoadError;
use nianbao_files::parse::Format;
use nianbao_files::read;
use nianbao_form::diag::{Diagnostic, Rule, Severity};
use nianbao_form::limits;

fn faults() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/faults")
}

fn diags_of(text: &str, format: Format) -> Vec<Diagnostic> {
    read::read_str(text, format).diags
}

fn only(diags: &[Diagnostic], rule: Rule) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

/// The "billion laughs": nine levels of nine aliases, under 1 KB.
fn laughs() -> String {
    let mut lines = vec![
        r#"a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]"#.to_string(),
    ];
    for i in 1..10 {
        let prev = vec![format!("*a{}", i - 1); 9].join(", ");
        lines.push(format!("a{i}: &a{i} [{prev}]"));
    }
    lines.push("organ: *a9".into());
    lines.join("\n")
}

#[test]
fn an_alias_bomb_is_refused_at_its_line() {
    let text = laughs();
    assert!(text.len() < 1024);
    let diags = diags_of(&text, Format::Yaml);
    let limit = only(&diags, Rule::Limit);
    assert_eq!(limit.len(), 1, "{diags:?}");
    assert!(limit[0].message.contains("别名"), "{}", limit[0].message);
    let pos = limit[0].pos.expect("a line");
    assert!((5..=10).contains(&pos.line), "{pos:?}");
}

#[test]
fn aliases_that_stay_small_are_read() {
    let text = "edition: &e \"2021\"\nyear: 2023\norgan: &o 某局\nsignature: {organ: *o, date: 2024-01-20}\n";
    let diags = diags_of(text, Format::Yaml);
    assert!(only(&diags, Rule::Limit).is_empty(), "{diags:?}");
}

#[test]
fn deep_nesting_is_refused_in_every_language() {
    let n = 100_000;
    let cases = [
        (
            format!("{{\"a\": {}{}}}", "[".repeat(n), "]".repeat(n)),
            Format::Json,
        ),
        (
            format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
            Format::Toml,
        ),
        (
            format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)),
            Format::Toml,
        ),
        (
            (0..200).map(|i| format!("{}- \n", " ".repeat(i))).collect(),
            Format::Yaml,
        ),
    ];
    for (text, format) in cases {
        let diags = diags_of(&text, format);
        let refused = diags
            .iter()
            .any(|d| d.severity == Severity::Error && matches!(d.rule, Rule::Limit | Rule::Syntax));
        assert!(refused, "{format:?}: {diags:?}");
        assert!(
            diags.iter().all(|d| d.pos.is_some()),
            "{format:?}: a line for each"
        );
    }
    // YAML flow nesting: the parser's own recursion limit, reported as a syntax error.
    let flow = format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
    assert!(!diags_of(&flow, Format::Yaml).is_empty());
}

#[test]
fn too_many_values_are_refused() {
    let many = format!(
        "{{\"a\": [{}]}}",
        vec!["0"; limits::MAX_NODES + 10].join(",")
    );
    let diags = diags_of(&many, Format::Json);
    assert_eq!(only(&diags, Rule::Limit).len(), 1, "{diags:?}");
    let toml = format!("a = [{}]\n", vec!["0"; limits::MAX_NODES + 10].join(","));
    assert_eq!(only(&diags_of(&toml, Format::Toml), Rule::Limit).len(), 1);
}

#[test]
fn a_text_past_the_limit_is_an_error_naming_its_key() {
    let text = format!("organ: \"{}\"\n", "字".repeat(limits::MAX_TEXT_CHARS + 1));
    let diags = diags_of(&text, Format::Yaml);
    let limit = only(&diags, Rule::Limit);
    assert_eq!(limit.len(), 1, "{diags:?}");
    assert_eq!(limit[0].path, "organ");
}

#[test]
fn a_file_past_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let mut f = std::fs::File::create(&big).unwrap();
    f.write_all(&vec![b'#'; limits::MAX_TEXT_FILE_BYTES as usize + 1])
        .unwrap();
    drop(f);
    let err = read::read_file(&big).unwrap_err();
    assert!(matches!(err, LoadError::TooLarge { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("big.yaml") && message.contains("文件过大"),
        "{message}"
    );
}

#[test]
fn control_characters_and_noncharacters_are_errors_at_their_key_and_line() {
    let yaml = "edition: \"2021\"\nyear: 2023\norgan: \"青禾\\u0007市\"\noverview:\n  - \"公开\\uFFFE工作\"\n";
    let diags = diags_of(yaml, Format::Yaml);
    let bad = only(&diags, Rule::Unprintable);
    assert_eq!(bad.len(), 2, "{diags:?}");
    assert_eq!(
        (bad[0].path.as_str(), bad[0].pos.unwrap().line),
        ("organ", 3)
    );
    assert!(
        bad[0].message.contains("U+0007") && bad[0].message.contains("第 3 个字符"),
        "{}",
        bad[0].message
    );
    assert_eq!(
        (bad[1].path.as_str(), bad[1].pos.unwrap().line),
        ("overview[0]", 5)
    );
    assert!(bad[1].message.contains("U+FFFE"));
    let json = "{\"edition\": \"2021\", \"year\": 2023, \"organ\": \"某局\\u0085\"}";
    assert_eq!(
        only(&diags_of(json, Format::Json), Rule::Unprintable).len(),
        1
    );
    let toml = "edition = \"2021\"\nyear = 2023\norgan = \"某局\\u001b\"\n";
    assert_eq!(
        only(&diags_of(toml, Format::Toml), Rule::Unprintable).len(),
        1
    );
}

/// A zip package with the given parts (name, bytes), deflated.
fn package(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = xlsx_zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = xlsx_zip::write::SimpleFileOptions::default()
        .compression_method(xlsx_zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn workbook_bombs_are_refused_naming_the_part() {
    // 100 MB of spaces in the shared strings: a zip bomb of a few hundred KB.
    let bomb = package(&[("xl/sharedStrings.xml", vec![b' '; 100 * 1024 * 1024])]);
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    let err = nianbao_files::xlsx::read_bytes(bomb).unwrap_err();
    assert!(matches!(err, LoadError::WorkbookLimit { .. }), "{err:?}");
    assert!(err.to_string().contains("xl/sharedStrings.xml"), "{err}");

    // One cell at the last row and column: the reader would allocate 17 billion cells.
    let far = br#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
    let err =
        nianbao_files::xlsx::read_bytes(package(&[("xl/worksheets/sheet1.xml", far.to_vec())]))
            .unwrap_err();
    assert!(err.to_string().contains("1048576"), "{err}");

    // Too many cells within the rows and columns allowed (cells without `r`).
    let mut rows = String::from("<worksheet><sheetData>");
    for r in 1..=4_900 {
        rows.push_str(&format!(
            "<row r=\"{r}\">{}</row>",
            "<c><v>1</v></c>".repeat(50)
        ));
    }
    rows.push_str("</sheetData></worksheet>");
    let err = nianbao_files::xlsx::read_bytes(package(&[(
        "xl/worksheets/sheet1.xml",
        rows.into_bytes(),
    )]))
    .unwrap_err();
    assert!(err.to_string().contains("单元格超过"), "{err}");
}

fn read_fault(name: &str) -> nianbao_form::decode::Decoded {
    read::read_file(&faults().join(name)).unwrap()
}

fn number(decoded: &nianbao_form::decode::Decoded, path: &str) -> i64 {
    let report = decoded.report.as_ref().expect("a report");
    let (table, rest) = path
        .split_once('[')
        .map_or((path, None), |(t, r)| (t, Some(r)));
    match (report.values.get(table).expect(path), rest) {
        (nianbao_form::model::Values::Int(v), None) => *v,
        (nianbao_form::model::Values::Row { values, .. }, Some(i)) => {
            values[i.trim_end_matches(']').parse::<usize>().unwrap()]
        }
        (v, _) => panic!("{path}: {v:?}"),
    }
}

#[test]
fn a_thousands_separator_in_a_yaml_row_is_one_number_with_a_warning() {
    let decoded = read_fault("thousands-separator-in-row.yaml");
    let warned = only(&decoded.diags, Rule::NumberFormat);
    assert_eq!(warned.len(), 1, "{:?}", decoded.diags);
    assert_eq!(warned[0].path, "applications.new[0]");
    assert!(warned[0].message.contains("2,008") && warned[0].message.contains("千位分隔符"));
    assert_eq!(number(&decoded, "applications.new[0]"), 2008);
    assert_eq!(number(&decoded, "applications.new[1]"), 411);
    let checked = nianbao_form::check::check(decoded, None).expect("no errors");
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );

    // Other lists, other separators.
    let yaml = |row: &str| {
        format!(
            "edition: \"2021\"\nyear: 2023\norgan: 某局\nreviews_and_lawsuits:\n  review: {row}\n"
        )
    };
    let d = read::read_str(&yaml("[1,234,567, 7, 11, 4]"), Format::Yaml);
    assert!(
        d.diags
            .iter()
            .any(|x| x.rule == Rule::NumberFormat && x.message.contains("1234567")),
        "{:?}",
        d.diags
    );
    // A list written without spaces is read as YAML reads it.
    let d = read::read_str(&yaml("[25,7,11,4]"), Format::Yaml);
    assert!(
        only(&d.diags, Rule::NumberFormat).is_empty(),
        "{:?}",
        d.diags
    );
}

#[test]
fn fullwidth_digits_and_quoted_numbers_are_read_with_a_warning() {
    let decoded = read_fault("fullwidth-digits.yaml");
    let warned: Vec<(&str, &str)> = only(&decoded.diags, Rule::NumberFormat)
        .iter()
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(warned.len(), 3, "{warned:?}");
    assert!(
        warned
            .iter()
            .any(|(p, m)| *p == "active_disclosure.licensing" && m.contains("全角数字"))
    );
    assert!(
        warned
            .iter()
            .any(|(p, m)| *p == "active_disclosure.penalties" && m.contains("引号"))
    );
    assert_eq!(number(&decoded, "active_disclosure.licensing"), 20517);
    assert_eq!(number(&decoded, "applications.new[0]"), 2008);
}

#[test]
fn numbers_stored_as_text_in_a_workbook_name_the_cell_format() {
    let decoded = read_fault("numbers-stored-as-text.xlsx");
    let warned = only(&decoded.diags, Rule::NumberFormat);
    assert!(!warned.is_empty());
    for w in &warned {
        assert!(w.message.contains("单元格格式为文本"), "{}", w.message);
        assert!(
            w.pos
                .and_then(|p| p.cell())
                .is_some_and(|c| c.starts_with("表")),
            "{w:?}"
        );
    }
    assert_eq!(number(&decoded, "applications.new[0]"), 2008);
}

#[test]
fn placeholders_and_remarks_in_number_cells_stay_errors_with_a_hint() {
    for (value, hint) in [
        ("—", "填 0"),
        ("/", "填 0"),
        ("无", "填 0"),
        ("22（其中修订16件）", "只填数字"),
        ("2,08", ""),
    ] {
        let text = format!(
            "edition: \"2021\"\nyear: 2023\norgan: 某局\nactive_disclosure:\n  licensing: \"{value}\"\n"
        );
        let d = read::read_str(&text, Format::Yaml);
        let e = only(&d.diags, Rule::NotANumber);
        assert_eq!(e.len(), 1, "{value}: {:?}", d.diags);
        assert!(
            e[0].hint.as_deref().unwrap_or("").contains(hint),
            "{value}: {:?}",
            e[0].hint
        );
    }
}

#[test]
fn stray_spaces_between_chinese_are_removed_with_a_warning_per_key() {
    let decoded = read_fault("folded-spaces-in-chinese.yaml");
    let warned = only(&decoded.diags, Rule::StraySpace);
    let paths: Vec<&str> = warned.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["overview[0]", "overview[1]", "overview[2]"]);
    let report = decoded.report.expect("a report");
    let texts: Vec<String> = report
        .overview
        .iter()
        .map(|b| match b {
            nianbao_form::model::Block::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(texts.iter().all(|t| !t.contains(' ')), "{texts:?}");
    assert_eq!(
        texts[2],
        "严格落实政府信息公开审查制度，对拟公开信息逐件进行保密审查。"
    );
}

#[test]
fn one_long_text_repeated_by_aliases_is_refused_before_it_is_copied() {
    let long = "字".repeat(100_000);
    let aliases = vec!["*s"; 200].join(", ");
    let text = format!("a: &s \"{long}\"\nb: [{aliases}]\n");
    assert!(text.len() < 2 * 1024 * 1024);
    let diags = diags_of(&text, Format::Yaml);
    let limit = only(&diags, Rule::Limit);
    assert_eq!(limit.len(), 1, "{diags:?}");
    assert!(limit[0].message.contains("文字"), "{}", limit[0].message);
}

#[test]
fn an_alias_without_its_anchor_is_an_error() {
    let diags = diags_of("organ: 某局\nx: &a [*a]\n", Format::Yaml);
    assert!(
        diags
            .iter()
            .any(|d| d.rule == Rule::Syntax && d.message.contains("锚点")),
        "{diags:?}"
    );
}

#[test]
fn only_true_thousands_separators_are_joined() {
    let yaml = |row: &str| {
        format!(
            "edition: \"2021\"\nyear: 2023\norgan: 某局\nreviews_and_lawsuits:\n  review: {row}\n"
        )
    };
    for row in [
        "[5,100,20, 0, 0]",
        "[\"1\",\"234\", 5, 6]",
        "[1,+123, 2, 3]",
        "[0,500, 1, 2]",
        "[100,200,300, 400]",
    ] {
        let d = read::read_str(&yaml(row), Format::Yaml);
        assert!(
            !d.diags.iter().any(|x| x.message.contains("千位分隔符")),
            "{row}: {:?}",
            d.diags
        );
    }
    let d = read::read_str(&yaml("[12,345, 7, 11, 4]"), Format::Yaml);
    assert_eq!(only(&d.diags, Rule::NumberFormat).len(), 1, "{:?}", d.diags);
}

#[test]
fn a_long_line_of_values_is_read_with_its_positions() {
    // One line of 45,000 values after a long text: positions are counted from the last
    // one asked (it took minutes when each counted from the line's start; the time is
    // measured with `check` on such a file, see README "Limits").
    let text = format!(
        "[\"{}\",{}]",
        "x".repeat(1_000_000),
        vec!["1"; 45_000].join(",")
    );
    let diags = diags_of(&text, Format::Json);
    let not_a_report = only(&diags, Rule::NotAReport);
    assert_eq!(not_a_report.len(), 1, "{diags:?}");
    assert_eq!(
        not_a_report[0].pos.map(|p| (p.line, p.column)),
        Some((1, 1))
    );
}

#[test]
fn workbook_parts_that_copy_or_hide_are_refused() {
    // One shared string of 1 MB used by 100 cells: 100 MB once the reader copies it.
    let sst = format!("<sst><si><t>{}</t></si></sst>", "x".repeat(1024 * 1024));
    let mut sheet = String::from("<worksheet><sheetData><row r=\"1\">");
    for c in 1..=100 {
        sheet.push_str(&format!(
            "<c r=\"{}1\" t=\"s\"><v>0</v></c>",
            nianbao_form::diag::cell_name(1, c).trim_end_matches('1')
        ));
    }
    sheet.push_str("</row></sheetData></worksheet>");
    let err = nianbao_files::xlsx::read_bytes(package(&[
        ("xl/sharedStrings.xml", sst.into_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ]))
    .unwrap_err();
    assert!(err.to_string().contains("共享文字"), "{err}");

    // A shared formula numbered a billion.
    let f = br#"<worksheet><sheetData><row r="1"><c r="A1"><f t="shared" si="1000000000" ref="A1:A2">1</f></c></row></sheetData></worksheet>"#;
    let err = nianbao_files::xlsx::read_bytes(package(&[("xl/worksheets/sheet1.xml", f.to_vec())]))
        .unwrap_err();
    assert!(err.to_string().contains("共享公式"), "{err}");

    // A reference the guard cannot read is refused, not taken as the next cell.
    let r = br#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="A999999999"><v>1</v></c></row></sheetData></worksheet>"#;
    let err = nianbao_files::xlsx::read_bytes(package(&[("xl/worksheets/sheet1.xml", r.to_vec())]))
        .unwrap_err();
    assert!(err.to_string().contains("A999999999"), "{err}");

    // A worksheet stored under another name or case is read all the same.
    let far = br#"<worksheet><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
    for name in ["xl/worksheets/Sheet1.XML", "xl/data.bin"] {
        let err = nianbao_files::xlsx::read_bytes(package(&[(name, far.to_vec())])).unwrap_err();
        assert!(err.to_string().contains("1048576"), "{name}: {err}");
    }
}

/// Every input the fuzzers once failed on (tests/cases/fuzz): read and checked
/// without a panic.
#[test]
fn inputs_the_fuzzers_found_are_checked_without_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if let Ok(decoded) = read::read_file(&path) {
            let _ = nianbao_form::check::check(decoded, None);
        }
        n += 1;
    }
    assert!(n >= 2);
}
