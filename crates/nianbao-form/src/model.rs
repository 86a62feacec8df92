//! The report as data: what one input file describes once it has been read.

use std::collections::BTreeMap;

/// The national table format a report follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edition {
    /// 国办公开办函〔2019〕60号, for the 2019 and 2020 reports.
    Y2019,
    /// 国办公开办函〔2021〕30号, for the 2021 reports onward.
    Y2021,
}

impl Edition {
    /// Both editions, oldest first.
    pub const ALL: [Edition; 2] = [Edition::Y2019, Edition::Y2021];

    /// The edition as written in the input (`"2019"`, `"2021"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Y2019 => "2019",
            Edition::Y2021 => "2021",
        }
    }

    /// Parses `"2019"` or `"2021"`.
    pub fn parse(s: &str) -> Option<Edition> {
        Edition::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The other edition.
    pub fn other(self) -> Edition {
        match self {
            Edition::Y2019 => Edition::Y2021,
            Edition::Y2021 => Edition::Y2019,
        }
    }

    /// The notice that set this format.
    pub fn notice(self) -> &'static str {
        match self {
            Edition::Y2019 => "国办公开办函〔2019〕60号",
            Edition::Y2021 => "国办公开办函〔2021〕30号",
        }
    }

    /// The report years this edition is used for.
    pub fn years(self) -> std::ops::RangeInclusive<i64> {
        match self {
            Edition::Y2019 => 2019..=2020,
            Edition::Y2021 => 2021..=2099,
        }
    }
}

/// One item of a list of blocks: a plain text or a numbered item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// One or more paragraphs (separated by a blank line).
    Text(String),
    /// A numbered item: run-in heading （一）title。 then its text and optional 1. 2. items.
    Item {
        /// The run-in heading, without number.
        title: String,
        /// The text that follows the heading on the same line.
        text: String,
        /// Third-level paragraphs, numbered 1. 2. …
        items: Vec<String>,
    },
}

/// The 落款: issuing body and date, printed only when given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The name printed; `None` means the report's `organ`.
    pub organ: Option<String>,
    /// The date, `YYYY-MM-DD`.
    pub date: Date,
}

/// A calendar date, checked to exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` and checks that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The date as GB/T 9704 prints it: 2024年1月5日.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Archival metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// 文号.
    pub doc_number: Option<String>,
    /// 索引号.
    pub index_number: Option<String>,
    /// 主题词.
    pub keywords: Vec<String>,
    /// 发布日期.
    pub published: Option<Date>,
    /// Whether the body is a people's government or another body: it decides the
    /// deadline of publication (`late`).
    pub kind: Option<OrganKind>,
    /// The portal's name (网站名称), for the HTML edition's `SiteName` meta tag.
    pub site_name: Option<String>,
    /// The portal's domain (网站域名), for `SiteDomain`.
    pub site_domain: Option<String>,
    /// The portal's identification code (网站标识码, 政府网站 12 or 10 characters), for
    /// `SiteIDCode`.
    pub site_id_code: Option<String>,
}

/// The kind of body a report is from, for its deadline (《中华人民共和国政府信息公开
/// 条例》第五十条: every body publishes its report by 31 January; the people's
/// governments above county level by 31 March).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganKind {
    /// A people's government (人民政府): by 31 March of the next year.
    Government,
    /// Any other body (部门): by 31 January of the next year.
    Department,
}

