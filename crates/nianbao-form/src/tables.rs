//! The three official statistical tables, described once per edition as data.
//!
//! Every label, column header and merged cell of 国办公开办函〔2019〕60号 and
//! 〔2021〕30号 lives here and nowhere else (formats.md §3). The validator reads
//! the description to know which keys exist, what kind of number each cell
//! holds and how to name a cell in a diagnostic; the renderers read the same
//! grid (cells with row and column spans) to draw the tables.

use std::sync::LazyLock;

use crate::model::Edition;

/// What kind of number a value cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A non-negative integer count.
    Count,
    /// A signed integer (only the 2019 本年增/减).
    Signed,
    /// A decimal money amount, kept exactly as written.
    Money,
    /// The row's 总计: optional in the input, computed and checked when given.
    Total,
}

/// The part a row plays in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRole {
    /// A header row at the top of the table, repeated after a page break.
    Header,
    /// A block caption spanning the table, such as 第二十条第（一）项.
    Section,
    /// A row of column headings inside the body (信息内容 | …).
    ColumnHeads,
    /// A row holding numbers.
    Data,
}

/// What a cell shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// Fixed text of the official form.
    Label {
        /// The text exactly as on the form.
        text: &'static str,
        /// The input key path this label names (a row, a group of rows or a block).
        names: Option<&'static str>,
        /// A data key whose text replaces this label when given (local header variants).
        replaced_by: Option<&'static str>,
    },
    /// A number taken from the input.
    Value {
        /// Full key path of the input value, e.g. `applications.refused.state_secret`.
        path: &'static str,
        /// Position in the row list, or `None` for a single value.
        index: Option<usize>,
        /// What kind of number it is.
        kind: Kind,
    },
}

/// One cell as it starts in its row (cells covered by a span are not listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Text or value.
    pub content: Content,
    /// Grid columns spanned.
    pub colspan: usize,
    /// Grid rows spanned.
    pub rowspan: usize,
}

/// One row of the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The part the row plays.
    pub role: RowRole,
    /// The cells that start in this row, left to right.
    pub cells: Vec<Cell>,
}

/// Which of the three tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableId {
    /// 二、主动公开政府信息情况
    ActiveDisclosure,
    /// 三、收到和处理政府信息公开申请情况
    Applications,
    /// 四、政府信息公开行政复议、行政诉讼情况
    ReviewsAndLawsuits,
}

/// One official table of one edition.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// Which table.
    pub id: TableId,
    /// The section number that captions it: 二, 三 or 四.
    pub number: &'static str,
    /// The section heading without its number.
    pub heading: &'static str,
    /// The top-level input key.
    pub key: &'static str,
    /// Number of grid columns.
    pub columns: usize,
    /// Whether a row left out of the input means zeros (table 三) or is an error.
    pub rows_optional: bool,
    /// The grid.
    pub rows: Vec<Row>,
    /// Optional text keys of this table that replace a label (e.g. the 采购总金额 header).
    pub text_keys: Vec<&'static str>,
}

/// The shape of one input key that holds numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A list of `len` numbers of one kind, optionally followed by the row's 总计.
    Row {
        /// Number of values before the optional 总计.
        len: usize,
        /// Kind of those values.
        kind: Kind,
        /// Whether a further 总计 value may follow.
        total: bool,
    },
    /// A single number.
    Scalar(Kind),
}

/// One input key that holds numbers, derived from the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Full key path.
    pub path: &'static str,
    /// What it holds.
    pub shape: Shape,
}

fn label(text: &'static str) -> Cell {
    Cell {
        content: Content::Label {
            text,
            names: None,
            replaced_by: None,
        },
        colspan: 1,
        rowspan: 1,
    }
}

fn naming(text: &'static str, path: &'static str) -> Cell {
    Cell {
        content: Content::Label {
            text,
            names: Some(path),
            replaced_by: None,
        },
        colspan: 1,
        rowspan: 1,
    }
}

fn value(path: &'static str, index: Option<usize>, kind: Kind) -> Cell {
    Cell {
        content: Content::Value { path, index, kind },
        colspan: 1,
        rowspan: 1,
    }
}

