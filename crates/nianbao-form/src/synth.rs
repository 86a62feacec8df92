//! Synthetic reports for benchmarks: deterministic, both editions, realistic
//! numbers that keep every rule, and prose about as long as real reports (the
//! seed prints on about six pages).

use std::collections::BTreeMap;

use crate::model::{Block, Date, Edition, Report, Signature, Values};
use crate::tables::{self, APPLICANT_COLUMNS, Kind, RESULT_COLUMNS, Shape, rows};

/// A small deterministic generator (64-bit LCG; quality is not the point).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const BODIES: [&str; 8] = [
    "市发展和改革委员会",
    "市教育局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市交通运输局",
    "市卫生健康委员会",
    "市市场监督管理局",
];
const CITIES: [&str; 6] = ["青禾", "云川", "临澄", "北辰", "南屏", "东皋"];

const SENTENCES: [&str; 12] = [
    "坚持以公开为常态、不公开为例外，持续深化政府信息公开工作，以公开促落实、促规范、促服务。",
    "严格落实政府信息公开审查制度，对拟公开信息逐件进行保密审查和合法性审查，确保公开内容准确规范。",
    "动态更新政府信息公开目录和主动公开基本目录，做到应公开尽公开，方便公众查询和获取。",
    "优化门户网站政府信息公开专栏，完善检索和依申请公开在线办理功能，提升平台服务能力。",
    "用好政务新媒体，及时发布政策解读和办事指南，回应社会关切，增强公开实效。",
    "完善依申请公开登记、审核、答复全流程管理，统一答复文书格式，依法依规按时答复。",
    "将政府信息公开工作纳入年度绩效考核，开展社会评议，推动各项工作任务落到实处。",
    "组织开展政府信息公开业务培训，提高工作人员的业务能力和依法公开意识。",
    "围绕重点领域信息公开要求，细化公开事项清单，及时公开财政预决算、重大建设项目等信息。",
    "加强政策解读，综合运用图解、短视频、在线访谈等形式，提高解读的针对性和可读性。",
    "规范政府信息管理，建立健全信息发布协调机制，确保发布信息前后一致、准确权威。",
    "推进行政规范性文件清理，及时公开清理结果，维护政策的统一性和权威性。",
];

fn text(r: &mut Lcg, sentences: usize) -> String {
    (0..sentences)
        .map(|_| SENTENCES[r.below(SENTENCES.len() as u64) as usize])
        .collect()
}

/// The `i`-th synthetic report: edition 2021 for even `i`, 2019 for odd.
pub fn report(i: u64) -> Report {
    let mut r = Lcg(i.wrapping_mul(0x9E3779B97F4A7C15) ^ 0xD1B54A32D192ED03);
    let edition = if i.is_multiple_of(2) {
        Edition::Y2021
    } else {
        Edition::Y2019
    };
    let year = match edition {
        Edition::Y2021 => 2021 + (i / 2 % 4) as i64,
        Edition::Y2019 => 2019 + (i / 2 % 2) as i64,
    };
    let organ = format!(
        "{}{}第{}分局",
        CITIES[r.below(CITIES.len() as u64) as usize],
        BODIES[r.below(BODIES.len() as u64) as usize],
        i + 1
    );
    let mut values = BTreeMap::new();
    let scale = 20 + r.below(400) as i64;
    for table in tables::tables(edition) {
        for f in table.fields() {
            if f.path == rows::RESULTS_TOTAL {
                continue;
            }
            let v = match f.shape {
                Shape::Row { len, .. } => Values::Row {
                    values: (0..len).map(|_| r.below(scale as u64) as i64).collect(),
                    given_total: None,
                },
                Shape::Scalar(Kind::Money) => {
                    Values::Money(format!("{}.{:02}", r.below(100_000), r.below(100)))
                }
                Shape::Scalar(Kind::Signed) => Values::Int(r.below(11) as i64 - 5),
                Shape::Scalar(_) => Values::Int(r.below(50_000) as i64),
            };
            values.insert(f.path.to_string(), v);
        }
    }
    // Keep R1: 一 + 二 = 三（七）+ 四, with 一 computed from the results.
    let results = crate::rules::result_rows(edition);
    let row = |values: &BTreeMap<String, Values>, p: &str| match values.get(p) {
        Some(Values::Row { values, .. }) => values.clone(),
        _ => vec![0; APPLICANT_COLUMNS],
    };
    let carried = row(&values, rows::CARRIED_OVER);
    let forward = row(&values, rows::CARRIED_FORWARD);
    let new: Vec<i64> = (0..APPLICANT_COLUMNS)
        .map(|j| {
            let handled: i64 = results.iter().map(|p| row(&values, p)[j]).sum();
            (handled + forward[j] - carried[j]).max(0)
        })
        .collect();
    let carried: Vec<i64> = (0..APPLICANT_COLUMNS)
        .map(|j| {
            let handled: i64 = results.iter().map(|p| row(&values, p)[j]).sum();
            handled + forward[j] - new[j]
        })
        .collect();
    values.insert(
        rows::NEW.into(),
        Values::Row {
            values: new,
            given_total: None,
        },
    );
    values.insert(
        rows::CARRIED_OVER.into(),
        Values::Row {
            values: carried,
            given_total: None,
        },
    );
    for p in [rows::REVIEW, rows::DIRECT_SUIT, rows::SUIT_AFTER_REVIEW] {
        values.insert(
            p.into(),
            Values::Row {
                values: (0..RESULT_COLUMNS).map(|_| r.below(30) as i64).collect(),
                given_total: None,
            },
        );
    }
    let item = |r: &mut Lcg, title: &str, n: usize| Block::Item {
        title: title.into(),
        text: text(r, n),
        items: Vec::new(),
    };
    Report {
        edition,
        year,
        organ: organ.clone(),
        title: None,
        preamble: Some(format!(
            "本报告根据《中华人民共和国政府信息公开条例》和{}要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。{}",
            edition.notice(),
            text(&mut r, 2)
        )),
        overview: vec![
            Block::Text(format!("{year}年，{organ}{}", text(&mut r, 2))),
            item(&mut r, "主动公开", 5),
            Block::Item {
                title: "依申请公开".into(),
                text: format!(
                    "全年新收政府信息公开申请{{{{applications.new.total}}}}件，办结{{{{applications.total.total}}}}件。{}",
                    text(&mut r, 3)
                ),
                items: vec![text(&mut r, 2), text(&mut r, 2)],
            },
            item(&mut r, "政府信息管理", 5),
            item(&mut r, "政府信息公开平台建设", 4),
            item(&mut r, "监督保障", 4),
        ],
        values,
        table_texts: BTreeMap::new(),
        problems: vec![
            Block::Text(text(&mut r, 2)),
            item(&mut r, "加大公开力度", 4),
            item(&mut r, "规范依申请公开", 4),
            item(&mut r, "加强业务培训", 3),
        ],
        other_matters: Some(vec![Block::Text("本年度未收取信息处理费。".into())]),
        signature: Some(Signature {
            organ: None,
            date: Date {
                year: year as i32 + 1,
                month: 1,
                day: 1 + r.below(28) as u8,
            },
        }),
        meta: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_reports_pass_check_and_are_deterministic() {
        for i in 0..6 {
            let diags = crate::check::check_report(report(i)).diagnostics;
            assert!(diags.is_empty(), "report {i}: {diags:#?}");
            assert_eq!(report(i), report(i));
        }
        assert_ne!(report(0), report(2));
    }
}
