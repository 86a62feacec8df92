//! The prose checks: numbers in the text against the tables, stale years, required
//! content, the deadline and text copied from last year.

use std::path::{Path, PathBuf};

use nianbao_files::parse::Format;
use nianbao_files::read;
use nianbao_form::check::{self, Options};
use nianbao_form::diag::{Diagnostic, Rule, Severity};
use nianbao_form::prose;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn text_of(name: &str) -> String {
    std::fs::read_to_string(example(name)).unwrap()
}

fn diags(text: &str) -> Vec<Diagnostic> {
    check::diagnostics(read::read_str(text, Format::Yaml), None)
}

fn of(diags: &[Diagnostic], rule: Rule) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

/// qinghe-2023 with its 依申请公开 paragraph replaced by `sentence`.
fn with_sentence(sentence: &str) -> String {
    let text = text_of("qinghe-2023.yaml");
    let start = text.find("    text: 本年度新收政府信息公开申请").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    format!("{}    text: {sentence}{}", &text[..start], &text[end..])
}

#[test]
fn the_examples_raise_no_prose_warning() {
    for name in ["qinghe-2022.yaml", "qinghe-2023.yaml", "xiayi-2020.yaml"] {
        let d = diags(&text_of(name));
        let prose: Vec<&Diagnostic> = d
            .iter()
            .filter(|x| {
                matches!(
                    x.rule,
                    Rule::TextTable | Rule::StaleYear | Rule::RequiredContent | Rule::Late
                )
            })
            .collect();
        assert!(prose.is_empty(), "{name}: {prose:?}");
    }
    // Against its previous year, strictly: nothing copied, last year's problems addressed.
    let prev = read::read_file(&example("qinghe-2022.yaml"))
        .unwrap()
        .report
        .unwrap();
    let d = check::diagnostics(
        read::read_file(&example("qinghe-2023.yaml")).unwrap(),
        Some(&prev),
    );
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn numbers_in_the_prose_that_contradict_the_tables_are_named_with_the_cell() {
    // Table 四 of the example: 行政复议 47, 行政诉讼 16 + 10 = 26; 予以公开 + 部分公开
    // = 561 + ... (from the example's table 三).
    let d = diags(&with_sentence(
        "全年新收政府信息公开申请2943件。因政府信息公开被申请行政复议134件、被提起行政诉讼57件。予以公开及部分公开258件。本年度未制发行政规范性文件。",
    ));
    let found: Vec<(String, String, String)> = of(&d, Rule::TextTable)
        .iter()
        .map(|x| {
            (
                x.place.clone().unwrap_or_default(),
                x.expected.clone().unwrap_or_default(),
                x.found.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        found.contains(&("表四 行政复议（总计）".into(), "47".into(), "134".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("表四 行政诉讼（总计）".into(), "26".into(), "57".into())),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.0 == "予以公开与部分公开之和" && f.2 == "258"),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "表二 行政规范性文件 本年制发件数".into(),
            "9".into(),
            "0".into()
        )),
        "{found:?}"
    );
    // 2943 agrees with the table: no warning for it.
    assert!(!found.iter().any(|f| f.2 == "2943"), "{found:?}");
    assert_eq!(found.len(), 4, "{found:?}");
    let review = of(&d, Rule::TextTable)
        .into_iter()
        .find(|x| x.found.as_deref() == Some("134"))
        .unwrap();
    assert_eq!(review.severity, Severity::Warning);
    assert_eq!(review.path, "overview[2].text");
    assert!(review.line.is_some());
    assert!(
        review.message.contains("行政复议134件"),
        "{}",
        review.message
    );
    assert!(
        review
            .hint
            .as_deref()
            .unwrap()
            .contains("{{reviews_and_lawsuits.review.total}}"),
        "{:?}",
        review.hint
    );
}

#[test]
fn numbers_that_belong_to_a_part_or_another_year_are_left_alone() {
    let d = diags(&with_sentence(
        "其中市本级收到申请120件，同比增长12件；较上年新收申请增加300件；平均每月受理申请40件；区政府办代表区政府受理政府信息公开申请17件。",
    ));
    assert!(
        of(&d, Rule::TextTable).is_empty(),
        "{:?}",
        of(&d, Rule::TextTable)
    );
}

#[test]
fn years_of_another_report_are_stale() {
    let d = diags(&with_sentence(
        "2021年，我局新收申请若干。本年度（2022年）工作平稳。依据国办公开办函〔2021〕30号编制。",
    ));
    let stale: Vec<&str> = of(&d, Rule::StaleYear)
        .iter()
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(
        stale[0].contains("2021") && stale[1].contains("2022"),
        "{stale:?}"
    );
}

#[test]
fn required_content_of_edition_2021() {
    let text = text_of("qinghe-2023.yaml")
        .replace("本年度依据《政府信息公开信息处理费管理办法》收取信息处理费0元。", "本年度无其他事项。")
        .replace(
            "  - title: 监督保障\n    text: 开展政府信息公开业务培训2次，委托第三方对专栏开展季度检查，发现问题即时整改；全年未发生因政府信息公开工作被责任追究的情况。\n",
            "",
        );
    assert!(!text.contains("title: 监督保障"));
    let d = diags(&text);
    let msgs: Vec<&str> = of(&d, Rule::RequiredContent)
        .iter()
        .map(|x| x.message.as_str())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("信息处理费")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("监督保障")), "{msgs:?}");
    // The improvement of last year's problems is required from the second year on.
    let prev = read::read_file(&example("qinghe-2022.yaml"))
        .unwrap()
        .report
        .unwrap();
    let unaddressed = text_of("qinghe-2023.yaml").replace(
        "针对上年度报告所列政策解读形式单一、依申请公开答复不够规范等问题，我局2023年制作图解、短视频解读材料23件，统一依申请公开答复文书模板，上述问题已基本整改。对照新要求，",
        "",
    );
    assert!(!unaddressed.contains("上年度报告所列"));
    let d = check::diagnostics(read::read_str(&unaddressed, Format::Yaml), Some(&prev));
    assert!(
        of(&d, Rule::RequiredContent)
            .iter()
            .any(|x| x.message.contains("改进情况")),
        "{d:?}"
    );
    assert!(of(&diags(&unaddressed), Rule::RequiredContent).is_empty());
}

