//! The data contract as a JSON Schema (2020-12), made from the same table
//! descriptions the loaders read by ([`crate::tables`]), so that it cannot drift:
//! `docs/schema/nianbao-report.schema.json` is this schema, written out (a test
//! compares them), and every example validates against it. It describes the JSON
//! form of a report file (`convert --to json`, `render --to json`).

use serde_json::{Map, Value, json};

use crate::model::Edition;
use crate::tables::{self, Kind, Shape};

/// The schema's version, in its `$id`: raised when the contract changes.
pub const VERSION: &str = "1.0.0";

/// The schema's `$id`.
pub fn id() -> String {
    format!("https://nianbao.invalid/schema/{VERSION}/nianbao-report.schema.json")
}

fn number(kind: Kind) -> Value {
    match kind {
        Kind::Count | Kind::Total => json!({"type": "integer", "minimum": 0}),
        Kind::Signed => json!({"type": "integer"}),
        Kind::Money => json!({
            "description": "金额，按写法保留（十进制，非负）",
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
                {"type": "number", "minimum": 0}
            ]
        }),
    }
}

fn shape(s: &Shape) -> Value {
    match s {
        Shape::Scalar(kind) => number(*kind),
        Shape::Row { len, kind, total } => {
            let max = if *total { len + 1 } else { *len };
            json!({
                "type": "array",
                "items": number(*kind),
                "minItems": len,
                "maxItems": max,
                "description": if *total { "各列数值，可再加总计（与各数之和核对）" } else { "各列数值" }
            })
        }
    }
}

/// Puts `value` at the dotted `path` below `root` (an object schema), making the
/// intermediate objects.
fn insert(root: &mut Map<String, Value>, path: &[&str], value: Value, required: bool) {
    let props = root
        .entry("properties")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("properties is an object");
    if path.len() == 1 {
        props.insert(path[0].to_string(), value);
        if required {
            require(root, path[0]);
        }
        return;
    }
    let child = props
        .entry(path[0].to_string())
        .or_insert_with(|| json!({"type": "object", "additionalProperties": false}))
        .as_object_mut()
        .expect("an object schema");
    insert(child, &path[1..], value, required);
    if required {
        require(root, path[0]);
    }
}

/// Adds `key` to an object schema's `required`, once.
fn require(root: &mut Map<String, Value>, key: &str) {
    let req = root
        .entry("required")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("required is an array");
    if !req.iter().any(|r| r == key) {
        req.push(json!(key));
    }
}

/// The tables of one edition, as the properties they add.
fn edition_tables(edition: Edition) -> Value {
    let mut root = Map::new();
    for t in tables::tables(edition) {
        for f in t.fields() {
            let parts: Vec<&str> = f.path.split('.').collect();
            // Table 三's rows may be left out (zeros); the other tables' are required.
            insert(&mut root, &parts, shape(&f.shape), !t.rows_optional);
        }
        for key in &t.text_keys {
            let parts: Vec<&str> = key.split('.').collect();
            insert(&mut root, &parts, json!({"type": "string"}), false);
        }
        if t.rows_optional {
            // Table 三 itself is required.
            require(&mut root, t.key);
        }
    }
    Value::Object(root)
}

/// The JSON Schema of a report file.
pub fn json_schema() -> Value {
    let text = json!({"type": "string"});
    let blocks = json!({
        "description": "段落列表：文本，或带编号的分项 {title, text, items}",
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": false,
                 "properties": {"title": {"type": "string"}, "text": {"type": "string"},
                                "items": {"type": "array", "items": {"type": "string"}}},
                 "description": "带编号的分项要有 title；只有 text 的是普通段落",
                 "anyOf": [{"required": ["title"]},
                           {"required": ["text"], "not": {"required": ["items"]}}]}
            ]}}
        ]
    });
    let date = json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"});
    let properties = json!({
        "$schema": {"type": "string", "description": "本模式的地址（读取时忽略）"},
        "edition": {"enum": ["2019", "2021", 2019, 2021], "description": "表格格式：国办公开办函〔2019〕60号 或 〔2021〕30号（文本或数字）"},
        "year": {"type": "integer", "minimum": 2019, "maximum": 2099},
        "organ": {"type": "string", "minLength": 1},
        "title": text,
        "preamble": text,
        "overview": blocks,
        "problems": blocks,
        "other_matters": blocks,
        "signature": {"type": "object", "additionalProperties": false, "required": ["date"],
                      "properties": {"organ": {"type": "string"}, "date": date}},
        "meta": {"type": "object", "additionalProperties": false,
                 "properties": {"doc_number": {"type": "string"}, "index_number": {"type": "string"},
                                "keywords": {"type": "array", "items": {"type": "string"}},
                                "published": date,
                                "kind": {"enum": ["government", "department"]},
                                "site_name": {"type": "string"},
                                "site_domain": {"type": "string"},
                                "site_id_code": {"type": "string"}}},
        "active_disclosure": {"type": "object"},
        "applications": {"type": "object"},
        "reviews_and_lawsuits": {"type": "object"}
    });
    let by_edition: Vec<Value> = Edition::ALL
        .into_iter()
        .map(|e| {
            json!({
                "if": {"properties": {"edition": {"enum": [e.as_str(), e.as_str().parse::<i64>().unwrap_or(0)]}}},
                "then": edition_tables(e)
            })
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": id(),
        "title": "政府信息公开工作年度报告（nianbao 数据文件）",
        "description": "The data of one 政府信息公开工作年度报告: edition, year, organ, prose and the three official tables (国办公开办函〔2019〕60号 / 〔2021〕30号). Made from nianbao's table descriptions; docs/data-format.md describes each key.",
        "type": "object",
        "additionalProperties": false,
        "required": ["edition", "year", "organ", "overview", "problems", "active_disclosure", "applications", "reviews_and_lawsuits"],
        "properties": properties,
        "allOf": by_edition
    })
}

/// The schema as the committed file holds it (pretty, with a final line break).
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("a schema serializes");
    s.push('\n');
    s
}