impl Cell {
    fn span(mut self, colspan: usize, rowspan: usize) -> Cell {
        self.colspan = colspan;
        self.rowspan = rowspan;
        self
    }
}

fn row(role: RowRole, cells: Vec<Cell>) -> Row {
    Row { role, cells }
}

// ---------------------------------------------------------------- table 二

/// A block of table 二: caption, column headings, and rows of (label, key).
struct Block {
    caption: &'static str,
    heads: &'static [&'static str],
    /// (member key, kind, colspan) per heading; member key "" = the row key holds one value.
    members: &'static [(&'static str, Kind, usize)],
    rows: &'static [(&'static str, &'static str)],
}

fn active_disclosure(blocks: &[Block], money_header_key: Option<&'static str>) -> TableSpec {
    let mut rows = Vec::new();
    for b in blocks {
        rows.push(row(RowRole::Section, vec![label(b.caption).span(4, 1)]));
        let mut heads = vec![label("信息内容")];
        for (i, (_, kind, colspan)) in b.members.iter().enumerate() {
            let mut cell = label(b.heads[i]).span(*colspan, 1);
            if *kind == Kind::Money
                && let (Some(key), Content::Label { replaced_by, .. }) =
                    (money_header_key, &mut cell.content)
            {
                *replaced_by = Some(key);
            }
            heads.push(cell);
        }
        rows.push(row(RowRole::ColumnHeads, heads));
        for (text, path) in b.rows {
            let mut cells = vec![naming(text, path)];
            for (member, kind, colspan) in b.members {
                let full: &'static str = if member.is_empty() {
                    path
                } else {
                    leak(format!("{path}.{member}"))
                };
                cells.push(value(full, None, *kind).span(*colspan, 1));
            }
            rows.push(row(RowRole::Data, cells));
        }
    }
    TableSpec {
        id: TableId::ActiveDisclosure,
        number: "二",
        heading: "主动公开政府信息情况",
        key: "active_disclosure",
        columns: 4,
        rows_optional: false,
        rows,
        text_keys: money_header_key.into_iter().collect(),
    }
}

/// Key paths are built once per process for the two static descriptions.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn active_2019() -> TableSpec {
    use Kind::*;
    const HEADS_5: &[&str] = &["上一年项目数量", "本年增/减", "处理决定数量"];
    const MEMBERS_5: &[(&str, Kind, usize)] = &[
        ("previous", Count, 1),
        ("change", Signed, 1),
        ("decisions", Count, 1),
    ];
    active_disclosure(
        &[
            Block {
                caption: "第二十条第（一）项",
                heads: &["本年新制作数量", "本年新公开数量", "对外公开总数量"],
                members: &[
                    ("made", Count, 1),
                    ("published", Count, 1),
                    ("total", Count, 1),
                ],
                rows: &[
                    ("规章", "active_disclosure.regulations"),
                    ("规范性文件", "active_disclosure.normative_documents"),
                ],
            },
            Block {
                caption: "第二十条第（五）项",
                heads: HEADS_5,
                members: MEMBERS_5,
                rows: &[
                    ("行政许可", "active_disclosure.licensing"),
                    ("其他对外管理服务事项", "active_disclosure.other_services"),
                ],
            },
            Block {
                caption: "第二十条第（六）项",
                heads: HEADS_5,
                members: MEMBERS_5,
                rows: &[
                    ("行政处罚", "active_disclosure.penalties"),
                    ("行政强制", "active_disclosure.enforcement"),
                ],
            },
            Block {
                caption: "第二十条第（八）项",
                heads: &["上一年项目数量", "本年增/减"],
                members: &[("previous", Count, 1), ("change", Signed, 2)],
                rows: &[("行政事业性收费", "active_disclosure.fees")],
            },
            Block {
                caption: "第二十条第（九）项",
                heads: &["采购项目数量", "采购总金额"],
                members: &[("count", Count, 1), ("amount", Money, 2)],
                rows: &[("政府集中采购", "active_disclosure.procurement")],
            },
        ],
        Some("active_disclosure.procurement_amount_header"),
    )
}

