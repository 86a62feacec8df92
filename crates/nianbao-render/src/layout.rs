//! The GB/T 9704-2012 numbers and the fonts per role, in one place: the PDF
//! template and the DOCX writer both read them from here.

use serde::Serialize;

/// Millimetres to points.
pub fn mm_to_pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

/// Page, type area, grid and sizes of a 公文 page (formats.md §5).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Layout {
    /// Paper width and height in mm (A4, 5.1).
    pub paper_mm: (f64, f64),
    /// 天头 (top margin), mm (5.2.1).
    pub margin_top_mm: f64,
    /// Bottom margin, mm (derived: 297 − 37 − 225).
    pub margin_bottom_mm: f64,
    /// 订口 (left margin), mm.
    pub margin_left_mm: f64,
    /// Right margin, mm (derived: 210 − 28 − 156).
    pub margin_right_mm: f64,
    /// 版心 width and height, mm.
    pub type_area_mm: (f64, f64),
    /// 正文 size, pt (3号 = 16 pt).
    pub body_size_pt: f64,
    /// 每面排22行.
    pub lines_per_page: u32,
    /// 每行排28个字.
    pub chars_per_line: u32,
    /// 标题 size, pt (2号 = 22 pt).
    pub title_size_pt: f64,
    /// 页码 size, pt (4号 = 14 pt).
    pub page_number_size_pt: f64,
    /// 一字线上距版心下边缘 7 mm.
    pub page_number_gap_mm: f64,
    /// Table text size, pt (五号 = 10.5 pt).
    pub table_size_pt: f64,
    /// Distance between baselines, pt: 225 mm / 22.
    pub line_pitch_pt: f64,
    /// Width of one character cell, pt: 156 mm / 28.
    pub char_pitch_pt: f64,
}

/// The layout of every report.
pub fn gbt9704() -> Layout {
    let type_area_mm = (156.0, 225.0);
    let lines_per_page = 22;
    let chars_per_line = 28;
    Layout {
        paper_mm: (210.0, 297.0),
        margin_top_mm: 37.0,
        margin_bottom_mm: 35.0,
        margin_left_mm: 28.0,
        margin_right_mm: 26.0,
        type_area_mm,
        body_size_pt: 16.0,
        lines_per_page,
        chars_per_line,
        title_size_pt: 22.0,
        page_number_size_pt: 14.0,
        page_number_gap_mm: 7.0,
        table_size_pt: 10.5,
        line_pitch_pt: mm_to_pt(type_area_mm.1) / f64::from(lines_per_page),
        char_pitch_pt: mm_to_pt(type_area_mm.0) / f64::from(chars_per_line),
    }
}

/// What a font is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Role {
    /// 正文, 第三、四层: 仿宋.
    Body,
    /// 第一层 “一、”: 黑体.
    Heading,
    /// 第二层 “（一）”: 楷体.
    Lead,
    /// 标题: 小标宋.
    Title,
    /// 页码: 宋体.
    PageNumber,
    /// Any character the role's font lacks (rare name characters): a full-coverage font.
    Fallback,
    /// 生僻字 of the CJK Extension A (U+3400–U+4DBF, e.g. 䶮) that the fallback lacks:
    /// HanaMinA (花園明朝A), the last fallback but one.
    RareA,
    /// 生僻字 of the CJK Extensions B–F (U+20000–U+2EBEF, e.g. 𠀾 𪚥): HanaMinB (花園明朝B).
    RareB,
    /// Characters no font has (emoji, other scripts): a box, from a font whose one
    /// glyph every code point maps to (`fonts/make-last-resort.py`), so that the PDF
    /// draws a box and its text keeps the character. Not counted as covering a
    /// character: each one is still a `missing-glyph` warning.
    LastResort,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Role::Body,
        Role::Heading,
        Role::Lead,
        Role::Title,
        Role::PageNumber,
        Role::Fallback,
        Role::RareA,
        Role::RareB,
        Role::LastResort,
    ];

    /// The fallbacks, in the order they are tried after a role's own face.
    pub const FALLBACKS: [Role; 3] = [Role::Fallback, Role::RareA, Role::RareB];

    /// The official font name, as Word and WPS know it.
    pub fn official(self) -> &'static str {
        match self {
            Role::Body => "仿宋_GB2312",
            Role::Heading => "黑体",
            Role::Lead => "楷体_GB2312",
            Role::Title => "方正小标宋简体",
            Role::PageNumber => "宋体",
            Role::Fallback => "（补字）",
            Role::RareA => "（生僻字，扩展A）",
            Role::RareB => "（生僻字，扩展B–F）",
            Role::LastResort => "（缺字方框）",
        }
    }

    /// The family name the template uses for this role.
    pub fn family(self) -> &'static str {
        match self {
            Role::Body => "nb-body",
            Role::Heading => "nb-heading",
            Role::Lead => "nb-lead",
            Role::Title => "nb-title",
            Role::PageNumber => "nb-page-number",
            Role::Fallback => "nb-fallback",
            Role::RareA => "nb-rare-a",
            Role::RareB => "nb-rare-b",
            Role::LastResort => "nb-last-resort",
        }
    }

    /// The role's name in the template's data: the family without `nb-` (`body`,
    /// `heading`, `page-number` …).
    pub fn name(self) -> &'static str {
        self.family().trim_start_matches("nb-")
    }

    /// What the role is, in Chinese.
    pub fn chinese(self) -> &'static str {
        match self {
            Role::Body => "正文（仿宋）",
            Role::Heading => "一级标题（黑体）",
            Role::Lead => "二级标题（楷体）",
            Role::Title => "标题（小标宋）",
            Role::PageNumber => "页码（宋体）",
            Role::Fallback => "补字（全字库）",
            Role::RareA => "生僻字（CJK 扩展 A）",
            Role::RareB => "生僻字（CJK 扩展 B–F）",
            Role::LastResort => "缺字方框（任何字体都没有的字）",
        }
    }

    /// Faces to use, best first: the installed official fonts under their Chinese
    /// and English names, then the bundled free substitute (matched by PostScript name).
    pub fn candidates(self) -> &'static [&'static str] {
        match self {
            Role::Body => &[
                "仿宋_GB2312",
                "FangSong_GB2312",
                "方正仿宋_GBK",
                "FZFangSong-Z02S",
                "仿宋",
                "FangSong",
                "FandolFang-Regular",
            ],
            Role::Heading => &[
                "黑体",
                "SimHei",
                "方正黑体_GBK",
                "FZHei-B01S",
                "FandolHei-Regular",
            ],
            Role::Lead => &[
                "楷体_GB2312",
                "KaiTi_GB2312",
                "方正楷体_GBK",
                "FZKai-Z03S",
                "楷体",
                "KaiTi",
                "FandolKai-Regular",
            ],
            Role::Title => &[
                "方正小标宋简体",
                "FZXiaoBiaoSong-B05S",
                "方正小标宋_GBK",
                "FZXiaoBiaoSong-B05",
                "FandolSong-Bold",
            ],
            Role::PageNumber => &["宋体", "SimSun", "FandolSong-Regular"],
            Role::Fallback => &["LXGWWenKai-Regular", "LXGW WenKai", "霞鹜文楷"],
            Role::RareA => &["HanaMinA"],
            Role::RareB => &["HanaMinB"],
            Role::LastResort => &["NianbaoLastResort-Regular"],
        }
    }
}

/// Serialises a role as the template names it ([`Role::name`]).
pub fn serialize_role<S: serde::Serializer>(role: &Role, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(role.name())
}
