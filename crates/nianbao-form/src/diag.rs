//! Diagnostics: values collected in a list, formatted only at the edge.

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The report cannot be published like this.
    Error,
    /// Probably wrong; an error under `--strict`.
    Warning,
    /// For information only, never a failure: a problem in a file the user cannot
    /// change (last year's report, already published, read with `--previous`).
    Note,
}

impl Severity {
    /// The word shown to the user.
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "说明",
        }
    }
}

/// Declares [`Rule`]: each variant with its stable id (the `rule` field of
/// `check --format json`, shown as `错误[R1]`) and what it catches.
macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// The rule a diagnostic reports, by its stable id. The arithmetic rules are
        /// those of formats.md §4 (国办公开办函〔2019〕60号, 〔2021〕30号); the others
        /// name a kind of input problem. Ids never change: other programs read them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &[Rule] = &[$(Rule::$variant,)*];

            /// The stable id: `R1`, `unknown-key` …
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }
        }
    };
}

rules! {
    /// R1: per column of table 三, 一 + 二 = 三（七）总计 + 四.
    R1 = "R1",
    /// R3: a 总计 written in a row of table 三 equals the sum of the row.
    R3 = "R3",
    /// R4: the （七）总计 of table 三 equals the column sums of the results.
    R4 = "R4",
    /// R5: a 总计 written in a row of table 四 equals the sum of the row.
    R5 = "R5",
    /// R6: 上年结转 equals last year's 结转下年度继续办理 (with `--previous`).
    R6 = "R6",
    /// R7 (edition 2021): 现行有效件数 follows from last year's, 制发 and 废止.
    R7 = "R7",
    /// R8 (edition 2019): 上一年项目数量 and 对外公开总数量 follow from last year's report.
    R8 = "R8",
    /// A number in the prose that differs from the table quantity it states.
    TextTable = "text-table",
    /// A year in the prose that belongs to another report.
    StaleYear = "stale-year",
    /// A placeholder of a starting report (（请填写。）…) still in the prose.
    Placeholder = "placeholder",
    /// A section mostly repeated from last year's report (with `--previous`).
    RepeatedText = "repeated-text",
    /// Content the format requires that the prose lacks (edition 2021).
    RequiredContent = "required-content",
    /// Published after the deadline (31 January, people's governments 31 March).
    Late = "late",
    /// 层级汇总一致性: a parent report's table cell that differs from the sum of its
    /// children's (`audit --children`).
    HierarchySum = "hierarchy-sum",
    /// Two reports of one organ in an audited folder.
    DuplicateOrgan = "duplicate-organ",
    /// A table given but left empty, or all three tables zero while the prose
    /// quotes counts: the tables look unfilled.
    UnfilledTable = "unfilled-table",
    /// The previous year's report cannot be compared (another year or organ, errors).
    Previous = "previous",
    /// A published report (PDF, DOCX, HTML) read back: a number cell read with a
    /// change (blank, a dash, text beside the number), a label matched to the
    /// official one by similarity, a table in the other edition's layout, text that
    /// has no place in the data.
    Import = "import",
    /// A published report read back: a row of an official table that could not be
    /// found or read (never filled with zeros).
    ImportUnread = "import-unread",
    /// A `{{…}}` expression in the prose that is malformed or names no value.
    Expression = "expression",
    /// A character no font has (drawn as a box in the PDF, kept in its text).
    MissingGlyph = "missing-glyph",
    /// The file cannot be parsed (YAML/JSON/TOML syntax).
    Syntax = "syntax",
    /// The file could not be read at all.
    Read = "read",
    /// The file goes past a limit of the loaders (nodes, aliases, nesting, text
    /// length: [`crate::limits`]).
    Limit = "limit",
    /// A control character or noncharacter in a text (cannot be printed or stored).
    Unprintable = "unprintable",
    /// A number written as text, with full-width digits or thousands separators:
    /// read as the number it plainly is, with a warning.
    NumberFormat = "number-format",
    /// ASCII spaces between Chinese characters or beside full-width punctuation,
    /// removed with a warning (they print as half-width gaps off the character grid).
    StraySpace = "stray-space",
    /// A data file of something else: none of a report's keys.
    NotAReport = "not-a-report",
    /// A key written twice.
    DuplicateKey = "duplicate-key",
    /// A key the format does not have.
    UnknownKey = "unknown-key",
    /// A key the format requires is absent.
    MissingKey = "missing-key",
    /// A key of the other edition's tables.
    OtherEditionKey = "other-edition-key",
    /// A value of the wrong type (text for a list, …).
    Type = "type",
    /// A number cell that holds no whole number.
    NotANumber = "not-a-number",
    /// A count below zero.
    Negative = "negative",
    /// A number beyond what can be handled.
    Overflow = "overflow",
    /// A count with a fractional part.
    Fractional = "fractional",
    /// A money amount that is not a decimal number.
    Money = "money",
    /// A row with the wrong number of columns.
    RowLength = "row-length",
    /// A date that is not a real date.
    Date = "date",
    /// The edition is not 2019 or 2021.
    Edition = "edition",
    /// The report year is not a plausible year.
    Year = "year",
    /// The edition does not match the report year (2019 for 2019–2020, 2021 since).
    EditionYear = "edition-year",
    /// A workbook lacks one of its sheets.
    SheetMissing = "sheet-missing",
    /// A sheet of the workbook cannot be read.
    SheetUnreadable = "sheet-unreadable",
    /// A table sheet laid out as the other edition's form.
    SheetEdition = "sheet-edition",
    /// A table sheet whose labels or merged cells differ from the form.
    SheetLayout = "sheet-layout",
    /// A label of the 基本信息 sheet that is unknown or misplaced.
    InfoLabel = "info-label",
    /// A formula in an input cell.
    Formula = "formula",
    /// Content outside a table in a table sheet.
    OutsideTable = "outside-table",
    /// A 正文 row whose 类型 is not one of 段落/条目/分项.
    TextKind = "text-kind",
    /// A 正文 row whose 部分 is not a section of the report.
    TextSection = "text-section",
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl Rule {
    /// The rule whose stable id is `id` ([`Rule::id`]).
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

/// A position in an input file: 1-based line and column of a text file, the
/// sheet, row and column of a cell in a workbook, or a place in a published
/// report that was read back (`nianbao-import`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pos {
    /// Line (or row of a sheet), from 1; for a published report, the order of the
    /// place in the document (for sorting only).
    pub line: usize,
    /// Column in characters (or column of a sheet), from 1.
    pub column: usize,
    /// The sheet, for a position in a workbook.
    pub sheet: Option<&'static str>,
    /// The place, for a position in a published report (PDF, DOCX, HTML).
    pub source: Option<SourcePlace>,
}

/// A place in a published report read back by `nianbao-import`, all numbers from 1
/// and 0 where they do not apply: a PDF's page and the text line on that page, or a
/// DOCX/HTML document's table, row and column (the grid after merged cells are
/// spread), or its paragraph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePlace {
    /// PDF page.
    pub page: u32,
    /// PDF: text line on the page, counted from the top.
    pub line: u32,
    /// DOCX/HTML: the table, counted from the start of the document.
    pub table: u32,
    /// DOCX/HTML: the row of that table.
    pub row: u32,
    /// DOCX/HTML: the column of that table (of its grid).
    pub column: u32,
    /// DOCX/HTML: the paragraph outside tables, counted from the start.
    pub paragraph: u32,
}

