//! The prose of a report from its paragraphs: title, preamble, the six sections by
//! their headings (一、总体情况 … 六、其他需要报告的事项, in any order, matched by
//! their words rather than their numbers), the （一） items with their run-in titles,
//! and the 落款.

use nianbao_form::model::{Block as ProseBlock, Date, Signature};

use crate::source::Para;

/// The sections of a report (国办公开办函〔2021〕30号 and 〔2019〕60号 have the same six).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// 一、总体情况
    Overview,
    /// 二、主动公开政府信息情况
    ActiveDisclosure,
    /// 三、收到和处理政府信息公开申请情况
    Applications,
    /// 四、政府信息公开行政复议、行政诉讼情况
    ReviewsAndLawsuits,
    /// 五、存在的主要问题及改进情况
    Problems,
    /// 六、其他需要报告的事项
    OtherMatters,
}

const NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

/// The section a heading line names, by its words (its number may be wrong: sections
/// in another order keep the words of their heading).
pub fn heading_section(text: &str) -> Option<Section> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_end_matches(['。', '：', ':']);
    let rest = NUMERALS
        .iter()
        .find_map(|n| t.strip_prefix(n))
        .and_then(|r| r.strip_prefix(['、', '.', '．', '，']))?;
    if rest.chars().count() > 30 || rest.contains('。') || rest.contains('，') {
        return None;
    }
    let has = |w: &str| rest.contains(w);
    // The row labels of table 三 start the same way: 一、本年新收… 四、结转下年度….
    if ["本年新收", "上年结转", "办理结果", "结转下年度"]
        .iter()
        .any(|w| has(w))
    {
        return None;
    }
    Some(if has("总体") || has("概述") || has("基本情况") {
        Section::Overview
    } else if has("主动公开") {
        Section::ActiveDisclosure
    } else if has("申请") {
        Section::Applications
    } else if has("复议") || has("诉讼") {
        Section::ReviewsAndLawsuits
    } else if has("问题") || has("改进") {
        Section::Problems
    } else if has("其他") {
        Section::OtherMatters
    } else {
        return None;
    })
}

/// Whether a line is the heading of one of the six sections.
pub fn is_heading_line(text: &str) -> bool {
    heading_section(text).is_some()
}

/// Whether a line is the heading of a table's section (二, 三, 四).
pub fn is_table_heading(text: &str) -> bool {
    matches!(
        heading_section(text),
        Some(Section::ActiveDisclosure | Section::Applications | Section::ReviewsAndLawsuits)
    )
}

/// The prose of a report as read.
#[derive(Debug, Default)]
pub struct Prose {
    /// The title, when the document carries it.
    pub title: Option<(String, Para)>,
    /// The paragraphs before 一.
    pub preamble: Vec<Para>,
    /// Section 一's blocks.
    pub overview: Vec<(ProseBlock, Para)>,
    /// Section 五's blocks.
    pub problems: Vec<(ProseBlock, Para)>,
    /// Section 六's blocks.
    pub other_matters: Vec<(ProseBlock, Para)>,
    /// The 落款.
    pub signature: Option<(Signature, Para)>,
    /// Paragraphs inside the table sections 二–四 (a sentence between a heading and
    /// its table, a footnote), which the data has no place for.
    pub dropped: Vec<Para>,
    /// The sections found, in the order of the document.
    pub order: Vec<Section>,
}

/// A date written 2025年1月20日 or 二〇二五年一月二十日.
pub fn parse_date(text: &str) -> Option<Date> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits: String = t
        .chars()
        .map(|c| match c {
            '〇' | '○' | 'О' | '零' => '0',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\S{4})年(\S{1,3})月(\S{1,3})日$").expect("date pattern")
    });
    let caps = DATE.captures(&digits)?;
    let year = chinese_or_digits(&caps[1])?;
    let month = chinese_or_digits(&caps[2])?;
    let day = chinese_or_digits(&caps[3])?;
    Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
}

