//! The data contract's JSON Schema: the committed file is the one made from the
//! table descriptions, and every example, as written and as published with its
//! totals, follows it; data that breaks the contract does not.

use std::path::{Path, PathBuf};

use nianbao_files::{parse::Format, read as load, write};
use nianbao_form::check::check_report;
use nianbao_form::schema;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema::json_schema()).expect("a valid schema")
}

#[test]
fn the_committed_schema_is_the_one_the_tables_make() {
    let path = root().join("docs/schema/nianbao-report.schema.json");
    let made = schema::json_schema_text();
    if std::env::var_os("NIANBAO_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &made).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == made,
        "docs/schema/nianbao-report.schema.json is out of date: run NIANBAO_WRITE_SCHEMA=1 cargo test -p nianbao-files --test schema"
    );
}

#[test]
fn every_example_follows_the_schema_as_written_and_as_published() {
    let v = validator();
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let value: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
        let report = load::read_file(&path).unwrap().report.unwrap();
        let c = check_report(report);
        let published: serde_json::Value =
            serde_json::from_str(&write::published_json(&c.report, &c.totals)).unwrap();
        let errors: Vec<String> = v.iter_errors(&published).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{} published: {errors:?}",
            path.display()
        );
        // The published data reads back as the same report, with its totals written.
        let back = load::read_str(&write::published_json(&c.report, &c.totals), Format::Json);
        assert!(back.diags.is_empty(), "{:?}", back.diags);
        checked += 1;
    }
    assert!(checked >= 9);
}

#[test]
fn data_that_breaks_the_contract_does_not_follow_it() {
    let v = validator();
    let text = std::fs::read_to_string(root().join("examples/qinghe-2023.json")).unwrap();
    let good: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut cases = Vec::new();
    let mut unknown = good.clone();
    unknown["overveiw"] = serde_json::json!("x");
    cases.push(("unknown key", unknown));
    let mut negative = good.clone();
    negative["applications"]["new"][0] = serde_json::json!(-1);
    cases.push(("negative count", negative));
    let mut other_edition = good.clone();
    other_edition["active_disclosure"]["licensing"] = serde_json::json!({"decisions": 1});
    cases.push(("a 2019 shape in a 2021 report", other_edition));
    let mut short = good.clone();
    short["reviews_and_lawsuits"]["review"] = serde_json::json!([1, 2]);
    cases.push(("a short row", short));
    let mut item_without_title = good.clone();
    item_without_title["overview"] = serde_json::json!([{"text": "x", "items": ["a"]}]);
    cases.push(("an item with items but no title", item_without_title));
    for (what, value) in cases {
        assert!(!v.is_valid(&value), "{what} passed");
    }
    assert!(v.is_valid(&good));
    let mut numeric = good.clone();
    numeric["edition"] = serde_json::json!(2021);
    assert!(
        v.is_valid(&numeric),
        "edition as a number, as the reader takes it"
    );
}