impl SourcePlace {
    /// The place in words: 第3页第12行, 第2个表格第5行第4列, 第7段.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if self.page > 0 {
            s.push_str(&format!("第{}页", self.page));
            if self.line > 0 {
                s.push_str(&format!("第{}行", self.line));
            }
        }
        if self.table > 0 {
            s.push_str(&format!("第{}个表格", self.table));
            if self.row > 0 {
                s.push_str(&format!("第{}行", self.row));
            }
            if self.column > 0 {
                s.push_str(&format!("第{}列", self.column));
            }
        } else if self.paragraph > 0 {
            s.push_str(&format!("第{}段", self.paragraph));
        }
        s
    }
}

impl Pos {
    /// A position in a text file.
    pub fn text(line: usize, column: usize) -> Pos {
        Pos {
            line,
            column,
            sheet: None,
            source: None,
        }
    }

    /// A place in a published report; `order` sorts places in document order.
    pub fn source(order: usize, place: SourcePlace) -> Pos {
        Pos {
            line: order,
            column: 0,
            sheet: None,
            source: Some(place),
        }
    }

    /// The cell as a spreadsheet names it (`表三!J12`), for a position in a workbook;
    /// for a published report, its place in words ([`SourcePlace::describe`]).
    pub fn cell(&self) -> Option<String> {
        if let Some(place) = self.source {
            return Some(place.describe());
        }
        let sheet = self.sheet?;
        Some(format!("{sheet}!{}", cell_name(self.line, self.column)))
    }
}