#[test]
fn publication_after_the_deadline_is_late() {
    let base = text_of("qinghe-2023.yaml");
    let with = |published: &str, kind: &str| {
        base.replace(
            "  published: 2024-01-20",
            &format!("  published: {published}\n  kind: {kind}"),
        )
    };
    let late = of(&diags(&with("2024-02-05", "department")), Rule::Late).len();
    assert_eq!(late, 1);
    assert!(of(&diags(&with("2024-02-05", "government")), Rule::Late).is_empty());
    assert_eq!(
        of(&diags(&with("2024-04-01", "government")), Rule::Late).len(),
        1
    );
    assert!(of(&diags(&with("2024-01-31", "department")), Rule::Late).is_empty());
    let d = diags(&with("2024-01-20", "ministry"));
    assert_eq!(of(&d, Rule::Type).len(), 1, "{d:?}");
}

#[test]
fn text_copied_from_last_year_is_measured_per_section_with_a_threshold() {
    let prev = read::read_file(&example("qinghe-2022.yaml"))
        .unwrap()
        .report
        .unwrap();
    let copied = read::read_file(&example("qinghe-2022.yaml")).unwrap();
    let d = check::diagnostics(copied, Some(&prev));
    let repeated: Vec<&Diagnostic> = of(&d, Rule::RepeatedText);
    assert_eq!(repeated.len(), 3, "{repeated:?}");
    assert!(repeated[0].message.contains("100%"));
    // The 2023 example against 2022: under the default threshold, over a low one.
    let d = check::check_with(
        read::read_file(&example("qinghe-2023.yaml")).unwrap(),
        Some(&prev),
        &Options {
            repeat_threshold: 0.1,
        },
    )
    .unwrap()
    .diagnostics;
    assert!(!of(&d, Rule::RepeatedText).is_empty(), "{d:?}");
}

/// Precision and recall on real reports: with NIANBAO_PROSE_DIR set, every statement
/// found is printed (sentence, quantity, written, table) for reading by hand.
#[test]
fn statements_of_real_reports_for_measurement() {
    let Some(dir) = std::env::var_os("NIANBAO_PROSE_DIR") else {
        return;
    };
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(decoded) = read::read_file(&path) else {
            continue;
        };
        let Some(report) = decoded.report else {
            continue;
        };
        for s in prose::statements(&report) {
            println!(
                "{}\t{}\t{}\t{}",
                path.display(),
                s.quantity,
                s.written,
                s.sentence
            );
        }
    }
}

#[test]
fn ordinary_sentences_raise_no_false_finding() {
    let sentences = [
        "本年度共收到申请2943件，较2022年增长12%。",
        "2020年以来，我局持续推进公开。自2019年起实行清单管理。到2025年，公开事项全面规范。“十四五”（2021—2025年）期间持续推进。",
        "上年度新收申请2500件。",
        "2022年，我局共收到政府信息公开申请2500件。",
        "全年未收到申请人投诉。",
        "未发生因政府信息公开引发的行政复议被纠错情况。",
        "未制定规章制度。",
        "行政复议和行政诉讼共计73件。",
        "我局作为复议机关，办理行政复议案件120件。",
        "不予以公开15件。",
        "通过网上受理申请1200件。",
    ];
    for s in sentences {
        let d = diags(&with_sentence(s));
        let found: Vec<&Diagnostic> = d
            .iter()
            .filter(|x| matches!(x.rule, Rule::TextTable | Rule::StaleYear))
            .collect();
        assert!(found.is_empty(), "{s}: {found:?}");
    }
    // A wrong sum is still one, tied to the sum (复议 47 + 诉讼 26), not to 诉讼 alone.
    for s in [
        "行政复议和行政诉讼共计15件。",
        "因政府信息公开被申请行政复议、提起行政诉讼共15件。",
    ] {
        let d = diags(&with_sentence(s));
        let found = of(&d, Rule::TextTable);
        assert_eq!(found.len(), 1, "{s}: {d:?}");
        assert_eq!(found[0].expected.as_deref(), Some("73"), "{s}");
    }
}

#[test]
fn a_township_government_has_the_departments_deadline() {
    let base = text_of("qinghe-2023.yaml")
        .replace("organ: 青禾市市场监督管理局", "organ: 青禾县城关镇人民政府");
    let text = base.replace(
        "  published: 2024-01-20",
        "  published: 2024-02-05\n  kind: government",
    );
    assert_eq!(of(&diags(&text), Rule::Late).len(), 1);
}
