//! `nianbao audit`: a region's folder of reports checked at once, against last
//! year's folder and the roster, into the JSON, the text summary and the findings
//! workbook (read back with calamine).

mod common;

use std::path::Path;

use calamine::{Reader, Xlsx};
use common::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_region_is_audited_unit_by_unit() {
    let dir = tempfile::tempdir().unwrap();
    let now = dir.path().join("2023");
    let last = dir.path().join("2022");
    let base = std::fs::read_to_string(example("qinghe-2023.yaml")).unwrap();
    write(&now.join("scjg.yaml"), &base);
    write(
        &last.join("scjg.yaml"),
        &std::fs::read_to_string(example("qinghe-2022.yaml")).unwrap(),
    );
    // An arithmetic error (a negative count) in another unit.
    let bad = base
        .replace("organ: 青禾市市场监督管理局", "organ: 青禾市交通运输局")
        .replace("licensing: 20517", "licensing: -3");
    write(&now.join("sub/jtys.yaml"), &bad);
    // A late one: published in March by a department.
    let late = base
        .replace("organ: 青禾市市场监督管理局", "organ: 青禾市教育局")
        .replace("  published: 2024-01-20", "  published: 2024-03-05");
    write(&now.join("jy.yaml"), &late);
    // A report of the wrong year (2019 edition numbers for 2023).
    let wrong_year = base
        .replace("organ: 青禾市市场监督管理局", "organ: 青禾市民政局")
        .replace("year: 2023", "year: 2020");
    write(&now.join("mz.yaml"), &wrong_year);
    // A second report of the same organ.
    write(&now.join("scjg-copy.yaml"), &base);
    // A file that cannot be read.
    write(&now.join("broken.yaml"), "organ: [unclosed");
    let roster = dir.path().join("units.csv");
    write(
        &roster,
        "\u{feff}机关名称,类型\n青禾市市场监督管理局,部门\n青禾市交通运输局,部门\n青禾市教育局,部门\n青禾市民政局,部门\n青禾市卫生健康委员会,部门\n",
    );
    let book = dir.path().join("findings.xlsx");
    let o = run(&[
        "audit",
        now.to_str().unwrap(),
        "--previous",
        last.to_str().unwrap(),
        "--roster",
        roster.to_str().unwrap(),
        "-o",
        book.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "an error in a unit: exit 1\n{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let status = |organ: &str| -> Vec<String> {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["organ"] == organ)
            .map(|u| u["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(status("青禾市交通运输局"), ["有错误"]);
    assert_eq!(status("青禾市卫生健康委员会"), ["未提交"]);
    assert_eq!(status("broken"), ["无法读取"]);
    assert_eq!(status("青禾市民政局"), ["有错误"], "2021 edition for 2020");
    assert_eq!(status("青禾市市场监督管理局").len(), 2, "both files listed");
    let late: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["late"] == true)
        .map(|u| u["organ"].as_str().unwrap())
        .collect();
    // 教育局 published in March; the 2020 report (民政局) in 2024.
    assert_eq!(late, ["青禾市教育局", "青禾市民政局"]);
    let findings = v["findings"].as_array().unwrap();
    let has = |organ: &str, rule: &str| {
        findings
            .iter()
            .any(|f| f["organ"] == organ && f["rule"] == rule)
    };
    assert!(has("青禾市交通运输局", "negative"));
    assert!(has("青禾市教育局", "late"));
    assert!(has("青禾市民政局", "edition-year"));
    assert!(has("青禾市市场监督管理局", "duplicate-organ"));
    // Matched to last year's report by organ: the cross-year rules ran (R6 agrees).
    assert!(!has("青禾市市场监督管理局", "previous"));
    // Findings carry check's fields: the line of the negative count.
    let negative = findings.iter().find(|f| f["rule"] == "negative").unwrap();
    assert!(negative["line"].as_u64().is_some());
    assert!(negative["file"].as_str().unwrap().ends_with("jtys.yaml"));

    // The workbook: 汇总 and 问题清单, as the JSON.
    let mut wb: Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let summary = wb.worksheet_range("汇总").unwrap();
    let header: Vec<String> = summary
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..8],
        [
            "机关名称",
            "文件",
            "表格格式",
            "年度",
            "状态",
            "错误",
            "警告",
            "逾期"
        ]
    );
    let rows: Vec<Vec<String>> = summary
        .rows()
        .skip(1)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), v["units"].as_array().unwrap().len());
    let missing = rows
        .iter()
        .find(|r| r[0] == "青禾市卫生健康委员会")
        .unwrap();
    assert_eq!(missing[4], "未提交");
    let edu = rows.iter().find(|r| r[0] == "青禾市教育局").unwrap();
    assert_eq!(edu[7], "是");
    let list = wb.worksheet_range("问题清单").unwrap();
    assert_eq!(list.rows().count() - 1, findings.len());
    assert!(
        list.rows()
            .any(|r| r[0] == "青禾市交通运输局" && r[2] == "negative")
    );
    // Nothing in the folder was changed or added.
    let mut names: Vec<String> = std::fs::read_dir(&now)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "broken.yaml",
            "jy.yaml",
            "mz.yaml",
            "scjg-copy.yaml",
            "scjg.yaml",
            "sub"
        ]
    );
}