/// A cell as a spreadsheet names it, from its 1-based row and column: (12, 10) → `J12`.
pub fn cell_name(row: usize, column: usize) -> String {
    let mut letters = String::new();
    let mut n = column;
    while n > 0 {
        letters.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{row}")
}

/// One problem found in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file it concerns (set by the caller that read the file).
    pub file: String,
    /// Error or warning.
    pub severity: Severity,
    /// The rule: `R1`…`R8`, or an input rule such as `unknown-key`, `syntax`.
    pub rule: Rule,
    /// Key path in the input, e.g. `applications.total[0]` (empty for the whole file).
    pub path: String,
    /// Line in the file, when known.
    pub line: Option<usize>,
    /// Column in the file, when known.
    pub column: Option<usize>,
    /// For a workbook: the sheet and cell, e.g. `表三!J12`; for a published report read
    /// back: its page and line, or table, row and column, e.g. `第4页第12行` (line
    /// and column are then empty).
    pub cell: Option<String>,
    /// Where, for ordering diagnostics.
    #[serde(skip)]
    pub pos: Option<Pos>,
    /// The place in the words of the official form, e.g. 表三 “（七）总计” 行 “自然人” 列.
    pub place: Option<String>,
    /// What the value should be.
    pub expected: Option<String>,
    /// What the input has.
    pub found: Option<String>,
    /// The complete message, in Chinese.
    pub message: String,
    /// A suggestion, when there is one.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new error for `rule` at `path`.
    pub fn error(rule: Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: String::new(),
            severity: Severity::Error,
            rule,
            path: path.into(),
            line: None,
            column: None,
            cell: None,
            pos: None,
            place: None,
            expected: None,
            found: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A new warning for `rule` at `path`.
    pub fn warning(rule: Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, path, message)
        }
    }

    /// The same diagnostic as a [`Severity::Note`] about another file (last year's
    /// report): never a failure, whatever its rule.
    pub fn as_note(mut self) -> Self {
        self.severity = Severity::Note;
        self
    }

    /// Whether it is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sets the position in the file.
    pub fn at(mut self, pos: Option<Pos>) -> Self {
        if let Some(p) = pos {
            self.place_at(p);
        }
        self
    }

    /// Moves the diagnostic to `p` (a line and column, or a sheet and cell).
    pub fn place_at(&mut self, p: Pos) {
        self.line = None;
        self.column = None;
        self.pos = Some(p);
        match p.cell() {
            Some(cell) => self.cell = Some(cell),
            None => {
                self.line = Some(p.line);
                self.column = Some(p.column);
            }
        }
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the place in the form's words and the expected and found values.
    pub fn cell(mut self, place: String, expected: impl ToString, found: impl ToString) -> Self {
        self.place = Some(place);
        self.expected = Some(expected.to_string());
        self.found = Some(found.to_string());
        self
    }

    /// Sets the file name.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file = file.to_string();
        self
    }
}

/// A list of diagnostics being collected.
pub type Diagnostics = Vec<Diagnostic>;

/// Whether the list holds an error (or, when `strict`, a warning). Notes never fail.
pub fn fails(diags: &[Diagnostic], strict: bool) -> bool {
    diags.iter().any(|d| match d.severity {
        Severity::Error => true,
        Severity::Warning => strict,
        Severity::Note => false,
    })
}

/// Formats diagnostics for a terminal, one block per diagnostic.
pub fn format_text(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let mut loc = d.file.clone();
        if let Some(cell) = &d.cell {
            loc.push_str(&format!(" {cell}"));
        } else if let Some(line) = d.line {
            loc.push_str(&format!(":{line}"));
            if let Some(col) = d.column {
                loc.push_str(&format!(":{col}"));
            }
        }
        out.push_str(&format!(
            "{loc}: {}[{}] {}\n",
            d.severity.chinese(),
            d.rule,
            d.message
        ));
        if !d.path.is_empty() {
            out.push_str(&format!("    键：{}\n", d.path));
        }
        if let Some(h) = &d.hint {
            out.push_str(&format!("    提示：{h}\n"));
        }
    }
    out
}

/// The sheets of the fill-in workbook users see, in order: 基本信息, 表二, 表三, 表四,
/// 正文 (the workbook's writer and reader in `nianbao-files` lay them out so).
pub const WORKBOOK_SHEETS: [&str; 5] = ["基本信息", "表二", "表三", "表四", "正文"];

/// Orders diagnostics: text files first, then the sheets in workbook order.
pub fn sheet_rank(sheet: Option<&str>) -> usize {
    match sheet {
        None => 0,
        Some(s) => {
            1 + WORKBOOK_SHEETS
                .iter()
                .position(|x| *x == s)
                .unwrap_or(WORKBOOK_SHEETS.len())
        }
    }
}