fn active_2021() -> TableSpec {
    use Kind::*;
    const DECISIONS: &[&str] = &["本年处理决定数量"];
    active_disclosure(
        &[
            Block {
                caption: "第二十条第（一）项",
                heads: &["本年制发件数", "本年废止件数", "现行有效件数"],
                members: &[
                    ("issued", Count, 1),
                    ("repealed", Count, 1),
                    ("in_force", Count, 1),
                ],
                rows: &[
                    ("规章", "active_disclosure.regulations"),
                    ("行政规范性文件", "active_disclosure.normative_documents"),
                ],
            },
            Block {
                caption: "第二十条第（五）项",
                heads: DECISIONS,
                members: &[("", Count, 3)],
                rows: &[("行政许可", "active_disclosure.licensing")],
            },
            Block {
                caption: "第二十条第（六）项",
                heads: DECISIONS,
                members: &[("", Count, 3)],
                rows: &[
                    ("行政处罚", "active_disclosure.penalties"),
                    ("行政强制", "active_disclosure.enforcement"),
                ],
            },
            Block {
                caption: "第二十条第（八）项",
                heads: &["本年收费金额（单位：万元）"],
                members: &[("", Money, 3)],
                rows: &[("行政事业性收费", "active_disclosure.fees")],
            },
        ],
        None,
    )
}

// ---------------------------------------------------------------- table 三

/// The applicant columns of table 三, in the order of the input lists.
pub const APPLICANT_COLUMNS: usize = 6;

/// A row of table 三 or a group of rows under a merged label.
enum Tree {
    Leaf(&'static str, &'static str),
    Group(&'static str, Option<&'static str>, Vec<Tree>),
}

impl Tree {
    fn leaves(&self) -> usize {
        match self {
            Tree::Leaf(..) => 1,
            Tree::Group(_, _, children) => children.iter().map(Tree::leaves).sum(),
        }
    }
}

fn applications_tree(edition: Edition) -> Vec<Tree> {
    use Tree::{Group, Leaf};
    let other = match edition {
        Edition::Y2019 => Leaf("（六）其他处理", "other"),
        Edition::Y2021 => Group(
            "（六）其他处理",
            Some("other"),
            vec![
                Leaf(
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "no_correction",
                ),
                Leaf(
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "unpaid_fees",
                ),
                Leaf("3.其他", "other"),
            ],
        ),
    };
    vec![
        Leaf("一、本年新收政府信息公开申请数量", "new"),
        Leaf("二、上年结转政府信息公开申请数量", "carried_over"),
        Group(
            "三、本年度办理结果",
            None,
            vec![
                Leaf("（一）予以公开", "granted"),
                Leaf(
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                    "partially_granted",
                ),
                Group(
                    "（三）不予公开",
                    Some("refused"),
                    vec![
                        Leaf("1.属于国家秘密", "state_secret"),
                        Leaf("2.其他法律行政法规禁止公开", "prohibited_by_law"),
                        Leaf("3.危及“三安全一稳定”", "security_stability"),
                        Leaf("4.保护第三方合法权益", "third_party_rights"),
                        Leaf("5.属于三类内部事务信息", "internal_affairs"),
                        Leaf("6.属于四类过程性信息", "process_information"),
                        Leaf("7.属于行政执法案卷", "enforcement_files"),
                        Leaf("8.属于行政查询事项", "administrative_query"),
                    ],
                ),
                Group(
                    "（四）无法提供",
                    Some("unavailable"),
                    vec![
                        Leaf("1.本机关不掌握相关政府信息", "not_held"),
                        Leaf("2.没有现成信息需要另行制作", "needs_creation"),
                        Leaf("3.补正后申请内容仍不明确", "unclear_after_correction"),
                    ],
                ),
                Group(
                    "（五）不予处理",
                    Some("not_processed"),
                    vec![
                        Leaf("1.信访举报投诉类申请", "petitions"),
                        Leaf("2.重复申请", "duplicate"),
                        Leaf("3.要求提供公开出版物", "publications"),
                        Leaf("4.无正当理由大量反复申请", "excessive"),
                        Leaf("5.要求行政机关确认或重新出具已获取信息", "confirmation"),
                    ],
                ),
                other,
                Leaf("（七）总计", "total"),
            ],
        ),
        Leaf("四、结转下年度继续办理", "carried_forward"),
    ]
}

