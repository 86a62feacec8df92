//! Reports made from other reports, by the form's rules and nothing else: the
//! starting report of a year, a report with its 总计 written out, and the region's
//! sum. Every front end (the command line, the web app) makes them here.

use crate::model::{Block, Edition, Report, Values};
use crate::tables::{self, Shape, TableId, members, rows};

/// A complete starting report: every row present with zeros, placeholder prose.
pub fn starting_report(edition: Edition, year: i64, organ: &str) -> Report {
    let mut values = std::collections::BTreeMap::new();
    for table in tables::tables(edition) {
        for f in table.fields() {
            if f.path == rows::RESULTS_TOTAL {
                continue; // computed; written only by those who want it checked
            }
            let v = match f.shape {
                Shape::Row { len, .. } => Values::Row {
                    values: vec![0; len],
                    given_total: None,
                },
                Shape::Scalar(tables::Kind::Money) => Values::Money("0".into()),
                Shape::Scalar(_) => Values::Int(0),
            };
            values.insert(f.path.to_string(), v);
        }
    }
    let item = |title: &str, text: &str| Block::Item {
        title: title.into(),
        text: text.into(),
        items: Vec::new(),
    };
    let other = match edition {
        Edition::Y2019 => "无。",
        Edition::Y2021 => {
            "（请填写：依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，如“本年度未收取信息处理费。”；以及其他需要报告的事项。）"
        }
    };
    Report {
        edition,
        year,
        organ: organ.to_string(),
        title: None,
        preamble: Some(format!(
            "本报告根据《中华人民共和国政府信息公开条例》和{}要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。（请补充：本报告电子版的下载地址；如对本报告有疑问的联系方式。）",
            edition.notice()
        )),
        overview: vec![
            Block::Text(format!("（请概述{year}年政府信息公开工作总体情况。）")),
            item("主动公开", "（请填写。）"),
            item(
                "依申请公开",
                "本年度共新收政府信息公开申请{{applications.new.total}}件，上年结转{{applications.carried_over.total}}件，办结{{applications.total.total}}件，结转下年度继续办理{{applications.carried_forward.total}}件。（请补充。）",
            ),
            item("政府信息管理", "（请填写。）"),
            item("政府信息公开平台建设", "（请填写。）"),
            item("监督保障", "（请填写。）"),
        ],
        values,
        table_texts: Default::default(),
        problems: vec![Block::Text("（请说明存在的主要问题及改进情况。）".into())],
        other_matters: Some(vec![Block::Text(other.into())]),
        signature: None,
        meta: None,
    }
}

/// The report with every 总计 of tables 三 and 四 filled in from `totals` (the rows
/// left out of table 三 written as zeros, （七）总计 included): the data as
/// `render --to json` publishes it, which `check` reads back unchanged.
pub fn with_totals(report: &Report, totals: &crate::rules::Computed) -> Report {
    let mut out = report.clone();
    for t in crate::tables::tables(report.edition) {
        for f in t.fields() {
            let crate::tables::Shape::Row {
                len, total: true, ..
            } = f.shape
            else {
                continue;
            };
            let Some(row) = totals.rows.get(f.path) else {
                continue;
            };
            // Totals are i128; a count past i64 (hostile data) saturates, never wraps.
            let narrow =
                |v: &i128| i64::try_from(*v).unwrap_or(if *v < 0 { i64::MIN } else { i64::MAX });
            let values: Vec<i64> = row.iter().take(len).map(narrow).collect();
            let total = row.get(len).map(narrow);
            out.values.insert(
                f.path.to_string(),
                crate::model::Values::Row {
                    values,
                    given_total: total,
                },
            );
        }
    }
    out
}

/// Carries `last` year's figures into `report` of the same edition (another edition
/// carries nothing), as the cross-year rules expect them (formats.md §4): 表三
/// 上年结转 = last year's 结转下年度继续办理 (R6, its 总计 left to be computed); in the
/// 2021 form, 表二 现行有效件数 starts at last year's (R7, with nothing issued or
/// repealed yet); in the 2019 form, 上一年项目数量 = last year's 上一年项目数量 +
/// 本年增/减 (never below 0) and 对外公开总数量 starts at last year's (R8).
pub fn carry_over(report: &mut Report, last: &Report) {
    if report.edition != last.edition {
        return;
    }
    if let Some(Values::Row { values, .. }) = last.values.get(rows::CARRIED_FORWARD) {
        let len = match tables::field(report.edition, rows::CARRIED_OVER).shape {
            Shape::Row { len, .. } => len,
            Shape::Scalar(_) => 0,
        };
        report.values.insert(
            rows::CARRIED_OVER.to_string(),
            Values::Row {
                values: values.iter().take(len).copied().collect(),
                given_total: None,
            },
        );
    }
    let int = |path: &str| match last.values.get(path) {
        Some(Values::Int(n)) => Some(*n),
        _ => None,
    };
    for t in tables::tables(report.edition) {
        if t.id != TableId::ActiveDisclosure {
            continue;
        }
        for f in t.fields() {
            let Some((row, member)) = f.path.rsplit_once('.') else {
                continue;
            };
            let carried = match member {
                members::IN_FORCE | members::TOTAL => int(f.path),
                members::PREVIOUS => int(f.path)
                    .zip(int(&format!("{row}.{}", members::CHANGE)))
                    .map(|(p, c)| p.saturating_add(c).max(0)),
                _ => None,
            };
            if let Some(n) = carried
                && report.values.contains_key(f.path)
            {
                report.values.insert(f.path.to_string(), Values::Int(n));
            }
        }
    }
}
