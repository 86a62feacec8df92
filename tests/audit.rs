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
    let summed = nianbao_form::load::read_file(&out).unwrap().report.unwrap();
    let one = nianbao_form::load::read_file(&example("qinghe-2023.yaml"))
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
