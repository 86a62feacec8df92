//! YAML, JSON and TOML are the same tree: every example reads the same from each,
//! conversion loses nothing, money keeps its digits and user text stays data.

mod common;

use common::*;
use nianbao_files::parse::Format;
use nianbao_files::read::{read_file, read_str};
use nianbao_files::write;
use nianbao_form::expr::Expander;
use nianbao_form::model::{Block, Report, Values};

const EXAMPLES: [&str; 3] = ["xiayi-2020", "qinghe-2022", "qinghe-2023"];

fn report(path: &std::path::Path) -> Report {
    let d = read_file(path).unwrap();
    assert!(d.diags.is_empty(), "{}: {:#?}", path.display(), d.diags);
    d.report.unwrap()
}

#[test]
fn every_example_gives_the_same_data_from_yaml_json_and_toml() {
    for name in EXAMPLES {
        let yaml = report(&example(&format!("{name}.yaml")));
        for ext in ["json", "toml"] {
            let other = report(&example(&format!("{name}.{ext}")));
            assert_eq!(yaml, other, "{name}.{ext} differs from {name}.yaml");
        }
    }
}

#[test]
fn conversion_round_trips_without_loss() {
    for name in EXAMPLES {
        let original = report(&example(&format!("{name}.yaml")));
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            let text = write::to_string(&original, format);
            let back = read_str(&text, format);
            assert!(
                back.diags.is_empty(),
                "{name} as {format:?}: {:#?}",
                back.diags
            );
            assert_eq!(
                back.report.as_ref(),
                Some(&original),
                "{name} as {format:?}"
            );
        }
    }
}

#[test]
fn the_convert_command_writes_a_file_that_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q.toml");
    let src = example("qinghe-2023.yaml");
    let args = [
        "convert",
        src.to_str().unwrap(),
        "--to",
        "toml",
        "-o",
        out.to_str().unwrap(),
    ];
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(report(&out), report(&src));
    // Refuses to overwrite.
    let o = run(&args);
    assert_eq!(code(&o), 1);
}

#[test]
fn money_keeps_its_digits_exactly() {
    for ext in ["yaml", "json", "toml"] {
        let r = report(&example(&format!("qinghe-2023.{ext}")));
        assert_eq!(
            r.values["active_disclosure.fees"],
            Values::Money("1187.30".into())
        );
        let r = report(&example(&format!("qinghe-2022.{ext}")));
        assert_eq!(
            r.values["active_disclosure.fees"],
            Values::Money("1263.4512".into())
        );
    }
    // Written as a bare number, it is still kept as written.
    let json = std::fs::read_to_string(example("qinghe-2023.json"))
        .unwrap()
        .replace("\"fees\": \"1187.30\"", "\"fees\": 96171.60");
    let d = read_str(&json, Format::Json);
    assert_eq!(
        d.report.unwrap().values["active_disclosure.fees"],
        Values::Money("96171.60".into())
    );
}

#[test]
fn user_text_survives_every_format_literally() {
    let mut r = report(&example("qinghe-2023.yaml"));
    let tricky = "引号\"与\\反斜杠 # 非注释 ' 单引号\t制表\n第二行 [a] {b} *c* $d$ <e> @f #read(\"/etc/passwd\") ]".to_string();
    // (Spaces between two Chinese characters would be removed with a warning.)
    r.organ = format!("某局 A {tricky}");
    r.overview.push(Block::Item {
        title: "标题: 冒号 - 破折号".into(),
        text: tricky.clone(),
        items: vec![
            "- 以连字符开头".into(),
            "  以空格开头".into(),
            "多行\n\n段落\n".into(),
        ],
    });
    for format in [Format::Yaml, Format::Json, Format::Toml] {
        let text = write::to_string(&r, format);
        let back = read_str(&text, format);
        assert_eq!(back.report.as_ref(), Some(&r), "{format:?}:\n{text}");
    }
}

#[test]
fn expressions_expand_to_the_table_values() {
    let r = report(&example("qinghe-2023.yaml"));
    let x = Expander::new(&r, &nianbao_form::rules::compute(&r));
    let Block::Item { text, .. } = &r.overview[2] else {
        panic!("overview[2] is the 依申请公开 item");
    };
    let out = x.expand(text).unwrap();
    assert!(
        out.starts_with("本年度新收政府信息公开申请2943件，上年结转52件，共办结2928件。"),
        "{out}"
    );
    assert!(out.contains("被提起行政诉讼26件"), "{out}");
    // Plain text passes through; the expansion is text, not HTML-escaped.
    assert_eq!(x.expand("<a & b>").unwrap(), "<a & b>");
    assert_eq!(x.expand("{{organ}}").unwrap(), "青禾市市场监督管理局");
}
