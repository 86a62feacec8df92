//! The prose checks the 年报 assessments score: numbers in the text against the
//! tables (`text-table`), years that belong to another report (`stale-year`), text
//! copied from last year (`repeated-text`), required content (`required-content`) and
//! the publication deadline (`late`). All are warnings (errors under `--strict`).
//!
//! The numbers the prose states about a table quantity are found by the phrase table
//! [`STATEMENTS`], one row per quantity, next to the names of the cells it states:
//! data, not regular expressions scattered through code. A statement is only taken
//! when its number stands right after the quantity's words (新收政府信息公开申请 2943
//! 件) in a clause that does not narrow it (其中, 市级, 同比 …): a number that cannot be
//! tied to one quantity is left alone.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value as Json;

use crate::decode::Positions;
use crate::diag::{Diagnostic, Rule};
use crate::expr;
use crate::model::{Block, Edition, Report};
use crate::rules::Computed;

/// A kind of statement the prose makes about a table quantity.
pub struct Statement {
    /// What the sentence states, as the form names it.
    pub quantity: &'static str,
    /// The words before the number: a regular expression whose match must end right
    /// before the number (some filler is allowed inside it).
    pub words: &'static str,
    /// The units the number may carry.
    pub units: &'static str,
    /// The expression names (`{{…}}`) whose values add up to the quantity.
    pub names: &'static [&'static str],
    /// The edition the names belong to, or both.
    pub edition: Option<Edition>,
    /// Words one of which the sentence must hold (行政复议 counts only when the
    /// sentence is about disclosure: 政府信息公开, 被申请 …); empty: none needed.
    pub context: &'static [&'static str],
}

/// What a sentence about 行政复议 or 行政诉讼 of the disclosure holds (an organ's own
/// 复议 and 诉讼 work is another matter).
const REVIEW_CONTEXT: &[&str] = &[
    "政府信息公开",
    "信息公开",
    "依申请",
    "被申请",
    "被提起",
    "引发",
];

