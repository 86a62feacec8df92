//! `nianbao init`: a complete starting file that passes `check`, never overwriting by accident.

mod common;

use common::*;
use nianbao_form::model::Edition;
use nianbao_form::tables::{Content, RowRole, tables};

#[test]
fn init_writes_a_file_that_passes_check_for_both_editions_and_all_formats() {
    let dir = tempfile::tempdir().unwrap();
    for (edition, year) in [("2019", "2020"), ("2021", "2024")] {
        for ext in ["yaml", "json", "toml"] {
            let path = dir.path().join(format!("r{edition}.{ext}"));
            let o = run(&[
                "init",
                "--edition",
                edition,
                "--year",
                year,
                "--organ",
                "某某县人民政府办公室",
                "-o",
                path.to_str().unwrap(),
            ]);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("某某县人民政府办公室"));
            let c = run(&["check", path.to_str().unwrap()]);
            assert_eq!(code(&c), 0, "{edition} {ext}: {}", stdout(&c));
        }
    }
}

/// Every label that names a row of the official tables, for an edition.
fn row_labels(edition: Edition) -> Vec<&'static str> {
    tables(edition)
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .filter_map(|c| match c.content {
            Content::Label {
                text,
                names: Some(_),
                ..
            } => Some(text),
            _ => None,
        })
        .collect()
}

#[test]
fn every_row_is_named_in_a_comment_exactly_as_on_the_form() {
    let dir = tempfile::tempdir().unwrap();
    for (edition, year, e) in [
        ("2019", "2020", Edition::Y2019),
        ("2021", "2021", Edition::Y2021),
    ] {
        for ext in ["yaml", "toml"] {
            let path = dir.path().join(format!("c{edition}.{ext}"));
            let o = run(&[
                "init",
                "--edition",
                edition,
                "--year",
                year,
                "--organ",
                "某局",
                "-o",
                path.to_str().unwrap(),
            ]);
            assert_eq!(code(&o), 0);
            let text = std::fs::read_to_string(&path).unwrap();
            let comments: String = text
                .lines()
                .filter_map(|l| l.split_once('#').map(|(_, c)| c))
                .collect::<Vec<_>>()
                .join("\n");
            for label in row_labels(e) {
                if label == "（七）总计" {
                    continue; // computed: not in the starting file
                }
                assert!(
                    comments.contains(label),
                    "{edition} {ext}: no comment {label}"
                );
            }
            // The section captions of table 二 too.
            for t in tables(e) {
                for r in t.rows.iter().filter(|r| r.role == RowRole::Section) {
                    if let Content::Label { text: caption, .. } = r.cells[0].content {
                        assert!(comments.contains(caption), "{caption}");
                    }
                }
            }
        }
    }
    // The edition's own keys and none of the other's.
    let y19 = std::fs::read_to_string(dir.path().join("c2019.yaml")).unwrap();
    let y21 = std::fs::read_to_string(dir.path().join("c2021.yaml")).unwrap();
    assert!(y19.contains("procurement:") && !y19.contains("unpaid_fees"));
    assert!(y21.contains("unpaid_fees:") && !y21.contains("procurement:"));
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.yaml");
    std::fs::write(&path, "我的数据\n").unwrap();
    let args = [
        "init",
        "--edition",
        "2021",
        "--year",
        "2023",
        "--organ",
        "某局",
        "-o",
        path.to_str().unwrap(),
    ];
    let o = run(&args);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("已存在"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "我的数据\n");

    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(code(&run(&forced)), 0);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("edition: \"2021\"")
    );
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("report.yaml")]);
}

#[test]
fn init_defaults_to_a_yaml_file_named_after_the_year() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "init",
            "--edition",
            "2021",
            "--year",
            "2025",
            "--organ",
            "某局",
        ],
    );
    assert_eq!(code(&o), 0);
    assert!(dir.path().join("report-2025.yaml").exists());
}

#[test]
fn init_refuses_an_edition_that_does_not_fit_the_year() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "init",
            "--edition",
            "2019",
            "--year",
            "2023",
            "--organ",
            "某局",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--edition 2021"), "{}", stderr(&o));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    let o = run_in(
        dir.path(),
        &[
            "init",
            "--edition",
            "2020",
            "--year",
            "2020",
            "--organ",
            "某局",
        ],
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn placeholders_left_in_a_starting_file_are_warnings_until_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.yaml");
    let o = run(&[
        "init",
        "--edition",
        "2021",
        "--year",
        "2025",
        "--organ",
        "某县某局",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    let c = check_text("r.yaml", &text, &[]);
    assert_eq!(c.code, 0, "warnings only");
    let found = c.rule("placeholder");
    let paths: Vec<&str> = found.iter().filter_map(|d| d["path"].as_str()).collect();
    for path in ["preamble", "overview[0]", "problems[0]", "other_matters[0]"] {
        assert!(paths.contains(&path), "{path} not reported: {paths:?}");
    }
    assert!(found[0]["message"].as_str().unwrap().contains("（请"));
    // Each text replaced: no placeholder left, none reported.
    let filled = text
        .replace("（请填写。）", "已按要求完成。")
        .replace("（请补充。）", "")
        .replace("（请补充：本报告电子版的下载地址；如对本报告有疑问的联系方式。）", "")
        .replace("（请概述2025年政府信息公开工作总体情况。）", "本年度工作平稳有序。")
        .replace("（请说明存在的主要问题及改进情况。）", "主要问题是更新不够及时。")
        .replace(
            "（请填写：依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，如“本年度未收取信息处理费。”；以及其他需要报告的事项。）",
            "本年度未收取信息处理费。",
        );
    let c = check_text("r.yaml", &filled, &[]);
    assert!(
        c.rule("placeholder").is_empty(),
        "{:#?}",
        c.rule("placeholder")
    );
}