impl OrganKind {
    /// The name in data files: `government`, `department`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganKind::Government => "government",
            OrganKind::Department => "department",
        }
    }

    /// The kind whose deadline applies to `organ`: a township's or street office's
    /// government (…镇人民政府, …乡人民政府, …街道办事处) has the departments' deadline,
    /// 31 January (条例第五十条 gives 31 March to the governments above county level).
    pub fn of(self, organ: &str) -> OrganKind {
        let township = ["镇人民政府", "乡人民政府", "街道办事处"]
            .iter()
            .any(|w| organ.ends_with(w));
        if self == OrganKind::Government && township {
            OrganKind::Department
        } else {
            self
        }
    }

    /// Reads `government`/`department` or 政府/人民政府/部门.
    pub fn parse(s: &str) -> Option<OrganKind> {
        match s.trim() {
            "government" | "政府" | "人民政府" => Some(OrganKind::Government),
            "department" | "部门" => Some(OrganKind::Department),
            _ => None,
        }
    }

    /// The last day of publication for a report on `year`: (year + 1, month, 31).
    /// (A 乡镇人民政府 is a government below county level: see [`OrganKind::of`].)
    pub fn deadline(self, year: i64) -> Date {
        Date {
            year: (year + 1) as i32,
            month: match self {
                OrganKind::Government => 3,
                OrganKind::Department => 1,
            },
            day: 31,
        }
    }
}

/// The numbers of one input key of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// A list of counts and, when the input gave it, the row's 总计.
    Row {
        /// The counts, in column order.
        values: Vec<i64>,
        /// The 总计 as written in the input, checked against the sum.
        given_total: Option<i64>,
    },
    /// A single integer.
    Int(i64),
    /// A money amount exactly as written (digits, optional decimal point).
    Money(String),
}

/// One report: one issuing body, one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Table format.
    pub edition: Edition,
    /// Reporting year.
    pub year: i64,
    /// Full name of the issuing body.
    pub organ: String,
    /// Title as given; `None` = `{organ}{year}年政府信息公开工作年度报告`.
    pub title: Option<String>,
    /// Unnumbered paragraphs before 一、.
    pub preamble: Option<String>,
    /// 一、总体情况.
    pub overview: Vec<Block>,
    /// Every number of tables 二, 三 and 四, by full key path.
    pub values: BTreeMap<String, Values>,
    /// Text keys of the tables (e.g. `active_disclosure.procurement_amount_header`).
    pub table_texts: BTreeMap<String, String>,
    /// 五、存在的主要问题及改进情况.
    pub problems: Vec<Block>,
    /// 六、其他需要报告的事项; `None` = 无。
    pub other_matters: Option<Vec<Block>>,
    /// 落款.
    pub signature: Option<Signature>,
    /// Archival metadata.
    pub meta: Option<Meta>,
}

impl Report {
    /// The title to print.
    pub fn title(&self) -> String {
        self.title
            .clone()
            .unwrap_or_else(|| format!("{}{}年政府信息公开工作年度报告", self.organ, self.year))
    }

    /// The counts of a row of table 三 or 四 (zeros when the row was left out).
    pub fn row(&self, path: &str, len: usize) -> Vec<i64> {
        match self.values.get(path) {
            Some(Values::Row { values, .. }) => values.clone(),
            _ => vec![0; len],
        }
    }

    /// A single integer of table 二.
    pub fn int(&self, path: &str) -> Option<i64> {
        match self.values.get(path) {
            Some(Values::Int(v)) => Some(*v),
            _ => None,
        }
    }
}

/// A section of the report's prose that the body writes (二、三、四 are the tables):
/// its key in the data, its heading as the form numbers it, and whether it must be
/// written (六 may be left out: it then reads “无。”).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProseSection {
    /// The key in the data (`overview`, `problems`, `other_matters`).
    pub key: &'static str,
    /// The heading, numbered as the form's sections are.
    pub heading: &'static str,
    /// Whether the section must be written.
    pub required: bool,
}

/// The sections of prose, in the report's order (国办公开办函〔2019〕60号 and
/// 〔2021〕30号 give both editions the same six sections).
pub const PROSE_SECTIONS: [ProseSection; 3] = [
    ProseSection {
        key: "overview",
        heading: "一、总体情况",
        required: true,
    },
    ProseSection {
        key: "problems",
        heading: "五、存在的主要问题及改进情况",
        required: true,
    },
    ProseSection {
        key: "other_matters",
        heading: "六、其他需要报告的事项",
        required: false,
    },
];