/// The statements checked, most specific first (a clause is tied to the first that
/// matches at a place). Sources: the rows of tables 二、三、四 (国办公开办函〔2021〕30号,
/// 〔2019〕60号) and the phrases real reports use for them.
pub const STATEMENTS: &[Statement] = &[
    Statement {
        quantity: "予以公开与部分公开之和",
        words: r"予以公开(?:及|和|与|、)部分公开(?:的)?(?:共|合计)?",
        units: "件",
        names: &[
            "applications.granted.total",
            "applications.partially_granted.total",
        ],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "行政复议与行政诉讼之和",
        words: r"(?:行政)?复议(?:和|及|与|、)(?:提起)?(?:行政)?诉讼(?:案件)?(?:共计|共|合计)",
        units: "件|起",
        names: &[
            "reviews_and_lawsuits.review.total",
            "reviews_and_lawsuits.lawsuits.total",
        ],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 一、本年新收政府信息公开申请数量（总计）",
        words: r"(?:新收|收到|受理|共收到|共受理)(?:各类|各类型)?(?:政府信息公开|信息公开|依申请公开)?申请(?:案件)?(?:共计|共|总计|合计)?",
        units: "件|份|条",
        names: &["applications.new.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 二、上年结转政府信息公开申请数量（总计）",
        words: r"上年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?",
        units: "件",
        names: &["applications.carried_over.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （七）总计（办结）",
        words: r"(?:已|共|全部)?办结(?:政府信息公开申请|申请)?(?:共计|共|总计|合计)?",
        units: "件",
        names: &["applications.total.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （一）予以公开",
        words: r"予以公开",
        units: "件",
        names: &["applications.granted.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （二）部分公开",
        words: r"部分公开",
        units: "件",
        names: &["applications.partially_granted.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （三）不予公开",
        words: r"不予公开",
        units: "件",
        names: &["applications.refused.subtotal.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （四）无法提供",
        words: r"无法提供",
        units: "件",
        names: &["applications.unavailable.subtotal.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （五）不予处理",
        words: r"不予处理",
        units: "件",
        names: &["applications.not_processed.subtotal.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 （六）其他处理",
        words: r"(?:作)?其他处理(?:（[^）]{0,20}）)?",
        units: "件",
        names: &["applications.other.subtotal.total"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表三 一、本年新收 自然人",
        words: r"自然人(?:提出)?(?:的)?(?:政府信息公开)?申请",
        units: "件",
        names: &["applications.new.natural_person"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 一、本年新收 法人或其他组织",
        words: r"法人(?:或|和|及)其他组织(?:提出)?(?:的)?(?:政府信息公开)?申请",
        units: "件",
        names: &[
            "applications.new.commercial",
            "applications.new.research",
            "applications.new.public_interest",
            "applications.new.legal_service",
            "applications.new.other_org",
        ],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表三 四、结转下年度继续办理",
        words: r"(?:结转|转|顺延)(?:至|到)?下(?:一)?年度(?:继续)?(?:办理|答复)?",
        units: "件",
        names: &["applications.carried_forward.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表四 行政复议（总计）",
        words: r"(?:被申请|提起|发生|收到)?行政复议(?:案件)?(?:共|共计)?",
        units: "件|起",
        names: &["reviews_and_lawsuits.review.total"],
        context: REVIEW_CONTEXT,
        edition: None,
    },
    Statement {
        quantity: "表四 行政诉讼（总计）",
        words: r"(?:被提起|提起|发生|收到)?行政诉讼(?:案件)?(?:共|共计)?",
        units: "件|起",
        names: &["reviews_and_lawsuits.lawsuits.total"],
        context: REVIEW_CONTEXT,
        edition: None,
    },
    Statement {
        quantity: "表二 规章 本年制发件数",
        words: r"(?:制发|制定|出台|发布)(?:政府)?规章",
        units: "件|部",
        names: &["active_disclosure.regulations.issued"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 行政规范性文件 本年制发件数",
        words: r"(?:制发|制定|出台|印发)(?:行政)?规范性文件",
        units: "件|个|份",
        names: &["active_disclosure.normative_documents.issued"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 行政规范性文件 本年废止件数",
        words: r"废止(?:行政)?规范性文件",
        units: "件|个|份",
        names: &["active_disclosure.normative_documents.repealed"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 行政规范性文件 现行有效件数",
        words: r"现行有效(?:的)?(?:行政)?规范性文件",
        units: "件|个|份",
        names: &["active_disclosure.normative_documents.in_force"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 行政许可 本年处理决定数量",
        words: r"(?:作出|公开|办理)?行政许可(?:决定)?",
        units: "件|项",
        names: &["active_disclosure.licensing"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 行政处罚 本年处理决定数量",
        words: r"(?:作出|公开|办理)?行政处罚(?:决定)?",
        units: "件|项",
        names: &["active_disclosure.penalties"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 行政强制 本年处理决定数量",
        words: r"(?:作出|公开|办理)?行政强制(?:决定)?",
        units: "件|项",
        names: &["active_disclosure.enforcement"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
];

/// Words that narrow a clause to part of a quantity, or compare it with another
/// year: a number in such a clause is not the table's.
const NARROWING: &[&str] = &[
    "其中",
    "市级",
    "区级",
    "县级",
    "镇级",
    "乡级",
    "本级",
    "各级",
    "部门",
    "乡镇",
    "街道",
    "同比",
    "较上年",
    "比上年",
    "上一年",
    "去年",
    "增长",
    "下降",
    "增加",
    "减少",
    "累计",
    "以来",
    "平均",
    "涉及",
    "占",
    "代表",
    "上年度",
    "通过",
];

/// Statements that a quantity is none (未制发规范性文件): the table must say 0.
pub const NONE_STATEMENTS: &[Statement] = &[
    Statement {
        quantity: "表二 行政规范性文件 本年制发件数",
        words: r"(?:未|没有|无)(?:制发|制定|出台|印发)(?:任何)?(?:行政)?规范性文件",
        units: "",
        names: &["active_disclosure.normative_documents.issued"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表二 规章 本年制发件数",
        words: r"(?:未|没有|无)(?:制发|制定|出台)(?:任何)?(?:政府)?规章",
        units: "",
        names: &["active_disclosure.regulations.issued"],
        context: &[],
        edition: Some(Edition::Y2021),
    },
    Statement {
        quantity: "表三 一、本年新收政府信息公开申请数量（总计）",
        words: r"(?:未|没有)(?:收到|受理)(?:任何)?(?:政府信息公开|依申请公开)?申请",
        units: "",
        names: &["applications.new.total"],
        context: &[],
        edition: None,
    },
    Statement {
        quantity: "表四 行政复议（总计）",
        words: r"(?:未|没有)(?:发生|被申请|收到)(?:因政府信息公开(?:申请)?(?:引发的)?)?行政复议",
        units: "",
        names: &["reviews_and_lawsuits.review.total"],
        context: REVIEW_CONTEXT,
        edition: None,
    },
];

struct Compiled {
    statement: &'static Statement,
    regex: Regex,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    let numbered = STATEMENTS.iter().map(|s| Compiled {
        statement: s,
        regex: Regex::new(&format!(
            r"(?:{})(?:为|达|达到|是)?\s*([0-9０-９]+)\s*(?:{})",
            s.words, s.units
        ))
        .expect("the statement patterns are valid"),
    });
    let none = NONE_STATEMENTS.iter().map(|s| Compiled {
        statement: s,
        regex: Regex::new(&format!("(?:{})()", s.words)).expect("the statement patterns are valid"),
    });
    numbered.chain(none).collect()
});

/// A clause: the text between two marks of , 。 ； ： ！ ？ or line breaks.
fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split(['，', '。', '；', '！', '？', '\n', ';', '：'])
        .filter(|c| !c.trim().is_empty())
}

/// The sentence around byte `at` of `text`, for a message.
fn sentence_at(text: &str, at: usize) -> &str {
    let start = text[..at]
        .rfind(['。', '；', '！', '？', '\n'])
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    // The sentence runs to its closing mark, included (a line break is not kept).
    let end = text[at..]
        .find(['。', '；', '！', '？', '\n'])
        .map_or(text.len(), |i| {
            let mark = text[at + i..].chars().next().map_or(0, char::len_utf8);
            at + i
                + if text[at + i..].starts_with('\n') {
                    0
                } else {
                    mark
                }
        });
    text[start..end].trim()
}

#[cfg(test)]
mod tests {
    use super::sentence_at;

    #[test]
    fn a_sentence_ends_at_its_mark_whatever_its_width() {
        let text = "第一句。新收申请12件\n下一行";
        let at = text.find("新收").unwrap();
        assert_eq!(sentence_at(text, at), "新收申请12件");
        let text = "甲乙。新收申请12件。丙";
        assert_eq!(
            sentence_at(text, text.find("新收").unwrap()),
            "新收申请12件。"
        );
    }
}

fn parse_digits(s: &str) -> Option<i128> {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    ascii.parse().ok()
}

/// A number the prose states about a table quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    /// The text's key path.
    pub path: String,
    /// Which statement.
    pub quantity: &'static str,
    /// The expression names it states.
    pub names: &'static [&'static str],
    /// The number written.
    pub written: i128,
    /// The sentence it stands in.
    pub sentence: String,
}

/// Every number the report's prose states about a table quantity.
pub fn statements(report: &Report) -> Vec<Stated> {
    let mut out = Vec::new();
    for (path, text) in expr::texts(report) {
        if path == "title" {
            continue;
        }
        let mut offset = 0;
        for clause in clauses(text) {
            let at = text[offset..].find(clause).map_or(offset, |i| offset + i);
            offset = at + clause.len();
            let mut taken: Vec<(usize, usize)> = Vec::new();
            for c in COMPILED.iter() {
                if c.statement.edition.is_some_and(|e| e != report.edition) {
                    continue;
                }
                for m in c.regex.captures_iter(clause) {
                    let whole = m.get(0).expect("match");
                    if taken
                        .iter()
                        .any(|&(s, e)| whole.start() < e && s < whole.end())
                    {
                        continue;
                    }
                    let before = &clause[..whole.start()];
                    let after = &clause[whole.end()..];
                    let none = m[1].is_empty();
                    let sentence = sentence_at(text, at + whole.start());
                    let sentence_before =
                        &sentence[..sentence.find(whole.as_str()).unwrap_or(sentence.len())];
                    if NARROWING.iter().any(|w| before.contains(w))
                        // 不予以公开, 未予公开: a negation before the words.
                        || before.ends_with(['不', '未'])
                        // Another year named before it in the sentence: not this year's.
                        || YEAR.captures_iter(sentence_before).any(|y| {
                            y[1].parse::<i64>().ok() != Some(report.year)
                        })
                        // A statement of none must end its clause (未收到申请人投诉 is not one).
                        || (none && !after.trim().is_empty())
                        // 行政复议、提起行政诉讼共15件: a total of both, not of 诉讼 (复议
                        // with no number of its own before 诉讼).
                        || (c.statement.names == ["reviews_and_lawsuits.lawsuits.total"]
                            && before
                                .rsplit(|ch: char| ch.is_ascii_digit() || ('０'..='９').contains(&ch))
                                .next()
                                .is_some_and(|rest| rest.contains("复议")))
                        || !c.statement.context.is_empty()
                            && !c.statement.context.iter().any(|w| sentence.contains(w))
                    {
                        continue;
                    }
                    // A statement of none has an empty number.
                    let written = if none {
                        0
                    } else {
                        match parse_digits(&m[1]) {
                            Some(n) => n,
                            None => continue,
                        }
                    };
                    taken.push((whole.start(), whole.end()));
                    out.push(Stated {
                        path: path.clone(),
                        quantity: c.statement.quantity,
                        names: c.statement.names,
                        written,
                        sentence: sentence.to_string(),
                    });
                }
            }
        }
    }
    out
}

fn number(ctx: &Json, name: &str) -> Option<i128> {
    let mut here = ctx;
    for seg in name.split('.') {
        here = here.get(seg)?;
    }
    here.as_i64().map(i128::from)
}

/// Rule 1 (`text-table`): each number the prose states about a table quantity that
/// differs from the table, with the sentence, the cell in the form's words, and the
/// `{{…}}` expression that would make the sentence follow the table.
pub fn text_against_tables(
    report: &Report,
    computed: &Computed,
    positions: &Positions,
) -> Vec<Diagnostic> {
    let ctx = expr::context(report, computed);
    let mut out = Vec::new();
    for s in statements(report) {
        let values: Option<Vec<i128>> = s.names.iter().map(|n| number(&ctx, n)).collect();
        let Some(values) = values else { continue };
        let table: i128 = values.iter().sum();
        if table == s.written {
            continue;
        }
        let expression = s
            .names
            .iter()
            .map(|n| format!("{{{{{n}}}}}"))
            .collect::<Vec<_>>()
            .join(" 与 ");
        out.push(
            Diagnostic::warning(
                Rule::TextTable,
                &s.path,
                format!("正文写 {}，而表格为 {table}：“{}”", s.written, s.sentence),
            )
            .at(positions.nearest(&s.path))
            .cell(s.quantity.to_string(), table, s.written)
            .hint(format!(
                "改正数字，或写成 {expression}，让正文随表格自动填写"
            )),
        );
    }
    out
}

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})年").expect("the year pattern is valid"));

/// Rule 2 (`stale-year`): a year in the prose that is neither the report's year nor
/// the years around it (the sign of a copied report), and a 本年度/今年 sentence
/// that names another year than the report's.
pub fn stale_years(report: &Report, positions: &Positions) -> Vec<Diagnostic> {
    let y = report.year;
    let mut out = Vec::new();
    for (path, text) in expr::texts(report) {
        let mut seen = HashSet::new();
        for m in YEAR.captures_iter(text) {
            let Ok(year) = m[1].parse::<i64>() else {
                continue;
            };
            let whole = m.get(0).expect("match");
            let at = whole.start();
            let sentence = sentence_at(text, at);
            // A year compared with, counted from or to, or planned for is not a
            // statement about this year: 较2022年, 2020年以来, 自2019年起, 到2025年.
            let before: String = text[..at]
                .chars()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let after = &text[whole.end()..];
            if [
                "较", "比", "与", "自", "从", "到", "至", "截至", "—", "-", "～", "~",
            ]
            .iter()
            .any(|w| before.ends_with(w))
                || [
                    "以来", "起", "至", "到", "—", "-", "～", "~", "前", "底前", "远景",
                ]
                .iter()
                .any(|w| after.starts_with(w))
                || year > y + 1
            {
                continue;
            }
            let this_year = ["本年度", "今年", "本年"]
                .iter()
                .any(|w| sentence.contains(w));
            let stale = if this_year {
                year != y && year != y + 1
            } else {
                year < y - 1 || year > y + 1
            };
            // Laws and notices name their own years: 〔2019〕, 2019年修订.
            let cites =
                sentence.contains('〔') || sentence.contains("修订") || sentence.contains("施行");
            if !stale || cites || !seen.insert(year) {
                continue;
            }
            let why = if this_year {
                format!("“本年度”说的是 {y} 年")
            } else {
                format!("报告年度是 {y} 年")
            };
            out.push(
                Diagnostic::warning(
                    Rule::StaleYear,
                    &path,
                    format!("正文提到 {year} 年，{why}：“{sentence}”"),
                )
                .at(positions.nearest(&path))
                .hint("常见于沿用往年报告：请核对年份"),
            );
        }
    }
    out
}

/// The placeholders a starting report carries (`write::starting_report`, used by
/// `init`, `sum` and the web app's new reports): （请填写。）, （请补充…）, （请概述…）,
/// （请说明…）.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"（请(?:填写|补充|概述|说明)[^）]*）").expect("a valid regex"));

/// `placeholder`: a placeholder of a starting report left in the prose would be
/// published as it is. One warning per text.
pub fn placeholders(report: &Report, positions: &Positions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (path, text) in expr::texts(report) {
        if let Some(m) = PLACEHOLDER.find(text) {
            out.push(
                Diagnostic::warning(
                    Rule::Placeholder,
                    &path,
                    format!("正文中还有待填写的占位文字：“{}”", m.as_str()),
                )
                .at(positions.nearest(&path))
                .hint("请换成本单位的实际情况，或删去这段占位文字"),
            );
        }
    }
    out
}

/// The topics that 一、总体情况 covers in edition 2021 (国办公开办函〔2021〕30号, 附件
/// 格式 一), each with the words that show it.
pub const OVERVIEW_TOPICS: &[(&str, &[&str])] = &[
    ("主动公开", &["主动公开"]),
    ("依申请公开", &["依申请公开", "依申请"]),
    ("政府信息管理", &["政府信息管理", "信息管理"]),
    (
        "政府信息公开平台建设",
        &["平台建设", "公开平台", "网站", "政务新媒体"],
    ),
    (
        "监督保障",
        &["监督保障", "考核", "培训", "责任追究", "社会评议", "督查"],
    ),
];

fn blocks_text(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        match b {
            Block::Text(t) => s.push_str(t),
            Block::Item { title, text, items } => {
                s.push_str(title);
                s.push_str(text);
                for i in items {
                    s.push_str(i);
                }
            }
        }
        s.push('\n');
    }
    s
}

/// Rule 4 (`required-content`), edition 2021: 一、总体情况 covers its five topics; 五
/// is not empty and, from the second year on (`second_year`: last year's report was
/// given), says how last year's problems were addressed; 六 states the 信息处理费
/// collected (国办函〔2020〕109号), even when none.
pub fn required_content(
    report: &Report,
    second_year: bool,
    positions: &Positions,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if report.edition != Edition::Y2021 {
        return out;
    }
    let overview = blocks_text(&report.overview);
    for (topic, words) in OVERVIEW_TOPICS {
        if !words.iter().any(|w| overview.contains(w)) {
            out.push(
                Diagnostic::warning(
                    Rule::RequiredContent,
                    "overview",
                    format!("“一、总体情况”没有写到“{topic}”"),
                )
                .at(positions.nearest("overview"))
                .hint("按国办公开办函〔2021〕30号，总体情况应写主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面"),
            );
        }
    }
    let problems = blocks_text(&report.problems);
    if problems.trim().is_empty() {
        out.push(
            Diagnostic::warning(
                Rule::RequiredContent,
                "problems",
                "“五、存在的主要问题及改进情况”是空的",
            )
            .at(positions.nearest("problems")),
        );
    } else if second_year
        && !["上年", "上一年", "去年", "整改", "改进情况", "已改进"]
            .iter()
            .any(|w| problems.contains(w))
    {
        out.push(
            Diagnostic::warning(
                Rule::RequiredContent,
                "problems",
                "“五、存在的主要问题及改进情况”没有说上年度问题的改进情况",
            )
            .at(positions.nearest("problems"))
            .hint("写明上一年度报告所列问题的整改落实情况"),
        );
    }
    let other = report
        .other_matters
        .as_deref()
        .map(blocks_text)
        .unwrap_or_default();
    if !["信息处理费", "未收取任何费用", "未收取费用", "收取费用"]
        .iter()
        .any(|w| other.contains(w))
    {
        out.push(
            Diagnostic::warning(
                Rule::RequiredContent,
                "other_matters",
                "“六、其他需要报告的事项”没有写信息处理费的收取情况",
            )
            .at(positions.nearest("other_matters"))
            .hint("按国办函〔2020〕109号写明本年度收取信息处理费的情况，未收取也应写明（如“本年度未收取信息处理费”）"),
        );
    }
    out
}

static EXPRESSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{[^}]*\}\}").expect("the expression pattern is valid"));

/// Character n-grams of `text` (Han and other letters and digits only; the `{{…}}`
/// expressions are names, not prose, and are left out).
fn grams(text: &str, n: usize) -> HashSet<String> {
    let text = EXPRESSION.replace_all(text, "");
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(n).map(|w| w.iter().collect()).collect()
}

/// The length of the n-grams compared, in characters: long enough that the common
/// phrases of the field (政府信息公开, 依申请公开) do not by themselves make a text
/// “copied”.
pub const REPEAT_GRAM: usize = 8;

/// Rule 3 (`repeated-text`, with last year's report): per section, the share of its
/// text (as 8-character sequences) found in the same section of last year's; a
/// warning above `threshold` (0.5: a threshold some assessments use).
pub fn repeated_text(
    report: &Report,
    previous: &Report,
    threshold: f64,
    positions: &Positions,
) -> Vec<Diagnostic> {
    let sections = [
        (
            "overview",
            "一、总体情况",
            Some(&report.overview),
            Some(&previous.overview),
        ),
        (
            "problems",
            "五、存在的主要问题及改进情况",
            Some(&report.problems),
            Some(&previous.problems),
        ),
        (
            "other_matters",
            "六、其他需要报告的事项",
            report.other_matters.as_ref(),
            previous.other_matters.as_ref(),
        ),
    ];
    let mut out = Vec::new();
    for (key, name, now, before) in sections {
        let (Some(now), Some(before)) = (now, before) else {
            continue;
        };
        let now = grams(&blocks_text(now), REPEAT_GRAM);
        if now.len() < 20 {
            continue;
        }
        let before = grams(&blocks_text(before), REPEAT_GRAM);
        let share = now.intersection(&before).count() as f64 / now.len() as f64;
        if share > threshold {
            out.push(
                Diagnostic::warning(
                    Rule::RepeatedText,
                    key,
                    format!("“{name}”有 {:.0}% 的文字与上一年度报告相同", share * 100.0),
                )
                .at(positions.nearest(key))
                .hint(format!(
                    "按本年度的实际工作重写（阈值 {:.0}%）",
                    threshold * 100.0
                )),
            );
        }
    }
    out
}

/// Rule 5 (`late`): with `meta.published` and `meta.kind`, a publication after the
/// deadline (31 January of the next year, people's governments 31 March:
/// 《中华人民共和国政府信息公开条例》第五十条).
pub fn late(report: &Report, positions: &Positions) -> Vec<Diagnostic> {
    let Some(meta) = &report.meta else {
        return Vec::new();
    };
    let (Some(published), Some(kind)) = (meta.published, meta.kind) else {
        return Vec::new();
    };
    let deadline = kind.of(&report.organ).deadline(report.year);
    if published <= deadline {
        return Vec::new();
    }
    let who = match kind {
        crate::model::OrganKind::Government => "人民政府",
        crate::model::OrganKind::Department => "部门",
    };
    vec![
        Diagnostic::warning(
            Rule::Late,
            "meta.published",
            format!(
                "发布日期 {} 晚于{who}年报的公布时限 {}",
                published.chinese(),
                deadline.chinese()
            ),
        )
        .at(positions.nearest("meta.published"))
        .cell("公布时限".into(), deadline, published)
        .hint("《中华人民共和国政府信息公开条例》第五十条：每年 1 月 31 日前公布上一年度年报，县级以上人民政府 3 月 31 日前"),
    ]
}