/// Lays a tree of rows out as grid rows: label cells with their spans, then the 7 numbers.
fn lay_out(tree: &[Tree], prefix: &str, depth: usize, label_columns: usize, out: &mut Vec<Row>) {
    for node in tree {
        match node {
            Tree::Leaf(text, key) => {
                let path = leak(format!("{prefix}.{key}"));
                let mut cells = vec![naming(text, path).span(label_columns - depth, 1)];
                for i in 0..APPLICANT_COLUMNS {
                    cells.push(value(path, Some(i), Kind::Count));
                }
                cells.push(value(path, Some(APPLICANT_COLUMNS), Kind::Total));
                out.push(row(RowRole::Data, cells));
            }
            Tree::Group(text, key, children) => {
                let inner = match key {
                    Some(k) => format!("{prefix}.{k}"),
                    None => prefix.to_string(),
                };
                let first = out.len();
                lay_out(children, &inner, depth + 1, label_columns, out);
                let names = key.map(|_| leak(inner.clone()));
                let cell = Cell {
                    content: Content::Label {
                        text,
                        names,
                        replaced_by: None,
                    },
                    colspan: 1,
                    rowspan: node.leaves(),
                };
                out[first].cells.insert(0, cell);
            }
        }
    }
}

fn applications(edition: Edition) -> TableSpec {
    let mut rows = vec![
        row(
            RowRole::Header,
            vec![
                label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
                    .span(3, 3),
                label("申请人情况").span(7, 1),
            ],
        ),
        row(
            RowRole::Header,
            vec![
                label("自然人").span(1, 2),
                label("法人或其他组织").span(5, 1),
                label("总计").span(1, 2),
            ],
        ),
        row(
            RowRole::Header,
            [
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
            ]
            .into_iter()
            .map(label)
            .collect(),
        ),
    ];
    lay_out(&applications_tree(edition), "applications", 0, 3, &mut rows);
    TableSpec {
        id: TableId::Applications,
        number: "三",
        heading: "收到和处理政府信息公开申请情况",
        key: "applications",
        columns: 10,
        rows_optional: true,
        rows,
        text_keys: Vec::new(),
    }
}

// ---------------------------------------------------------------- table 四

/// The result columns of table 四, in the order of the input lists.
pub const RESULT_COLUMNS: usize = 4;

fn reviews_and_lawsuits() -> TableSpec {
    const RESULTS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let blocks = [
        "reviews_and_lawsuits.review",
        "reviews_and_lawsuits.direct_suit",
        "reviews_and_lawsuits.suit_after_review",
    ];
    let mut h2: Vec<Cell> = RESULTS.iter().map(|t| label(t).span(1, 2)).collect();
    h2.push(naming("未经复议直接起诉", blocks[1]).span(5, 1));
    h2.push(naming("复议后起诉", blocks[2]).span(5, 1));
    let h3 = RESULTS
        .iter()
        .chain(RESULTS.iter())
        .map(|t| label(t))
        .collect();
    let mut data = Vec::new();
    for path in blocks {
        for i in 0..RESULT_COLUMNS {
            data.push(value(path, Some(i), Kind::Count));
        }
        data.push(value(path, Some(RESULT_COLUMNS), Kind::Total));
    }
    TableSpec {
        id: TableId::ReviewsAndLawsuits,
        number: "四",
        heading: "政府信息公开行政复议、行政诉讼情况",
        key: "reviews_and_lawsuits",
        columns: 15,
        rows_optional: false,
        rows: vec![
            row(
                RowRole::Header,
                vec![
                    naming("行政复议", blocks[0]).span(5, 1),
                    label("行政诉讼").span(10, 1),
                ],
            ),
            row(RowRole::Header, h2),
            row(RowRole::Header, h3),
            row(RowRole::Data, data),
        ],
        text_keys: Vec::new(),
    }
}

// ---------------------------------------------------------------- queries

