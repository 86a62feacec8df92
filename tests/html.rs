//! The portal edition: the HTML page and the CMS fragment, read back with a real
//! HTML5 parser (html5ever, through scraper).

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;
use nianbao_files::read_file;
use nianbao_form::check::check_report;
use nianbao_render::document::{self, CellKind, DocBlock};
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>()
}

fn render_html(input: &Path) -> (tempfile::TempDir, Html, Html) {
    let (dir, page) = render_to(input, "html", &["--to", "html,html-fragment"]);
    let fragment = page.with_extension("fragment.html");
    let page = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    let fragment = Html::parse_fragment(&std::fs::read_to_string(&fragment).unwrap());
    (dir, page, fragment)
}

#[test]
fn the_page_has_headings_captions_and_metadata() {
    let (_dir, page, _) = render_html(&example("qinghe-2023.yaml"));
    let html = page.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("zh-CN"));
    let title = text(page.select(&sel("title")).next().unwrap());
    assert_eq!(title, "青禾市市场监督管理局2023年政府信息公开工作年度报告");
    let meta = |name: &str| {
        page.select(&sel(&format!("meta[name=\"{name}\"]")))
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_string))
    };
    assert_eq!(meta("ColumnName").as_deref(), Some("政府信息公开年报"));
    assert_eq!(meta("ArticleTitle").as_deref(), Some(title.as_str()));
    assert_eq!(meta("PubDate").as_deref(), Some("2024-01-20"));
    assert_eq!(
        meta("ContentSource").as_deref(),
        Some("青禾市市场监督管理局")
    );
    // No script, no external request.
    assert_eq!(
        page.select(&sel("script, link[rel=stylesheet], img"))
            .count(),
        0
    );
    let h1: Vec<String> = page.select(&sel("h1")).map(text).collect();
    assert_eq!(h1, ["青禾市市场监督管理局2023年政府信息公开工作年度报告"]);
    let h2: Vec<String> = page.select(&sel("h2")).map(text).collect();
    assert_eq!(
        h2,
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项"
        ]
    );
    let h3: Vec<String> = page.select(&sel("h3")).map(text).collect();
    assert_eq!(h3[0], "（一）主动公开");
    let captions: Vec<String> = page.select(&sel("table > caption")).map(text).collect();
    assert_eq!(
        captions,
        [
            "主动公开政府信息情况",
            "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况"
        ]
    );
    // The 落款.
    assert!(text(page.select(&sel("p.signature")).next().unwrap()).contains("2024年1月18日"));
}