#[test]
fn a_clean_region_exits_zero_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example("xiayi-2020.yaml"), dir.path().join("xiayi.yaml")).unwrap();
    let o = run(&["audit", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("共 1 个单位：通过 1"), "{}", stdout(&o));
}

#[test]
fn the_tables_of_a_region_add_up_into_one_report_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    let base = std::fs::read_to_string(example("qinghe-2023.yaml")).unwrap();
    write(&units.join("a.yaml"), &base);
    write(
        &units.join("b.yaml"),
        &base.replace("organ: 青禾市市场监督管理局", "organ: 青禾市教育局"),
    );
    let out = dir.path().join("region.yaml");
    let o = run(&[
        "sum",
        units.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--organ",
        "青禾市",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let summed = nianbao_files::read_file(&out).unwrap().report.unwrap();
    let one = nianbao_files::read_file(&example("qinghe-2023.yaml"))
        .unwrap()
        .report
        .unwrap();
    assert_eq!(summed.organ, "青禾市");
    for (path, v) in &one.values {
        let doubled = match v {
            nianbao_form::model::Values::Row { values, .. } => nianbao_form::model::Values::Row {
                values: values.iter().map(|x| x * 2).collect(),
                given_total: None,
            },
            nianbao_form::model::Values::Int(x) => nianbao_form::model::Values::Int(x * 2),
            nianbao_form::model::Values::Money(_) => {
                nianbao_form::model::Values::Money("2374.60".into())
            }
        };
        assert_eq!(summed.values.get(path), Some(&doubled), "{path}");
    }
    let o = run(&["check", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A report of another year is refused by name; nothing is written.
    write(
        &units.join("c.yaml"),
        &std::fs::read_to_string(example("qinghe-2022.yaml")).unwrap(),
    );
    let out2 = dir.path().join("region2.yaml");
    let o = run(&["sum", units.to_str().unwrap(), "-o", out2.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("c.yaml：2022 年度"), "{}", stderr(&o));
    assert!(!out2.exists());
}

/// A region whose units sent published files: a PDF and an HTML page are audited as
/// data files are; a PDF beside its own data file is the rendering, not a second
/// report; a scanned PDF is that unit's unreadable file.
#[test]
fn published_reports_are_audited_beside_data_files() {
    let dir = tempfile::tempdir().unwrap();
    let shared = root().join("tests/cases/published");
    std::fs::copy(
        shared.join("huaian-city-2024.pdf"),
        dir.path().join("huaian.pdf"),
    )
    .unwrap();
    std::fs::copy(
        shared.join("pingtan-zone-2025.html"),
        dir.path().join("pingtan.html"),
    )
    .unwrap();
    std::fs::copy(example("qinghe-2023.yaml"), dir.path().join("qinghe.yaml")).unwrap();
    let o = run(&[
        "render",
        dir.path().join("qinghe.yaml").to_str().unwrap(),
        "--to",
        "pdf",
        "--no-system-fonts",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.path().join("qinghe.pdf").exists());
    std::fs::write(dir.path().join("scan.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let o = run(&["audit", dir.path().to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let units = json["units"].as_array().unwrap();
    let status = |organ: &str| {
        units
            .iter()
            .find(|u| u["organ"].as_str().unwrap().contains(organ))
            .unwrap_or_else(|| panic!("{organ}: {units:#?}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(units.len(), 4, "{units:#?}");
    assert_ne!(status("淮安市人民政府"), "无法读取");
    assert_ne!(status("平潭综合实验区"), "无法读取");
    assert_ne!(status("青禾市市场监督管理局"), "无法读取");
    assert_eq!(status("scan"), "无法读取");
    assert!(
        !units
            .iter()
            .any(|u| u["file"].as_str().unwrap().ends_with("qinghe.pdf"))
    );
    // The findings point into the published file: page and line of the PDF.
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with("huaian.pdf"))
            .all(|f| f["cell"].is_null() || f["cell"].as_str().unwrap().starts_with('第')),
        "{findings:#?}"
    );
}

/// 层级汇总一致性: the parent's tables against the sum of its children's, cell by cell.
#[test]
fn a_parent_report_is_checked_against_the_sum_of_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    let parent = dir.path().join("city");
    let base = std::fs::read_to_string(example("qinghe-2023.yaml")).unwrap();
    write(&units.join("a.yaml"), &base);
    write(
        &units.join("b.yaml"),
        &base.replace("organ: 青禾市市场监督管理局", "organ: 青禾市教育局"),
    );
    // The city's own report: the children's sum, but for one number.
    let summed = dir.path().join("sum.yaml");
    let o = run(&[
        "sum",
        units.to_str().unwrap(),
        "-o",
        summed.to_str().unwrap(),
        "--organ",
        "青禾市人民政府",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&summed).unwrap();
    let licensing = nianbao_files::read_file(&summed)
        .unwrap()
        .report
        .unwrap()
        .int("active_disclosure.licensing")
        .unwrap();
    write(
        &parent.join("city.yaml"),
        &text.replace(
            &format!("licensing: {licensing}"),
            &format!("licensing: {}", licensing + 5),
        ),
    );
    let o = run(&[
        "audit",
        parent.to_str().unwrap(),
        "--children",
        units.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "hierarchy-sum")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["path"], "active_disclosure.licensing");
    assert_eq!(found[0]["expected"], licensing.to_string());
    assert_eq!(found[0]["found"], (licensing + 5).to_string());
    assert!(
        found[0]["message"].as_str().unwrap().contains("行政许可"),
        "{}",
        found[0]
    );
    assert_eq!(json["units"][0]["status"], "有警告");
}

/// A long audit on a terminal shows a progress bar (on standard error); in a pipe none.
#[test]
fn an_audit_on_a_terminal_shows_its_progress() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("script (util-linux) not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    assert_eq!(code(&run(&["synth", "6", input.to_str().unwrap()])), 0);
    let command = format!(
        "{} audit {}",
        env!("CARGO_BIN_EXE_nianbao"),
        input.display()
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    let shown = stdout(&o);
    assert!(shown.contains("/6 份"), "{shown}");
    let piped = run(&["audit", input.to_str().unwrap()]);
    assert!(!stderr(&piped).contains("/6 份"), "{}", stderr(&piped));
}

/// The region sum adds the reports as checked: a unit that left （七）总计 to be
/// computed (as the web editor does) and a unit that left a row out are added with
/// their computed totals and zeros, never a blank total as 0; the result checks
/// clean, and a parent that also left its totals blank matches its children. A
/// report of the other edition is refused by name.
#[test]
fn a_sum_of_written_and_computed_totals_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    let base = std::fs::read_to_string(example("qinghe-2023.yaml")).unwrap();
    let total_line = base
        .lines()
        .find(|l| l.trim_start().starts_with("total:") && l.contains("2928"))
        .expect("the example writes （七）总计")
        .to_string();
    let confirmation = base
        .lines()
        .find(|l| l.trim_start().starts_with("confirmation:"))
        .unwrap()
        .to_string();
    write(&units.join("a.yaml"), &base);
    write(
        &units.join("b.yaml"),
        &base
            .replace("organ: 青禾市市场监督管理局", "organ: 青禾市教育局")
            .replace(&format!("{total_line}\n"), "")
            .replace(&format!("{confirmation}\n"), "")
            // The 确认 row's applications were never received: 一 is that much less.
            .replace(
                "new:               [2008, 411, 91, 109, 197, 127]",
                "new:               [1958, 403, 89, 107, 194, 124]",
            ),
    );
    let out = dir.path().join("region.yaml");
    let o = run(&[
        "sum",
        units.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--organ",
        "青禾市",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = run(&["check", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let summed = nianbao_files::read_file(&out).unwrap().report.unwrap();
    let row = |path: &str| match summed.values.get(path) {
        Some(nianbao_form::model::Values::Row { values, .. }) => values.clone(),
        other => panic!("{path}: {other:?}"),
    };
    // 自然人: 2006 written + 2006 − 50 (b's 确认 row left out) computed.
    assert_eq!(row("applications.total")[0], 2006 + 2006 - 50);
    assert_eq!(row("applications.new")[0], 2008 + 1958);
    assert_eq!(row("applications.not_processed.confirmation")[0], 50);
    // A parent that left its totals blank is compared as computed: no finding.
    let parent = dir.path().join("city");
    let text = std::fs::read_to_string(&out).unwrap();
    let blank_total: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("total:") || !l.starts_with("  total"))
        .collect::<Vec<_>>()
        .join("\n");
    write(&parent.join("city.yaml"), &blank_total);
    let o = run(&[
        "audit",
        parent.to_str().unwrap(),
        "--children",
        units.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hierarchy: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "hierarchy-sum")
        .collect();
    assert!(hierarchy.is_empty(), "{hierarchy:#?}");
    // The other edition is refused by name; nothing is written.
    write(
        &units.join("c.yaml"),
        &std::fs::read_to_string(example("xiayi-2020.yaml")).unwrap(),
    );
    let out2 = dir.path().join("region2.yaml");
    let o = run(&["sum", units.to_str().unwrap(), "-o", out2.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("c.yaml：2020 年度、2019 版"),
        "{}",
        stderr(&o)
    );
    assert!(!out2.exists());
}

/// A report of a body not on the roster (名单外) that has an error fails the audit:
/// exit 1, as for any unit with an error.
#[test]
fn an_off_roster_report_with_an_error_fails_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let now = dir.path().join("2023");
    let base = std::fs::read_to_string(example("qinghe-2023.yaml")).unwrap();
    write(&now.join("scjg.yaml"), &base);
    write(
        &now.join("other.yaml"),
        &base
            .replace("organ: 青禾市市场监督管理局", "organ: 青禾市外事办公室")
            .replace("licensing: 20517", "licensing: -3"),
    );
    let roster = dir.path().join("units.csv");
    write(&roster, "机关名称\n青禾市市场监督管理局\n");
    let o = run(&[
        "audit",
        now.to_str().unwrap(),
        "--roster",
        roster.to_str().unwrap(),
    ]);
    assert!(
        stdout(&o).contains("名单外　青禾市外事办公室"),
        "{}",
        stdout(&o)
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}