static TABLES_2019: LazyLock<Vec<TableSpec>> = LazyLock::new(|| {
    vec![
        active_2019(),
        applications(Edition::Y2019),
        reviews_and_lawsuits(),
    ]
});
static TABLES_2021: LazyLock<Vec<TableSpec>> = LazyLock::new(|| {
    vec![
        active_2021(),
        applications(Edition::Y2021),
        reviews_and_lawsuits(),
    ]
});

/// The three tables of an edition, in the order of the report (二, 三, 四).
pub fn tables(edition: Edition) -> &'static [TableSpec] {
    match edition {
        Edition::Y2019 => &TABLES_2019,
        Edition::Y2021 => &TABLES_2021,
    }
}

/// A cell placed on the grid: its row and column where it starts.
#[derive(Clone, Copy, Debug)]
pub struct Placed<'a> {
    /// Grid row.
    pub row: usize,
    /// Grid column.
    pub col: usize,
    /// The cell.
    pub cell: &'a Cell,
}

impl Placed<'_> {
    fn covers(&self, row: usize, col: usize) -> bool {
        (self.row..self.row + self.cell.rowspan).contains(&row)
            && (self.col..self.col + self.cell.colspan).contains(&col)
    }
}

impl TableSpec {
    /// Every cell with the grid position where it starts (spans resolved).
    pub fn placed(&self) -> Vec<Placed<'_>> {
        let mut taken = vec![vec![false; self.columns]; self.rows.len()];
        let mut out = Vec::new();
        for (r, grid_row) in self.rows.iter().enumerate() {
            let mut c = 0;
            for cell in &grid_row.cells {
                while c < self.columns && taken[r][c] {
                    c += 1;
                }
                for row in taken.iter_mut().skip(r).take(cell.rowspan) {
                    for slot in row.iter_mut().skip(c).take(cell.colspan) {
                        *slot = true;
                    }
                }
                out.push(Placed {
                    row: r,
                    col: c,
                    cell,
                });
                c += cell.colspan;
            }
        }
        out
    }

    /// The number of rows repeated at the top of every page.
    pub fn header_rows(&self) -> usize {
        self.rows
            .iter()
            .take_while(|r| r.role == RowRole::Header)
            .count()
    }

    /// The input keys holding numbers, in the order they appear in the table.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = Vec::new();
        for p in self.placed() {
            let Content::Value { path, index, kind } = p.cell.content else {
                continue;
            };
            let pos = fields.iter().position(|f| f.path == path);
            let shape = match (index, kind) {
                (None, kind) => Shape::Scalar(kind),
                (Some(_), Kind::Total) => Shape::Row {
                    len: 0,
                    kind: Kind::Count,
                    total: true,
                },
                (Some(_), kind) => Shape::Row {
                    len: 1,
                    kind,
                    total: false,
                },
            };
            match (pos, shape) {
                (None, shape) => fields.push(Field { path, shape }),
                (Some(i), Shape::Row { len, total, .. }) => {
                    if let Shape::Row {
                        len: l, total: t, ..
                    } = &mut fields[i].shape
                    {
                        *l += len;
                        *t |= total;
                    }
                }
                (Some(_), Shape::Scalar(_)) => {}
            }
        }
        fields
    }

    /// The label that names a key path (a row, a group of rows or a block), if any.
    pub fn label_of(&self, path: &str) -> Option<&'static str> {
        self.rows
            .iter()
            .flat_map(|r| &r.cells)
            .find_map(|c| match c.content {
                Content::Label {
                    text,
                    names: Some(n),
                    ..
                } if n == path => Some(text),
                _ => None,
            })
    }

    /// The words of the form for the cell holding `path[index]`: (row label, column label).
    ///
    /// The row label is the label naming the row's key, with its group when it is
    /// a numbered sub-item; the column label joins the headings above the cell,
    /// leaving out a heading that covers every number column (申请人情况).
    pub fn cell_words(&self, path: &str, index: Option<usize>) -> (Option<String>, String) {
        let placed = self.placed();
        let Some(target) = placed.iter().find(|p| {
            matches!(p.cell.content, Content::Value { path: vp, index: vi, .. } if vp == path && vi == index)
        }) else {
            return (None, String::new());
        };
        // Table 四 has no row labels: its blocks are named in the header.
        let labelled_rows = self.rows.iter().any(|r| {
            r.role == RowRole::Data
                && r.cells
                    .iter()
                    .any(|c| matches!(c.content, Content::Label { names: Some(_), .. }))
        });
        let parent = path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        let row_label = match (self.label_of(path), self.label_of(parent)) {
            _ if !labelled_rows => None,
            // A numbered sub-item of table 三 is named with its group: （三）不予公开 1.属于国家秘密.
            (Some(leaf), Some(group)) if self.id == TableId::Applications => {
                Some(format!("{group} {leaf}"))
            }
            (Some(leaf), _) => Some(leaf.to_string()),
            // A member of a row of table 二 (regulations.made) is named by its row.
            (None, Some(row)) => Some(row.to_string()),
            (None, None) => None,
        };
        let value_cols: Vec<usize> = placed
            .iter()
            .filter(|p| matches!(p.cell.content, Content::Value { .. }))
            .flat_map(|p| p.col..p.col + p.cell.colspan)
            .collect();
        let first_value = value_cols.iter().copied().min().unwrap_or(0);
        let last_value = value_cols.iter().copied().max().unwrap_or(0);
        // The heading rows that apply: the table's header, or the nearest 信息内容 row above.
        let heads: Vec<usize> = match self.rows[..target.row]
            .iter()
            .rposition(|r| r.role == RowRole::ColumnHeads)
        {
            Some(r) => vec![r],
            None => (0..self.header_rows()).collect(),
        };
        let mut words: Vec<&str> = Vec::new();
        for p in &placed {
            if !heads.contains(&p.row) || !p.covers(p.row, target.col) {
                continue;
            }
            let Content::Label { text, .. } = p.cell.content else {
                continue;
            };
            let covers_all = p.col <= first_value && p.col + p.cell.colspan > last_value;
            if covers_all && heads.len() > 1 {
                continue;
            }
            if !words.contains(&text) {
                words.push(text);
            }
        }
        (row_label, words.join("·"))
    }
}