/// 2025, 12, 二〇二五 (digit by digit), 十二, 二十, 三十一.
fn chinese_or_digits(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let digit = |c: char| {
        "0一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    if !s.contains('十') {
        return chars
            .iter()
            .try_fold(0, |acc, &c| Some(acc * 10 + digit(c)?));
    }
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// （一）… （二十）: the item number and the rest.
fn item_start(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(['（', '('])?;
    let close = rest.find(['）', ')'])?;
    let number = &rest[..close];
    if number.is_empty()
        || number.chars().count() > 3
        || !number.chars().all(|c| "一二三四五六七八九十".contains(c))
    {
        return None;
    }
    Some(rest[close..].trim_start_matches(['）', ')']))
}

/// 1. 2、 3． …: a numbered sub-item's number and the rest.
fn sub_item_start(text: &str) -> Option<(usize, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let number = text[..digits].parse().ok()?;
    Some((number, text[digits..].strip_prefix(['.', '．', '、'])?))
}

/// Splits the run-in title from an item's paragraph: （一）主动公开情况。2024年… →
/// (主动公开情况, 2024年…). A title alone on its line has no text.
fn split_item(rest: &str) -> (String, String) {
    let limit = 40;
    for (i, (b, c)) in rest.char_indices().enumerate() {
        if i > limit {
            break;
        }
        if matches!(c, '。' | '：' | '！' | '？' | '；' | ':') {
            let title = rest[..b].to_string();
            let text = rest[b + c.len_utf8()..].to_string();
            return (title, text);
        }
    }
    if rest.chars().count() <= limit {
        (rest.to_string(), String::new())
    } else {
        (String::new(), rest.to_string())
    }
}

/// Groups a section's paragraphs into blocks: plain paragraphs in a row make one
/// text block (joined by a blank line), a （一） paragraph starts an item whose text
/// runs on until the next item, and 1. 2. paragraphs after an item are its sub-items.
fn section_blocks(paras: &[Para]) -> Vec<(ProseBlock, Para)> {
    let mut out: Vec<(ProseBlock, Para)> = Vec::new();
    for p in paras {
        if let Some(rest) = item_start(&p.text) {
            let (title, text) = split_item(rest);
            out.push((
                ProseBlock::Item {
                    title,
                    text,
                    items: Vec::new(),
                },
                p.clone(),
            ));
            continue;
        }
        match out.last_mut() {
            Some((ProseBlock::Item { text, items, .. }, _)) => {
                if let Some((number, rest)) = sub_item_start(&p.text)
                    && number == items.len() + 1
                {
                    items.push(rest.to_string());
                } else if let Some(last) = items.last_mut() {
                    last.push_str("\n\n");
                    last.push_str(&p.text);
                } else if text.is_empty() {
                    text.push_str(&p.text);
                } else {
                    text.push_str("\n\n");
                    text.push_str(&p.text);
                }
            }
            Some((ProseBlock::Text(t), _)) => {
                t.push_str("\n\n");
                t.push_str(&p.text);
            }
            None => out.push((ProseBlock::Text(p.text.clone()), p.clone())),
        }
    }
    out
}

/// Whether a paragraph can be (part of) the title: short, no sentence in it.
fn title_like(text: &str) -> bool {
    text.chars().count() <= 60 && !text.contains('。') && !text.contains('，')
}

/// Reads the prose from the paragraphs of a document, in order.
pub fn prose(paras: &[Para]) -> Prose {
    let mut out = Prose::default();
    let mut current: Option<Section> = None;
    let mut by_section: Vec<(Section, Vec<Para>)> = Vec::new();
    let mut before: Vec<Para> = Vec::new();
    for p in paras {
        if let Some(s) = heading_section(&p.text) {
            current = Some(s);
            out.order.push(s);
            by_section.push((s, Vec::new()));
            continue;
        }
        match current {
            None => before.push(p.clone()),
            Some(_) => {
                if let Some((_, list)) = by_section.last_mut() {
                    list.push(p.clone());
                }
            }
        }
    }
    // The title: the leading short paragraphs up to the one that says 报告.
    if let Some(end) = before
        .iter()
        .take(4)
        .position(|p| p.text.contains("报告") && title_like(&p.text))
        && before[..=end].iter().all(|p| title_like(&p.text))
    {
        let text: String = before[..=end].iter().map(|p| p.text.as_str()).collect();
        out.title = Some((text, before[0].clone()));
        before.drain(..=end);
    }
    out.preamble = before;
    // The 落款: a short line and a date, last in the prose (tables placed as an
    // appendix may follow it).
    if let Some((_, last)) = by_section.iter_mut().rev().find(|(section, _)| {
        !matches!(
            section,
            Section::ActiveDisclosure | Section::Applications | Section::ReviewsAndLawsuits
        )
    }) && last.len() >= 2
        && let Some(date) = parse_date(&last[last.len() - 1].text)
    {
        let organ = &last[last.len() - 2];
        if title_like(&organ.text) && organ.text.chars().count() <= 40 {
            out.signature = Some((
                Signature {
                    organ: Some(organ.text.clone()),
                    date,
                },
                organ.clone(),
            ));
            last.truncate(last.len() - 2);
        }
    }
    for (section, paras) in by_section {
        match section {
            Section::Overview => out.overview.extend(section_blocks(&paras)),
            Section::Problems => out.problems.extend(section_blocks(&paras)),
            Section::OtherMatters => out.other_matters.extend(section_blocks(&paras)),
            _ => out.dropped.extend(paras),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_known_by_their_words() {
        assert_eq!(heading_section("一、总体情况"), Some(Section::Overview));
        assert_eq!(
            heading_section("四、政府信息公开行政复议、行政诉讼情况"),
            Some(Section::ReviewsAndLawsuits)
        );
        assert_eq!(
            heading_section("五、政府信息公开工作存在的主要问题及改进情况"),
            Some(Section::Problems)
        );
        assert_eq!(
            heading_section("三、其他需要报告的事项"),
            Some(Section::OtherMatters)
        );
        assert_eq!(heading_section("一、强化队伍建设，提升能力。"), None);
        assert_eq!(heading_section("（一）主动公开情况"), None);
        assert_eq!(heading_section("一、本年新收政府信息公开申请数量"), None);
        assert_eq!(heading_section("四、结转下年度继续办理"), None);
    }

    #[test]
    fn dates_in_digits_and_in_chinese() {
        let d = parse_date("2025年1月20日").unwrap();
        assert_eq!((d.year, d.month, d.day), (2025, 1, 20));
        let d = parse_date("二〇二五年一月二十一日").unwrap();
        assert_eq!((d.year, d.month, d.day), (2025, 1, 21));
        assert!(parse_date("2025年2月30日").is_none());
    }

    #[test]
    fn numbered_sub_items_follow_their_item() {
        let para = |text: &str| Para {
            text: text.into(),
            place: Default::default(),
            order: 0,
        };
        let blocks = section_blocks(&[
            para("（一）标题。正文"),
            para("1、第一项"),
            para("2．第二项"),
            para("4.不是第三项"),
        ]);
        let ProseBlock::Item { items, text, .. } = &blocks[0].0 else {
            panic!("an item")
        };
        assert_eq!(
            items,
            &["第一项".to_string(), "第二项\n\n4.不是第三项".to_string()]
        );
        assert_eq!(text, "正文");
    }

    #[test]
    fn items_split_their_run_in_title() {
        assert_eq!(
            split_item("主动公开情况。2024年，市政府"),
            ("主动公开情况".to_string(), "2024年，市政府".to_string())
        );
        assert_eq!(
            split_item("主动公开方面"),
            ("主动公开方面".into(), String::new())
        );
    }
}
