//! The fill-in workbook: written with rust_xlsxwriter, read back with calamine.
//!
//! The tables 二、三、四 are laid out from the same table description as the PDF
//! and the DOCX (`tables.rs`), so a workbook looks like the official form. Reading
//! turns the workbook into the same [`Node`] tree a YAML file gives, with every
//! position a sheet and cell, so that the decoder, the rules and every diagnostic
//! work unchanged and name cells such as `表三!J12`. Before a number is read, the
//! labels and merged cells of each table are compared with the form: a row that was
//! inserted or deleted is an error, never a number read from the wrong row.

mod guard;
mod read;
mod write;

pub use guard::check_package;
pub use read::read_bytes;
pub use write::to_bytes;

use nianbao_form::diag::Pos;
use nianbao_form::model::Edition;
use nianbao_form::tables::{self, Kind, TableSpec, rows};

/// The sheet of the report's particulars.
pub const INFO: &str = nianbao_form::diag::WORKBOOK_SHEETS[0];
/// The sheet of the prose.
pub const TEXT: &str = nianbao_form::diag::WORKBOOK_SHEETS[4];
/// The hidden sheet that remembers what the data file said beyond the form
/// (which 总计 were written out), so that conversions lose nothing.
const MEMO: &str = "nianbao";
const MEMO_MARK: &str = "nianbao 工作簿";
const MEMO_VERSION: f64 = 1.0;
/// A memo row saying the data file wrote the row (only （七）总计 may be left out).
const MEMO_ROW: &str = "row";
/// A memo row saying the data file wrote the row's 总计.
const MEMO_TOTAL: &str = "total";
/// The row of table 三 whose every cell is computed: （七）总计.
const COMPUTED_ROW: &str = rows::RESULTS_TOTAL;
/// The sheets users see, in order (the form crate orders diagnostics by them).
const SHEETS: [&str; 5] = nianbao_form::diag::WORKBOOK_SHEETS;
/// The grid of a table starts on this row (0-based); the row above holds its heading.
const TOP: u32 = 1;
/// Rows of the prose sheet that carry the section and type drop-down lists.
const TEXT_ROWS: u32 = 2000;
/// Excel keeps numbers as binary doubles: integers beyond this are not exact.
const EXACT_INT: i64 = 1 << 53;

/// The sheet holding a table: 表二, 表三, 表四.
fn table_sheet(t: &TableSpec) -> &'static str {
    match t.number {
        "二" => SHEETS[1],
        "三" => SHEETS[2],
        _ => SHEETS[3],
    }
}

// ---------------------------------------------------------------- the rows of 基本信息

#[derive(Clone, Copy, PartialEq, Eq)]
enum InfoKind {
    Edition,
    Year,
    Text,
    Date,
    List,
}

/// One row of 基本信息: label, key path, kind, and the note shown beside it.
struct InfoRow {
    label: &'static str,
    path: &'static str,
    kind: InfoKind,
    note: &'static str,
}