impl TableSpec {
    /// For a table whose keys hold rows of numbers (三, 四): the heading of each
    /// number in a row, in input order, without the 总计 (e.g. 自然人 … 其他).
    pub fn row_columns(&self) -> Option<Vec<String>> {
        let (path, len) = self.fields().into_iter().find_map(|f| match f.shape {
            Shape::Row { len, .. } => Some((f.path, len)),
            Shape::Scalar(_) => None,
        })?;
        Some(
            (0..len)
                .map(|i| {
                    let words = self.cell_words(path, Some(i)).1;
                    words.rsplit('·').next().unwrap_or_default().to_string()
                })
                .collect(),
        )
    }
}

/// The rows of tables 三 and 四 that the rules and expressions name by
/// themselves, as key paths of the table description. Code names these rows only
/// through these constants, and reads them through [`field`], so that a key renamed
/// in the description fails loudly (the test `named_rows_are_in_every_form`)
/// instead of reading as zeros.
pub mod rows {
    /// 表三 一、本年新收政府信息公开申请数量.
    pub const NEW: &str = "applications.new";
    /// 表三 二、上年结转政府信息公开申请数量.
    pub const CARRIED_OVER: &str = "applications.carried_over";
    /// 表三 三、本年度办理结果 （七）总计.
    pub const RESULTS_TOTAL: &str = "applications.total";
    /// 表三 四、结转下年度继续办理.
    pub const CARRIED_FORWARD: &str = "applications.carried_forward";
    /// 表四 行政复议.
    pub const REVIEW: &str = "reviews_and_lawsuits.review";
    /// 表四 行政诉讼 未经复议直接起诉.
    pub const DIRECT_SUIT: &str = "reviews_and_lawsuits.direct_suit";
    /// 表四 行政诉讼 复议后起诉.
    pub const SUIT_AFTER_REVIEW: &str = "reviews_and_lawsuits.suit_after_review";
    /// Every named row.
    pub const ALL: [&str; 7] = [
        NEW,
        CARRIED_OVER,
        RESULTS_TOTAL,
        CARRIED_FORWARD,
        REVIEW,
        DIRECT_SUIT,
        SUIT_AFTER_REVIEW,
    ];
}