#[test]
fn every_number_cell_names_its_headers_and_every_number_is_there_once() {
    let (_dir, page, _) = render_html(&example("qinghe-2023.yaml"));
    let report = read_file(&example("qinghe-2023.yaml"))
        .unwrap()
        .report
        .unwrap();
    let doc = document::build(&check_report(report)).unwrap();
    let grids: Vec<_> = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            DocBlock::Table(g) => Some(g),
            _ => None,
        })
        .collect();
    let tables: Vec<ElementRef> = page.select(&sel("table")).collect();
    assert_eq!(tables.len(), grids.len());
    for (t, g) in tables.iter().zip(&grids) {
        let ths: HashMap<String, String> = t
            .select(&sel("th"))
            .map(|th| (th.value().attr("id").unwrap().to_string(), text(th)))
            .collect();
        // Header rows in <thead> as column headers, labels as row headers.
        for th in t.select(&sel("thead th")) {
            assert!(
                matches!(th.value().attr("scope"), Some("col" | "colgroup")),
                "{}",
                th.html()
            );
        }
        for th in t.select(&sel("tbody th")) {
            assert!(
                matches!(
                    th.value().attr("scope"),
                    Some("col" | "colgroup" | "row" | "rowgroup")
                ),
                "{}",
                th.html()
            );
        }
        let cells: Vec<ElementRef> = t.select(&sel("td")).collect();
        let numbers: Vec<String> = g
            .rows
            .iter()
            .flatten()
            .filter(|c| c.kind == CellKind::Number)
            .map(|c| c.text())
            .collect();
        let printed: Vec<String> = cells.iter().map(|c| text(*c)).collect();
        assert_eq!(
            printed, numbers,
            "every number of table {} once, in order",
            g.number
        );
        for td in &cells {
            let headers = td.value().attr("headers").unwrap();
            assert!(!headers.is_empty());
            for id in headers.split(' ') {
                assert!(ths.contains_key(id), "{id} in {}", td.html());
            }
        }
    }
    // Table 三's three levels, read as a screen reader reads them.
    let three = tables[1];
    let ths: HashMap<String, String> = three
        .select(&sel("th"))
        .map(|th| (th.value().attr("id").unwrap().to_string(), text(th)))
        .collect();
    let read: Vec<String> = three
        .select(&sel("td"))
        .map(|td| {
            td.value()
                .attr("headers")
                .unwrap()
                .split(' ')
                .map(|id| ths[id].clone())
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect();
    assert!(
        read.iter().any(|r| r.contains("商业企业")
            && r.contains("（三）不予公开")
            && r.contains("3.危及“三安全一稳定”")),
        "{read:?}"
    );
}

#[test]
fn the_fragment_carries_its_styles_inline_and_the_same_merged_cells() {
    let (_dir, page, fragment) = render_html(&example("qinghe-2023.yaml"));
    assert_eq!(fragment.select(&sel("style, script, [class]")).count(), 0);
    assert!(
        fragment
            .select(&sel("table[style], td[style], h2[style]"))
            .count()
            > 10
    );
    let spans = |doc: &Html| -> Vec<(String, String)> {
        doc.select(&sel("th, td"))
            .map(|c| {
                (
                    c.value().attr("rowspan").unwrap_or("1").to_string(),
                    c.value().attr("colspan").unwrap_or("1").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(spans(&page), spans(&fragment));
}

#[test]
fn user_text_is_escaped_never_markup() {
    let text = edit(
        "qinghe-2023.yaml",
        "完成门户网站",
        "<script>alert(1)</script><img src=x onerror=alert(2)>&amp;完成门户网站",
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.yaml");
    std::fs::write(&input, text).unwrap();
    let (_out, page, fragment) = render_html(&input);
    for doc in [&page, &fragment] {
        assert_eq!(doc.select(&sel("script, img")).count(), 0);
        let all: String = doc.root_element().text().collect();
        assert!(all.contains("<script>alert(1)</script><img src=x onerror=alert(2)>&amp;完成"));
    }
}

#[test]
fn two_renders_are_byte_identical() {
    let (a, pa) = render_to(&example("xiayi-2020.yaml"), "html", &["--to", "html"]);
    let (b, pb) = render_to(&example("xiayi-2020.yaml"), "html", &["--to", "html"]);
    assert_eq!(std::fs::read(pa).unwrap(), std::fs::read(pb).unwrap());
    drop((a, b));
}

#[test]
fn the_json_edition_has_every_total_and_the_page_links_to_it() {
    let (dir, page) = render_to(&example("qinghe-2023.yaml"), "html", &["--to", "html,json"]);
    let json_path = dir.path().join("qinghe-2023.json");
    let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    let link = doc
        .select(&sel("link[rel=alternate][type=\"application/json\"]"))
        .next()
        .expect("a link to the data");
    assert_eq!(link.value().attr("href"), Some("qinghe-2023.json"));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert!(
        value["$schema"]
            .as_str()
            .unwrap()
            .ends_with("nianbao-report.schema.json")
    );
    // Rows with their 总计: 6 applicant columns and the total.
    assert_eq!(value["applications"]["new"].as_array().unwrap().len(), 7);
    assert_eq!(value["applications"]["new"][6], 2943);
    assert_eq!(value["applications"]["total"][6], 2928);
    assert_eq!(value["reviews_and_lawsuits"]["review"][4], 47);
    // It is a report file: check reads it and finds it consistent.
    let o = run(&["check", json_path.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn an_output_that_would_replace_its_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("qinghe-2023.json");
    std::fs::copy(example("qinghe-2023.json"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let o = run(&["render", input.to_str().unwrap(), "--to", "json,pdf"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("会覆盖已有的数据文件"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&input).unwrap(), before);
    assert!(!dir.path().join("qinghe-2023.pdf").exists());
    // A YAML report beside that hand-written JSON: refused too.
    let yaml = dir.path().join("qinghe-2023.yaml");
    std::fs::copy(example("qinghe-2023.yaml"), &yaml).unwrap();
    let o = run(&["render", yaml.to_str().unwrap(), "--to", "json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // Our own published JSON is replaced by the next render.
    std::fs::remove_file(&input).unwrap();
    for _ in 0..2 {
        let o = run(&["render", yaml.to_str().unwrap(), "--to", "json"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
}

#[test]
fn the_portal_meta_tags_come_from_the_data() {
    let text = std::fs::read_to_string(example("qinghe-2023.yaml")).unwrap().replace(
        "  published: 2024-01-20",
        "  published: 2024-01-20\n  site_name: 青禾市人民政府\n  site_domain: www.qinghe.gov.cn\n  site_id_code: \"3300000001\"",
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.yaml");
    std::fs::write(&input, text).unwrap();
    let (_out, page, _) = render_html(&input);
    let meta = |name: &str| {
        page.select(&sel(&format!("meta[name=\"{name}\"]")))
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_string))
    };
    assert_eq!(meta("SiteName").as_deref(), Some("青禾市人民政府"));
    assert_eq!(meta("SiteDomain").as_deref(), Some("www.qinghe.gov.cn"));
    assert_eq!(meta("SiteIDCode").as_deref(), Some("3300000001"));
    // Without them, no empty tags.
    let (_d, plain, _) = render_html(&example("qinghe-2023.yaml"));
    assert_eq!(plain.select(&sel("meta[name=SiteName]")).count(), 0);
}