const INFO_ROWS: &[InfoRow] = &[
    InfoRow {
        label: "表格格式",
        path: "edition",
        kind: InfoKind::Edition,
        note: "2019：国办公开办函〔2019〕60号（2019、2020 年度报告）；2021：国办公开办函〔2021〕30号（2021 年度起）",
    },
    InfoRow {
        label: "报告年度",
        path: "year",
        kind: InfoKind::Year,
        note: "统计期限为该年 1 月 1 日至 12 月 31 日",
    },
    InfoRow {
        label: "机关名称",
        path: "organ",
        kind: InfoKind::Text,
        note: "发布报告的机关全称",
    },
    InfoRow {
        label: "标题",
        path: "title",
        kind: InfoKind::Text,
        note: "不填则为“机关名称＋年度＋年政府信息公开工作年度报告”",
    },
    InfoRow {
        label: "落款机关",
        path: "signature.organ",
        kind: InfoKind::Text,
        note: "不填则为机关名称",
    },
    InfoRow {
        label: "成文日期",
        path: "signature.date",
        kind: InfoKind::Date,
        note: "日期，如 2021-01-20；填写后打印落款，不填则不打印落款",
    },
    InfoRow {
        label: "文号",
        path: "meta.doc_number",
        kind: InfoKind::Text,
        note: "可不填",
    },
    InfoRow {
        label: "索引号",
        path: "meta.index_number",
        kind: InfoKind::Text,
        note: "可不填",
    },
    InfoRow {
        label: "主题词",
        path: "meta.keywords",
        kind: InfoKind::List,
        note: "可不填；多个词之间用“；”分隔",
    },
    InfoRow {
        label: "发布日期",
        path: "meta.published",
        kind: InfoKind::Date,
        note: "日期，可不填",
    },
    InfoRow {
        label: "机关类型",
        path: "meta.kind",
        kind: InfoKind::Text,
        note: "可不填；“政府”（人民政府，3 月 31 日前公布）或“部门”（其他机关，1 月 31 日前公布）",
    },
    InfoRow {
        label: "网站名称",
        path: "meta.site_name",
        kind: InfoKind::Text,
        note: "可不填；发布年报的政府网站名称（网页版 SiteName）",
    },
    InfoRow {
        label: "网站域名",
        path: "meta.site_domain",
        kind: InfoKind::Text,
        note: "可不填；如 www.qinghe.gov.cn（网页版 SiteDomain）",
    },
    InfoRow {
        label: "网站标识码",
        path: "meta.site_id_code",
        kind: InfoKind::Text,
        note: "可不填；政府网站标识码（网页版 SiteIDCode）",
    },
    InfoRow {
        label: "采购总金额表头",
        path: "active_disclosure.procurement_amount_header",
        kind: InfoKind::Text,
        note: "可不填；表二“采购总金额”一格在本地使用的写法，如“采购总金额(单位:万元,保留4位小数)”",
    },
];

/// The rows of 基本信息 for an edition (the procurement header exists only in 2019).
fn info_rows(edition: Option<Edition>) -> impl Iterator<Item = &'static InfoRow> {
    INFO_ROWS.iter().filter(move |r| {
        !r.path.starts_with("active_disclosure.")
            || edition.is_some_and(|e| {
                tables::tables(e)
                    .iter()
                    .any(|t| t.text_keys.contains(&r.path))
            })
    })
}

// ---------------------------------------------------------------- the sections of 正文

/// The sections of the prose sheet: the name in column A and the key.
const SECTIONS: [(&str, &str); 4] = [
    ("前言", "preamble"),
    ("一、总体情况", "overview"),
    ("五、存在的主要问题及改进情况", "problems"),
    ("六、其他需要报告的事项", "other_matters"),
];
const PARAGRAPH: &str = "段落";
const ITEM: &str = "条目";
const SUBITEM: &str = "分项";

/// The key of a section as a user may write it in column A: the full name, its
/// number (一、一、) or its words without the number.
fn section_key(cell: &str) -> Option<&'static str> {
    let cell = cell.trim();
    SECTIONS.iter().find_map(|(name, key)| {
        let (number, words) = name.split_once('、').unwrap_or(("", name));
        let matches = cell == *name
            || cell == words
            || (!number.is_empty() && (cell == number || cell == format!("{number}、")));
        matches.then_some(*key)
    })
}

// ---------------------------------------------------------------- shared

/// A cell's name from its 0-based row and column: (11, 9) → `J12`.
pub(crate) fn cell_ref(row: u32, col: u16) -> String {
    nianbao_form::diag::cell_name(row as usize + 1, usize::from(col) + 1)
}

/// Whether a value cell is a total the workbook computes with a formula.
fn is_computed(path: &str, kind: Kind) -> bool {
    kind == Kind::Total || path == COMPUTED_ROW
}