/// The columns of table 二 that code names itself (the last part of a cell's key
/// path, `active_disclosure.regulations.in_force`), checked against the description
/// by a test as [`rows`] are.
pub mod members {
    /// 〔2021〕30号 表二 现行有效件数.
    pub const IN_FORCE: &str = "in_force";
    /// 〔2019〕60号 表二 上一年项目数量.
    pub const PREVIOUS: &str = "previous";
    /// 〔2019〕60号 表二 本年增/减.
    pub const CHANGE: &str = "change";
    /// 〔2019〕60号 表二 对外公开总数量.
    pub const TOTAL: &str = "total";
}

/// The field of `edition`'s form at `path` (a row of table 三 or 四, or a cell of
/// table 二).
///
/// # Panics
/// When the form has no such field: a key path in the code that the table
/// description does not have is a bug, and must not read as zeros.
pub fn field(edition: Edition, path: &str) -> Field {
    table_for(edition, path)
        .and_then(|t| t.fields().into_iter().find(|f| f.path == path))
        .unwrap_or_else(|| panic!("the {} form has no field {path}", edition.as_str()))
}

/// The table whose key starts `path`, with the edition's description.
pub fn table_for(edition: Edition, path: &str) -> Option<&'static TableSpec> {
    let top = path.split(['.', '[']).next().unwrap_or(path);
    tables(edition).iter().find(|t| t.key == top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_members_are_in_table_two() {
        let has = |edition: Edition, member: &str| {
            tables(edition)
                .iter()
                .filter(|t| t.id == TableId::ActiveDisclosure)
                .flat_map(|t| t.fields())
                .any(|f| f.path.rsplit('.').next() == Some(member))
        };
        assert!(has(Edition::Y2021, members::IN_FORCE));
        for m in [members::PREVIOUS, members::CHANGE, members::TOTAL] {
            assert!(has(Edition::Y2019, m), "{m}");
        }
    }

    #[test]
    fn named_rows_are_in_every_form() {
        for edition in Edition::ALL {
            for path in rows::ALL {
                assert!(
                    matches!(field(edition, path).shape, Shape::Row { .. }),
                    "{path} is not a row of the {} form",
                    edition.as_str()
                );
            }
        }
    }

    #[test]
    #[should_panic(expected = "has no field")]
    fn a_field_the_form_lacks_is_a_bug_not_zeros() {
        field(Edition::Y2021, "applications.renamed");
    }

    fn value_cells(t: &TableSpec) -> usize {
        t.placed()
            .iter()
            .filter(|p| matches!(p.cell.content, Content::Value { .. }))
            .count()
    }

    fn label_span(t: &TableSpec, text: &str) -> (usize, usize, usize, usize) {
        let p = t
            .placed()
            .into_iter()
            .find(|p| matches!(p.cell.content, Content::Label { text: x, .. } if x == text))
            .unwrap_or_else(|| panic!("no label {text}"));
        (p.row, p.col, p.cell.rowspan, p.cell.colspan)
    }

    /// Every grid position is covered by exactly one cell: no gap, no overlap.
    fn assert_tiles(t: &TableSpec) {
        let mut cover = vec![vec![0; t.columns]; t.rows.len()];
        for p in t.placed() {
            for row in cover.iter_mut().skip(p.row).take(p.cell.rowspan) {
                for c in row.iter_mut().skip(p.col).take(p.cell.colspan) {
                    *c += 1;
                }
            }
        }
        for (r, row) in cover.iter().enumerate() {
            assert!(
                row.iter().all(|&c| c == 1),
                "table {} row {r}: {row:?}",
                t.number
            );
        }
    }

    #[test]
    fn grids_tile_without_gaps_or_overlaps() {
        for e in Edition::ALL {
            for t in tables(e) {
                assert_tiles(t);
            }
        }
    }

    #[test]
    fn numeric_cells_match_formats_md() {
        // formats.md §3: 二 has 22 numbers (2019) / 10 (2021); 三 23×7 / 25×7; 四 15.
        assert_eq!(value_cells(&tables(Edition::Y2019)[0]), 22);
        assert_eq!(value_cells(&tables(Edition::Y2021)[0]), 10);
        assert_eq!(value_cells(&tables(Edition::Y2019)[1]), 23 * 7);
        assert_eq!(value_cells(&tables(Edition::Y2021)[1]), 25 * 7);
        assert_eq!(value_cells(&tables(Edition::Y2019)[2]), 15);
        assert_eq!(value_cells(&tables(Edition::Y2021)[2]), 15);
    }

    #[test]
    fn merged_cells_match_formats_md() {
        let t21 = &tables(Edition::Y2021)[1];
        let t19 = &tables(Edition::Y2019)[1];
        assert_eq!(label_span(t21, "三、本年度办理结果"), (5, 0, 22, 1));
        assert_eq!(label_span(t19, "三、本年度办理结果"), (5, 0, 20, 1));
        assert_eq!(label_span(t21, "（三）不予公开"), (7, 1, 8, 1));
        assert_eq!(label_span(t21, "（六）其他处理"), (23, 1, 3, 1));
        assert_eq!(label_span(t19, "（六）其他处理"), (23, 1, 1, 2));
        assert_eq!(label_span(t21, "申请人情况"), (0, 3, 1, 7));
        assert_eq!(label_span(t21, "法人或其他组织"), (1, 4, 1, 5));
        assert_eq!(label_span(t21, "总计"), (1, 9, 2, 1));
        assert_eq!(label_span(t21, "四、结转下年度继续办理"), (27, 0, 1, 3));
        assert_eq!(t21.header_rows(), 3);
        let four = &tables(Edition::Y2021)[2];
        assert_eq!(label_span(four, "行政诉讼"), (0, 5, 1, 10));
        assert_eq!(label_span(four, "复议后起诉"), (1, 10, 1, 5));
        let two19 = &tables(Edition::Y2019)[0];
        assert_eq!(two19.rows.len(), 18);
        assert_eq!(tables(Edition::Y2021)[0].rows.len(), 14);
    }

    #[test]
    fn cells_are_named_in_the_words_of_the_form() {
        let t = &tables(Edition::Y2021)[1];
        assert_eq!(
            t.cell_words("applications.total", Some(0)),
            (Some("（七）总计".into()), "自然人".into())
        );
        assert_eq!(
            t.cell_words("applications.refused.state_secret", Some(1)),
            (
                Some("（三）不予公开 1.属于国家秘密".into()),
                "法人或其他组织·商业企业".into()
            )
        );
        let four = &tables(Edition::Y2021)[2];
        assert_eq!(
            four.cell_words("reviews_and_lawsuits.direct_suit", Some(4)),
            (None, "行政诉讼·未经复议直接起诉·总计".into())
        );
        let two = &tables(Edition::Y2019)[0];
        assert_eq!(
            two.cell_words("active_disclosure.fees.change", None),
            (Some("行政事业性收费".into()), "本年增/减".into())
        );
    }

    #[test]
    fn row_columns_are_the_lowest_headings() {
        let three = tables(Edition::Y2021)[1].row_columns().unwrap();
        assert_eq!(
            three,
            [
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他"
            ]
        );
        let four = tables(Edition::Y2019)[2].row_columns().unwrap();
        assert_eq!(four, ["结果维持", "结果纠正", "其他结果", "尚未审结"]);
        assert!(tables(Edition::Y2019)[0].row_columns().is_none());
    }

    #[test]
    fn fields_have_the_contract_shapes() {
        let f = tables(Edition::Y2021)[1].fields();
        assert_eq!(f.len(), 25);
        assert!(f.iter().all(|f| f.shape
            == Shape::Row {
                len: 6,
                kind: Kind::Count,
                total: true
            }));
        let two = tables(Edition::Y2019)[0].fields();
        let change = two
            .iter()
            .find(|f| f.path == "active_disclosure.licensing.change");
        assert_eq!(change.map(|f| &f.shape), Some(&Shape::Scalar(Kind::Signed)));
        let fees = tables(Edition::Y2021)[0].fields();
        let fees = fees.iter().find(|f| f.path == "active_disclosure.fees");
        assert_eq!(fees.map(|f| &f.shape), Some(&Shape::Scalar(Kind::Money)));
    }
}
