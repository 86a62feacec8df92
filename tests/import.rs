//! Reading published reports back (issue 13): real published files against their
//! hand transcriptions, every example rendered by nianbao and imported again, the
//! faults real reports have, and files that cannot be read.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use nianbao_files::read_file;
use nianbao_form::check::{Checked, check, check_report};
use nianbao_form::decode::Decoded;
use nianbao_form::derive::with_totals;
use nianbao_form::model::Values;
use nianbao_render::document::{self, DocBlock};

fn published(name: &str) -> PathBuf {
    root().join("tests/cases/published").join(name)
}

fn import(path: &Path) -> Decoded {
    nianbao_files::read_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every number of tables 二、三、四 with the row totals filled in, by cell.
fn cells(checked: &Checked) -> BTreeMap<String, String> {
    let full = with_totals(&checked.report, &checked.totals);
    let mut out = BTreeMap::new();
    for (path, values) in &full.values {
        match values {
            Values::Row {
                values,
                given_total: total,
            } => {
                for (i, v) in values.iter().enumerate() {
                    out.insert(format!("{path}[{i}]"), v.to_string());
                }
                if let Some(t) = total {
                    out.insert(format!("{path}[{}]", values.len()), t.to_string());
                }
            }
            Values::Int(v) => {
                out.insert(path.clone(), v.to_string());
            }
            Values::Money(m) => {
                out.insert(path.clone(), m.clone());
            }
        }
    }
    out
}

fn checked(decoded: Decoded, what: &str) -> Checked {
    match check(decoded, None) {
        Ok(c) => c,
        Err(d) => panic!("{what}: {}", nianbao_form::diag::format_text(&d)),
    }
}

/// The cells that differ, as `key: expected ≠ found`.
fn differences(
    expected: &BTreeMap<String, String>,
    found: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut keys: Vec<&String> = expected.keys().chain(found.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| expected.get(*k) != found.get(*k))
        .map(|k| format!("{k}: {:?} ≠ {:?}", expected.get(k), found.get(k)))
        .collect()
}

fn rules(decoded: &Decoded) -> Vec<String> {
    decoded
        .diags
        .iter()
        .map(|d| d.rule.id().to_string())
        .collect()
}

#[test]
fn the_published_pdf_and_html_give_every_number_of_their_hand_transcription() {
    for (file, transcription) in [
        ("huaian-city-2024.pdf", "huaian-city-2024.yaml"),
        ("pingtan-zone-2025.html", "pingtan-zone-2025.yaml"),
        // A crawler-saved page: an information table before the article, and the
        // headings' text inside <font> inside <span> inside <p>.
        (
            "01-shuyang-county-drc-2023.html",
            "01-shuyang-county-drc-2023.yaml",
        ),
    ] {
        let imported = import(&published(file));
        assert!(
            imported.diags.iter().all(|d| !d.is_error()),
            "{file}: {}",
            nianbao_form::diag::format_text(&imported.diags)
        );
        let found = checked(imported, file);
        let expected = checked(read_file(&published(transcription)).unwrap(), transcription);
        let diff = differences(&cells(&expected), &cells(&found));
        assert!(
            diff.is_empty(),
            "{file}: cells that differ:\n{}",
            diff.join("\n")
        );
        assert_eq!(found.report.year, expected.report.year, "{file}");
        assert_eq!(found.report.edition, expected.report.edition, "{file}");
        // The （一） items of 一、总体情况 with their run-in titles.
        let titles = |c: &Checked| -> Vec<String> {
            c.report
                .overview
                .iter()
                .filter_map(|b| match b {
                    nianbao_form::model::Block::Item { title, .. } => Some(title.clone()),
                    nianbao_form::model::Block::Text(_) => None,
                })
                .collect()
        };
        assert_eq!(titles(&found), titles(&expected), "{file}");
        assert_eq!(
            found.report.problems.is_empty(),
            expected.report.problems.is_empty()
        );
    }
}

#[test]
fn the_pdf_gives_title_organ_and_the_preamble_with_its_spaces_removed() {
    let found = checked(import(&published("huaian-city-2024.pdf")), "huaian");
    assert_eq!(found.report.organ, "淮安市人民政府");
    assert_eq!(
        found.report.title(),
        "淮安市人民政府2024年政府信息公开工作年度报告"
    );
    let expected = checked(
        read_file(&published("huaian-city-2024.yaml")).unwrap(),
        "yaml",
    );
    assert_eq!(found.report.preamble, expected.report.preamble);
    assert_eq!(found.report.overview, expected.report.overview);
    assert_eq!(found.report.problems, expected.report.problems);
    assert_eq!(found.report.other_matters, expected.report.other_matters);
}

#[test]
fn the_html_page_gives_its_site_metadata_and_leaves_the_navigation_out() {
    let found = checked(import(&published("pingtan-zone-2025.html")), "pingtan");
    let meta = found.report.meta.clone().unwrap();
    assert_eq!(meta.published.unwrap().to_string(), "2026-03-10");
    assert_eq!(meta.site_domain.as_deref(), Some("www.pingtan.gov.cn"));
    assert_eq!(meta.site_id_code.as_deref(), Some("3590000001"));
    let preamble = found.report.preamble.clone().unwrap();
    assert!(preamble.starts_with("本报告根据"), "{preamble}");
    let all = format!("{:?}", found.report);
    for noise in ["网站地图", "无障碍", "分享到微信", "版权所有"] {
        assert!(!all.contains(noise), "{noise} came in from the portal page");
    }
}

/// The prose of a document as printed: preamble, every paragraph of the sections
/// (run-in heading and text), and the 落款.
fn printed_prose(checked: &Checked) -> Vec<String> {
    let doc = document::build(checked).expect("document");
    let mut out = doc.preamble.clone();
    for s in &doc.sections {
        out.push(s.heading.clone());
        for b in &s.blocks {
            match b {
                DocBlock::Para { text } => out.push(text.clone()),
                DocBlock::Lead { lead, text } => out.push(format!("{lead}{text}")),
                DocBlock::Table(_) => {}
            }
        }
    }
    if let Some(sig) = &doc.signature {
        out.push(format!("{} {}", sig.organ, sig.date));
    }
    out
}

#[test]
fn every_example_rendered_to_pdf_docx_and_html_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let examples = ["qinghe-2022.yaml", "qinghe-2023.yaml", "xiayi-2020.yaml"];
    let mut args = vec!["render"];
    let paths: Vec<String> = examples
        .iter()
        .map(|e| example(e).to_str().unwrap().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    args.extend([
        "-o",
        dir.path().to_str().unwrap(),
        "--to",
        "pdf,docx,html",
        "--no-system-fonts",
    ]);
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for e in examples {
        let original = check_report(read_file(&example(e)).unwrap().report.unwrap());
        for ext in ["pdf", "docx", "html"] {
            let file = dir.path().join(e).with_extension(ext);
            let imported = import(&file);
            let warnings: Vec<String> = imported
                .diags
                .iter()
                .map(|d| format!("{} {}", d.rule, d.message))
                .collect();
            assert!(warnings.is_empty(), "{e} as {ext}: {warnings:#?}");
            let back = checked(imported, &format!("{e} as {ext}"));
            let diff = differences(&cells(&original), &cells(&back));
            assert!(
                diff.is_empty(),
                "{e} as {ext}: cells that differ:\n{}",
                diff.join("\n")
            );
            assert_eq!(back.report.edition, original.report.edition, "{e} as {ext}");
            assert_eq!(back.report.year, original.report.year, "{e} as {ext}");
            assert_eq!(back.report.organ, original.report.organ, "{e} as {ext}");
            assert_eq!(back.report.title(), original.report.title(), "{e} as {ext}");
            assert_eq!(
                printed_prose(&back),
                printed_prose(&original),
                "{e} as {ext}: the prose differs"
            );
        }
    }
}

#[test]
fn import_writes_the_data_file_and_check_and_render_take_published_files() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("huaian.pdf");
    std::fs::copy(published("huaian-city-2024.pdf"), &pdf).unwrap();
    let o = run_in(dir.path(), &["import", "huaian.pdf"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let yaml = dir.path().join("huaian.yaml");
    let data = read_file(&yaml).unwrap();
    assert!(data.diags.iter().all(|d| !d.is_error()));
    assert_eq!(
        data.report.unwrap().int("active_disclosure.licensing"),
        Some(447228)
    );
    // Not over an existing file without --force.
    let o = run_in(dir.path(), &["import", "huaian.pdf"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // check reads the PDF itself; render --force writes beside it without touching it.
    let o = run_in(dir.path(), &["check", "huaian.pdf"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let before = std::fs::read(&pdf).unwrap();
    let o = run_in(
        dir.path(),
        &["render", "huaian.pdf", "--to", "docx", "--no-system-fonts"],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(dir.path().join("huaian.docx").exists());
    let o = run_in(
        dir.path(),
        &["render", "huaian.pdf", "--to", "pdf", "--no-system-fonts"],
    );
    assert_ne!(code(&o), 0, "render may not replace its own input");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

// ---------------------------------------------------------------- faults

/// An HTML page holding tables 二、三、四 of the 2021 form, built from the official
/// description, with `cell` choosing each number cell's text and `label` each row label.
fn page(
    year: u32,
    edition2: nianbao_form::model::Edition,
    cell: &dyn Fn(&str, usize) -> String,
    label: &dyn Fn(&str) -> String,
    charset: &str,
) -> String {
    let mut h = format!(
        "<html><head><meta charset=\"{charset}\"><title>测试县人民政府{year}年政府信息公开工作年度报告</title></head><body>\
         <div class=\"nav\"><p>首页</p><p>政务公开</p></div><div class=\"article\">\
         <h1>测试县人民政府{year}年政府信息公开工作年度报告</h1><p>本报告统计期限为{year}年1月1日至12月31日。</p>\
         <p>一、总体情况</p><p>（一）主动公开情况。全年主动公开信息100条。</p>\
         <p>二、主动公开政府信息情况</p>"
    );
    h.push_str("<table>");
    let last = |path: &str| path.rsplit('.').next().unwrap_or("").to_string();
    let spec = &nianbao_form::tables::tables(edition2)[0];
    for r in &spec.rows {
        h.push_str("<tr>");
        for c in &r.cells {
            match &c.content {
                nianbao_form::tables::Content::Label { text, .. } => h.push_str(&format!(
                    "<td colspan=\"{}\">{}</td>",
                    c.colspan,
                    label(text)
                )),
                nianbao_form::tables::Content::Value { path, .. } => {
                    let (key, i) = match path.rsplit_once('.') {
                        Some((row, member)) if row != "active_disclosure" => (
                            last(row),
                            [
                                "issued",
                                "repealed",
                                "in_force",
                                "made",
                                "published",
                                "total",
                                "previous",
                                "change",
                                "decisions",
                                "count",
                                "amount",
                            ]
                            .iter()
                            .position(|m| *m == member)
                            .unwrap_or(0)
                                % 3,
                        ),
                        _ => (last(path), 0),
                    };
                    h.push_str(&format!(
                        "<td colspan=\"{}\">{}</td>",
                        c.colspan,
                        cell(&key, i)
                    ));
                }
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</table><p>三、收到和处理政府信息公开申请情况</p><table>");
    h.push_str("<tr class=\"firstRow\"><td colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=\"7\">申请人情况</td></tr>\
        <tr><td rowspan=\"2\">自然人</td><td colspan=\"5\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr>\
        <tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>");
    let spec = &nianbao_form::tables::tables(nianbao_form::model::Edition::Y2021)[1];
    for r in &spec.rows {
        if r.role != nianbao_form::tables::RowRole::Data {
            continue;
        }
        h.push_str("<tr>");
        let mut key = "";
        for c in &r.cells {
            match &c.content {
                nianbao_form::tables::Content::Label { text, .. } => h.push_str(&format!(
                    "<td colspan=\"{}\" rowspan=\"{}\">{}</td>",
                    c.colspan,
                    c.rowspan,
                    label(text)
                )),
                nianbao_form::tables::Content::Value { path, index, .. } => {
                    key = path;
                    let leaf = path.rsplit('.').next().unwrap_or("");
                    h.push_str(&format!("<td>{}</td>", cell(leaf, index.unwrap_or(0))));
                }
            }
        }
        let _ = key;
        h.push_str("</tr>");
    }
    h.push_str("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>\
        <tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>\
        <tr><td rowspan=\"2\">结果维持</td><td rowspan=\"2\">结果纠正</td><td rowspan=\"2\">其他结果</td><td rowspan=\"2\">尚未审结</td><td rowspan=\"2\">总计</td><td colspan=\"5\">未经复议直接起诉</td><td colspan=\"5\">复议后起诉</td></tr>\
        <tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr><tr>");
    for key in ["review", "direct_suit", "suit_after_review"] {
        for i in 0..5 {
            h.push_str(&format!("<td>{}</td>", cell(key, i)));
        }
    }
    h.push_str("</tr></table><p>注：本表数据截至12月31日。</p><p>五、存在的主要问题及改进情况</p><p>队伍建设有待加强。</p>\
        <p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p><p>测试县人民政府</p><p>2026年1月20日</p></div>\
        <div class=\"footer\"><p>版权所有</p></div></body></html>");
    h
}

fn zeros(_key: &str, _i: usize) -> String {
    "0".into()
}

fn same(text: &str) -> String {
    text.to_string()
}

fn import_text(name: &str, bytes: &[u8]) -> Decoded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    import(&path)
}

/// The test page of the 2021 form in UTF-8.
fn page_2021(cell: &dyn Fn(&str, usize) -> String, label: &dyn Fn(&str) -> String) -> String {
    page(
        2025,
        nianbao_form::model::Edition::Y2021,
        cell,
        label,
        "utf-8",
    )
}

#[test]
fn a_clean_page_reads_with_no_warning_and_gbk_is_decoded() {
    let html = page_2021(&zeros, &same);
    let decoded = import_text("t.html", html.as_bytes());
    assert!(
        decoded.diags.iter().all(|d| d.rule.id() != "import-unread"),
        "{}",
        nianbao_form::diag::format_text(&decoded.diags)
    );
    let report = decoded.report.unwrap();
    assert_eq!(report.organ, "测试县人民政府");
    assert_eq!(report.signature.unwrap().date.to_string(), "2026-01-20");
    // The same page in GBK, declared, and undeclared.
    let gbk_page = page(
        2025,
        nianbao_form::model::Edition::Y2021,
        &zeros,
        &same,
        "gbk",
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_page);
    let decoded = import_text("gbk.html", &gbk);
    assert_eq!(decoded.report.unwrap().organ, "测试县人民政府");
    let undeclared = html.replace("<meta charset=\"utf-8\">", "");
    let (gbk, _, _) = encoding_rs::GBK.encode(&undeclared);
    let decoded = import_text("gbk2.html", &gbk);
    assert_eq!(decoded.report.unwrap().organ, "测试县人民政府");
}

#[test]
fn what_clerks_type_in_number_cells_is_read_with_a_warning_at_the_cell() {
    let cell = |key: &str, i: usize| -> String {
        match (key, i) {
            ("regulations", 0) => "—".into(),
            ("regulations", 1) => "/".into(),
            ("regulations", 2) => "".into(),
            ("normative_documents", 0) => "22（其中修订16件）".into(),
            ("normative_documents", 1) => "无".into(),
            ("normative_documents", 2) => "１２".into(),
            ("licensing", _) => "2,008".into(),
            ("fees", _) => "4166.241619".into(),
            _ => "0".into(),
        }
    };
    let html = page_2021(&cell, &same);
    let decoded = import_text("t.html", html.as_bytes());
    let report = decoded.report.clone().unwrap();
    let text = nianbao_form::diag::format_text(&decoded.diags);
    assert_eq!(
        report.int("active_disclosure.regulations.issued"),
        Some(0),
        "{text}"
    );
    assert_eq!(
        report.int("active_disclosure.normative_documents.issued"),
        Some(22)
    );
    assert_eq!(
        report.int("active_disclosure.normative_documents.in_force"),
        Some(12)
    );
    assert_eq!(report.int("active_disclosure.licensing"), Some(2008));
    assert!(
        matches!(report.values.get("active_disclosure.fees"), Some(Values::Money(m)) if m == "4166.241619")
    );
    // Each change is named at its table, row and column.
    let at = |needle: &str| {
        decoded
            .diags
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no diagnostic about {needle}: {text}"))
    };
    let d = at("“—”");
    assert_eq!(d.rule.id(), "import");
    assert!(
        d.message.contains("规章") && d.message.contains("本年制发件数"),
        "{}",
        d.message
    );
    assert_eq!(d.cell.as_deref(), Some("第1个表格第3行第2列"));
    assert!(at("其中修订16件").message.contains("22"));
    assert!(at("单元格为空").message.contains("现行有效件数"));
    assert!(
        rules(&decoded).contains(&"number-format".to_string()),
        "{text}"
    );
}

#[test]
fn labels_with_typos_or_older_words_are_matched_and_said() {
    let label = |text: &str| -> String {
        match text {
            "2.其他法律行政法规禁止公开" => "2.其他法律行政止公开".into(),
            "行政规范性文件" => "规范性文件".into(),
            t => t.into(),
        }
    };
    let cell = |key: &str, i: usize| -> String {
        match key {
            "prohibited_by_law" if i == 0 => "3".into(),
            "prohibited_by_law" if i == 6 => "3".into(),
            "new" if i == 0 => "3".into(),
            "new" if i == 6 => "3".into(),
            "total" if i == 0 => "3".into(),
            "total" if i == 6 => "3".into(),
            "normative_documents" => "5".into(),
            _ => "0".into(),
        }
    };
    let html = page_2021(&cell, &label);
    let decoded = import_text("t.html", html.as_bytes());
    let text = nianbao_form::diag::format_text(&decoded.diags);
    let report = decoded.report.clone().unwrap();
    assert_eq!(
        report.row("applications.refused.prohibited_by_law", 6)[0],
        3,
        "{text}"
    );
    assert_eq!(
        report.int("active_disclosure.normative_documents.issued"),
        Some(5),
        "{text}"
    );
    let similar: Vec<&String> = decoded
        .diags
        .iter()
        .filter(|d| d.rule.id() == "import" && d.message.contains("按相近的"))
        .map(|d| &d.message)
        .collect();
    assert_eq!(similar.len(), 2, "{text}");
    assert!(similar.iter().any(|m| m.contains("2.其他法律行政止公开")));
}

#[test]
fn a_row_that_is_not_there_is_named_and_never_filled_with_zeros() {
    let html = page_2021(&zeros, &same).replace(
        "<td colspan=\"1\" rowspan=\"1\">2.重复申请</td>",
        "<td>（空行）</td>",
    );
    let decoded = import_text("t.html", html.as_bytes());
    let unread: Vec<&String> = decoded
        .diags
        .iter()
        .filter(|d| d.rule.id() == "import-unread")
        .map(|d| &d.message)
        .collect();
    assert_eq!(unread.len(), 1, "{unread:?}");
    assert!(unread[0].contains("2.重复申请"), "{}", unread[0]);
    assert!(
        !decoded
            .report
            .unwrap()
            .values
            .contains_key("applications.not_processed.duplicate")
    );
    // import refuses to write it, unless --partial.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.html"), &html).unwrap();
    let o = run_in(dir.path(), &["import", "t.html"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("--partial"), "{}", stderr(&o));
    assert!(!dir.path().join("t.yaml").exists());
    let o = run_in(dir.path(), &["import", "t.html", "--partial"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let written = std::fs::read_to_string(dir.path().join("t.yaml")).unwrap();
    assert!(written.starts_with("# 由 t.html 导入"), "{written}");
    assert!(written.contains("2.重复申请"));
}

#[test]
fn a_2019_table_in_a_2021_report_is_the_wrong_format_with_its_numbers_kept() {
    let cell = |key: &str, i: usize| -> String {
        match key {
            "licensing" if i == 2 => "17".into(),
            "not_held" if i == 0 => "2".into(),
            "not_held" if i == 6 => "2".into(),
            _ => "0".into(),
        }
    };
    let html = page(
        2025,
        nianbao_form::model::Edition::Y2019,
        &cell,
        &same,
        "utf-8",
    );
    let decoded = import_text("t.html", html.as_bytes());
    let text = nianbao_form::diag::format_text(&decoded.diags);
    // Reported as the wrong format: the table's edition is kept and the check says
    // the year needs the other one.
    let wrong: Vec<&str> = decoded
        .diags
        .iter()
        .map(|d| d.rule.id())
        .filter(|r| *r == "edition-year" || *r == "import")
        .collect();
    assert!(wrong.contains(&"edition-year"), "{text}");
    assert!(
        decoded
            .diags
            .iter()
            .any(|d| d.message.contains("2019 年版格式")),
        "{text}"
    );
    let report = decoded.report.unwrap();
    assert_eq!(report.edition, nianbao_form::model::Edition::Y2019);
    // The numbers are kept where they map: 处理决定数量 of 行政许可, table 三's rows.
    assert_eq!(
        report.int("active_disclosure.licensing.decisions"),
        Some(17),
        "{text}"
    );
    assert_eq!(
        report.row("applications.unavailable.not_held", 6)[0],
        2,
        "{text}"
    );
}

#[test]
fn files_that_cannot_be_read_say_what_they_are_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    // A legacy Word file (an OLE compound file), whatever its name.
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    for name in ["old.doc", "old.wps", "renamed.docx"] {
        let e = nianbao_files::read_file(&write(name, &ole))
            .unwrap_err()
            .to_string();
        assert!(e.contains("另存为") && e.contains(".docx"), "{name}: {e}");
    }
    // A PDF with a page and no text (a scan).
    let scan = write("scan.pdf", &minimal_pdf(""));
    let e = nianbao_files::read_file(&scan).unwrap_err().to_string();
    assert!(e.contains("扫描件"), "{e}");
    // A broken PDF.
    let e = nianbao_files::read_file(&write("broken.pdf", b"%PDF-1.7\n garbage"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("损坏") || e.contains("扫描件"), "{e}");
    // An encrypted PDF (qpdf --encrypt user owner 256).
    let encrypted = root().join("tests/cases/import/encrypted.pdf");
    let e = nianbao_files::read_file(&encrypted)
        .unwrap_err()
        .to_string();
    assert!(e.contains("加密"), "{e}");
    // check says the same, per file, and goes on with the others.
    let o = run(&[
        "check",
        scan.to_str().unwrap(),
        example("qinghe-2022.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains("qinghe-2022.yaml：通过核对"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("扫描件"), "{}", stderr(&o));
}

#[test]
fn hostile_files_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    // A DOCX whose document.xml inflates past the limit (a zip bomb).
    let bomb = dir.path().join("bomb.docx");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..40 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let e = nianbao_files::read_file(&bomb).unwrap_err().to_string();
    assert!(e.contains("上限"), "{e}");
    // An HTML page nested 100,000 deep reads without overflowing the stack.
    let nested = format!(
        "<html><body>{}<p>一、总体情况</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let path = dir.path().join("nested.html");
    std::fs::write(&path, nested).unwrap();
    let decoded = import(&path);
    assert!(decoded.diags.iter().any(|d| d.rule.id() == "import-unread"));
    // A DOCX nested too deep is refused.
    let deep = dir.path().join("deep.docx");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&deep).unwrap());
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all("<w:tbl>".repeat(1000).as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    let e = nianbao_files::read_file(&deep).unwrap_err().to_string();
    assert!(e.contains("嵌套"), "{e}");
}

/// A PDF whose content opens 200,000 `[` (the parser recurses until its stack is
/// gone) and one whose doubly deflated stream inflates to 2 GiB: each is read in a
/// worker process with limits, refused with a message that says why, and the other
/// file of the same run is checked as usual (before, the first aborted the whole
/// program and the second took 2 GB).
#[test]
fn a_pdf_that_overflows_the_stack_or_inflates_to_gigabytes_fails_alone() {
    use flate2::write::ZlibEncoder;
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.pdf");
    std::fs::write(&deep, minimal_pdf(&"[".repeat(200_000))).unwrap();
    // 2 GiB of zeros, deflated twice: about 3 KB.
    let mut inner = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..2048 {
        inner.write_all(&zeros).unwrap();
    }
    let mut outer = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    outer.write_all(&inner.finish().unwrap()).unwrap();
    let stream = outer.finish().unwrap();
    let mut bomb = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n".to_vec();
    bomb.extend_from_slice(
        format!(
            "4 0 obj\n<< /Length {} /Filter [/FlateDecode /FlateDecode] >>\nstream\n",
            stream.len()
        )
        .as_bytes(),
    );
    bomb.extend_from_slice(&stream);
    bomb.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    assert!(bomb.len() < 20_000, "{}", bomb.len());
    let bomb_path = dir.path().join("bomb.pdf");
    std::fs::write(&bomb_path, &bomb).unwrap();
    let o = run(&[
        "check",
        deep.to_str().unwrap(),
        bomb_path.to_str().unwrap(),
        example("qinghe-2022.yaml").to_str().unwrap(),
    ]);
    // Exit 2 (files that could not be read), not an abort.
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("deep.pdf：读取这个文件时") && err.contains("已停止读取"),
        "{err}"
    );
    assert!(err.contains("bomb.pdf："), "{err}");
    assert!(
        stdout(&o).contains("qinghe-2022.yaml：通过核对"),
        "{}",
        stdout(&o)
    );
    // import says the same and writes nothing.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = run(&[
        "import",
        deep.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(std::fs::read_dir(&out).unwrap().next().is_none());
}

/// The official 2021 form as a blank WPS document (`w:gridSpan`, `w:vMerge`, cells
/// holding full-width spaces), every number cell filled with 1, 2, 3 … in reading
/// order and a title added: each number must land in its own cell of the form.
#[test]
fn the_official_blank_form_filled_in_wps_reads_every_cell_in_its_place() {
    use std::io::Read;
    let blank = published("official-form-2021-blank.docx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&blank).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // Fill the empty cells that are not the continuation of a merged cell.
    let mut out = String::new();
    let mut rest = xml.as_str();
    let mut n = 0;
    while let Some(start) = rest.find("<w:tc>") {
        let end = start + rest[start..].find("</w:tc>").unwrap() + "</w:tc>".len();
        let cell = &rest[start..end];
        out.push_str(&rest[..start]);
        let text: String = cell
            .split("<w:t")
            .skip(1)
            .filter_map(|t| {
                t.split_once('>')
                    .map(|(_, v)| v.split('<').next().unwrap_or(""))
            })
            .collect();
        let continued =
            cell.contains("<w:vMerge/>") || cell.contains("w:vMerge w:val=\"continue\"");
        if text.trim_matches(['\u{3000}', ' ']).is_empty() && !continued {
            n += 1;
            let close = cell.rfind("</w:p>").unwrap();
            out.push_str(&cell[..close]);
            out.push_str(&format!("<w:r><w:t>{n}</w:t></w:r>"));
            out.push_str(&cell[close..]);
        } else {
            out.push_str(cell);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let body = out.find("<w:body>").unwrap() + "<w:body>".len();
    out.insert_str(
        body,
        "<w:p><w:r><w:t>测试局2025年政府信息公开工作年度报告</w:t></w:r></w:p>",
    );
    let dir = tempfile::tempdir().unwrap();
    let filled = dir.path().join("filled.docx");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&filled).unwrap());
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().to_string();
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            if name == "word/document.xml" {
                w.write_all(out.as_bytes()).unwrap();
            } else {
                std::io::copy(&mut f, &mut w).unwrap();
            }
        }
        w.finish().unwrap();
    }
    let decoded = import(&filled);
    let text = nianbao_form::diag::format_text(&decoded.diags);
    assert!(
        decoded
            .diags
            .iter()
            .all(|d| !d.rule.id().starts_with("import")),
        "{text}"
    );
    let report = decoded.report.expect("a report");
    // Every value of the form, in reading order, is a number written later than the
    // one before (the filler also wrote into empty header cells, which are not read).
    let mut seen: Vec<i64> = Vec::new();
    let mut cells = 0;
    for table in nianbao_form::tables::tables(nianbao_form::model::Edition::Y2021) {
        for f in table.fields() {
            let values: Vec<String> = match report.values.get(f.path) {
                Some(Values::Row {
                    values,
                    given_total,
                }) => values
                    .iter()
                    .chain(given_total.iter())
                    .map(i64::to_string)
                    .collect(),
                Some(Values::Int(v)) => vec![v.to_string()],
                Some(Values::Money(m)) => vec![m.clone()],
                None => panic!("{} not read: {text}", f.path),
            };
            for v in values {
                cells += 1;
                let v: i64 = v.parse().unwrap();
                assert!(
                    seen.last().is_none_or(|&l| v > l),
                    "{}: {v} after {seen:?}",
                    f.path
                );
                seen.push(v);
            }
        }
    }
    assert_eq!(cells, 10 + 25 * 7 + 15, "the cells of the 2021 form");
    assert!(
        n >= cells && n - cells <= 6,
        "{n} cells filled, {cells} read"
    );
}

/// Tables placed as an appendix after the 落款, and sections 五 and 六 in the other
/// order: everything is found by its words, not by its place.
#[test]
fn tables_in_an_appendix_and_sections_in_another_order_are_read() {
    let html = page_2021(&zeros, &same);
    let start = html.find("<p>二、主动公开政府信息情况</p>").unwrap();
    let end = html.find("<p>五、存在的主要问题及改进情况</p>").unwrap();
    let tables = html[start..end].to_string();
    let five = "<p>五、存在的主要问题及改进情况</p><p>队伍建设有待加强。</p>";
    let six = "<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>";
    let moved = html
        .replace(&tables, "")
        .replace(&format!("{five}{six}"), &format!("{six}{five}"))
        .replace(
            "<p>2026年1月20日</p>",
            &format!("<p>2026年1月20日</p>{tables}"),
        );
    assert_ne!(moved, html);
    let decoded = import_text("appendix.html", moved.as_bytes());
    let text = nianbao_form::diag::format_text(&decoded.diags);
    assert!(
        decoded.diags.iter().all(|d| d.rule.id() != "import-unread"),
        "{text}"
    );
    let report = decoded.report.unwrap();
    assert_eq!(
        report.problems,
        vec![nianbao_form::model::Block::Text(
            "队伍建设有待加强。".into()
        )]
    );
    assert_eq!(
        report.other_matters,
        Some(vec![nianbao_form::model::Block::Text(
            "本年度未收取信息处理费。".into()
        )])
    );
    assert_eq!(report.int("active_disclosure.licensing"), Some(0));
    assert_eq!(report.signature.unwrap().date.to_string(), "2026-01-20");
}

/// Several files into one folder, as JSON: each written, and a file that cannot be
/// read does not stop the others (exit status 2 names it).
#[test]
fn several_files_import_into_a_folder_and_a_bad_one_stops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.html"), page_2021(&zeros, &same)).unwrap();
    std::fs::write(dir.path().join("b.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    std::fs::copy(
        published("pingtan-zone-2025.html"),
        dir.path().join("c.html"),
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = run_in(
        dir.path(),
        &[
            "import", "a.html", "b.pdf", "c.html", "-o", "out", "--to", "json",
        ],
    );
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("b.pdf"), "{}", stderr(&o));
    for name in ["a.json", "c.json"] {
        let data = read_file(&out.join(name)).unwrap();
        assert!(data.report.is_some(), "{name}");
    }
    assert!(!out.join("b.json").exists());
}
