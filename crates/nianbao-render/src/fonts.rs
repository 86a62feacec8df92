//! Finding the fonts: installed official fonts when present, the bundled free
//! substitutes otherwise, one face per role, loaded once per process.
//!
//! Discovery uses fontdb (names in every language, so 仿宋_GB2312 is found by its
//! Chinese name); the chosen files are memory-mapped and handed to Typst, which
//! only reads the pages of the font it needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use nianbao_form::diag::Rule;

use crate::layout::Role;

/// Where to look for fonts.
#[derive(Clone, Debug, Default)]
pub struct FontOptions {
    /// `--font-dir`: the bundled fonts (or others) are here.
    pub font_dir: Option<PathBuf>,
    /// Whether installed fonts are searched (official fonts are then preferred).
    pub system_fonts: bool,
}

/// A font problem that stops rendering. `Display` gives the Chinese message.
#[derive(Debug)]
pub enum FontError {
    /// `--font-dir` names something that is not a folder.
    NotAFolder(PathBuf),
    /// No folder of bundled fonts was found; the folders tried.
    NoBundledFonts(Vec<PathBuf>),
    /// No face for a role, installed or bundled; the folder of bundled fonts.
    NoFace {
        /// The role without a face.
        role: Role,
        /// Where the bundled fonts were looked for.
        dir: PathBuf,
    },
    /// A face that fontdb found is not in a file.
    NotInAFile,
    /// A font file that cannot be read or is no usable font.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: String,
    },
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FontError::NotAFolder(d) => write!(f, "--font-dir {} 不是一个文件夹", d.display()),
            FontError::NoBundledFonts(tried) => write!(
                f,
                "找不到随附字体的文件夹（试过：{}）；请用 --font-dir 或环境变量 NIANBAO_FONT_DIR 指定",
                tried
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            FontError::NoFace { role, dir } => write!(
                f,
                "找不到{}所需的字体（需要以下之一：{}）；随附字体应在 {}",
                role.chinese(),
                role.candidates().join("、"),
                dir.display()
            ),
            FontError::NotInAFile => f.write_str("字体不在文件中"),
            FontError::Unreadable { path, cause } => {
                write!(f, "无法读取字体 {}：{cause}", path.display())
            }
        }
    }
}

impl std::error::Error for FontError {}

/// The face chosen for one role.
#[derive(Clone, Debug)]
pub struct Chosen {
    /// The role.
    pub role: Role,
    /// The candidate name that matched (an official name or a bundled PostScript name).
    pub matched: String,
    /// The face's PostScript name.
    pub post_script_name: String,
    /// The font file.
    pub path: PathBuf,
    /// Face index in the file.
    pub index: u32,
    /// Whether it is an installed official font (not the bundled substitute).
    pub official: bool,
    /// The loaded font.
    pub font: Font,
}

/// One face per role, loaded.
#[derive(Clone, Debug)]
pub struct FontSet {
    /// Per role, in [`Role::ALL`] order.
    pub chosen: Vec<Chosen>,
    /// The folder the bundled fonts were taken from.
    pub bundled_dir: PathBuf,
    /// Per role, the codepoints the face covers as sorted ranges: a binary search
    /// instead of Typst's linear scan of its run encoding, for every character of
    /// every report.
    coverage: Vec<Vec<(u32, u32)>>,
}

/// The covered codepoints of a face as sorted, merged ranges `start..=end`.
fn ranges(font: &Font) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for c in font.info().coverage.iter() {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => out.push((c, c)),
        }
    }
    out
}

/// The folder with the bundled fonts: `--font-dir`, `NIANBAO_FONT_DIR`, a `fonts/`
/// beside the executable, or the repository's own `fonts/` (two folders above this
/// crate) — the first that exists.
pub fn bundled_dir(options: &FontOptions) -> Result<PathBuf, FontError> {
    let mut tried = Vec::new();
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(d) = &options.font_dir {
        if !d.is_dir() {
            return Err(FontError::NotAFolder(d.clone()));
        }
        candidates.push(d.clone());
    }
    if let Some(d) = std::env::var_os("NIANBAO_FONT_DIR") {
        candidates.push(PathBuf::from(d));
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("fonts"));
    }
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    candidates.push(
        repository
            .canonicalize()
            .unwrap_or(repository)
            .join("fonts"),
    );
    for c in candidates {
        if c.is_dir() {
            return Ok(c);
        }
        tried.push(c);
    }
    Err(FontError::NoBundledFonts(tried))
}

fn names(face: &fontdb::FaceInfo) -> impl Iterator<Item = &str> {
    face.families
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(std::iter::once(face.post_script_name.as_str()))
}

fn path_of(face: &fontdb::FaceInfo) -> Option<PathBuf> {
    match &face.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
        _ => None,
    }
}

/// Maps a font file so that only the pages Typst reads are loaded.
fn load(path: &Path, index: u32) -> Result<Font, FontError> {
    let fail = |cause: String| FontError::Unreadable {
        path: path.to_path_buf(),
        cause,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    // SAFETY: the file is only read; a font file changed while mapped is outside our control
    // (as in every program that maps fonts, fontdb included).
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| fail(e.to_string()))?;
    Font::new(Bytes::new(map), index).ok_or_else(|| fail("不是可用的字体".into()))
}

impl FontSet {
    /// Finds one face per role. The bundled fonts must provide every role that no
    /// installed official font covers.
    pub fn discover(options: &FontOptions) -> Result<FontSet, FontError> {
        let dir = bundled_dir(options)?;
        let mut db = fontdb::Database::new();
        if options.system_fonts {
            db.load_system_fonts();
        }
        let system: Vec<fontdb::ID> = db.faces().map(|f| f.id).collect();
        db.load_fonts_dir(&dir);
        let mut chosen = Vec::new();
        for role in Role::ALL {
            let found = role.candidates().iter().find_map(|name| {
                let mut faces: Vec<&fontdb::FaceInfo> = db
                    .faces()
                    .filter(|f| names(f).any(|n| n == *name))
                    .collect();
                // Regular before bold for family names; a stable order among equals.
                faces.sort_by_key(|f| {
                    (
                        f.post_script_name != *name,
                        (i32::from(f.weight.0) - 400).abs(),
                        f.style != fontdb::Style::Normal,
                        path_of(f),
                        f.index,
                    )
                });
                faces.first().map(|f| (*name, *f))
            });
            let Some((matched, face)) = found else {
                return Err(FontError::NoFace {
                    role,
                    dir: dir.clone(),
                });
            };
            let path = path_of(face).ok_or(FontError::NotInAFile)?;
            let official = system.contains(&face.id) && !matched.starts_with("Fandol");
            chosen.push(Chosen {
                role,
                matched: matched.to_string(),
                post_script_name: face.post_script_name.clone(),
                font: load(&path, face.index)?,
                path,
                index: face.index,
                official,
            });
        }
        let coverage = chosen.iter().map(|c| ranges(&c.font)).collect();
        Ok(FontSet {
            chosen,
            bundled_dir: dir,
            coverage,
        })
    }

    /// The face of a role.
    pub fn get(&self, role: Role) -> &Chosen {
        self.chosen
            .iter()
            .find(|c| c.role == role)
            .expect("every role is chosen")
    }

    /// Whether the role's face, or one of the fallbacks ([`Role::FALLBACKS`]), has a
    /// glyph for `c`.
    pub fn covers(&self, role: Role, c: char) -> bool {
        let has = |r: Role| {
            let i = Role::ALL.iter().position(|x| *x == r).expect("every role");
            let ranges = &self.coverage[i];
            let at = ranges.partition_point(|(start, _)| *start <= c as u32);
            at > 0 && ranges[at - 1].1 >= c as u32
        };
        c.is_whitespace() || c.is_control() || has(role) || Role::FALLBACKS.into_iter().any(has)
    }

    /// A line per role: the role, the official name, the face used and its file.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for c in &self.chosen {
            let kind = if c.official {
                "已安装的官方字体"
            } else {
                "随附的替代字体"
            };
            out.push_str(&format!(
                "{}：{} → {}（{}，{}）\n",
                c.role.chinese(),
                c.role.official(),
                c.post_script_name,
                c.path.display(),
                kind
            ));
        }
        out
    }

    /// The characters of `text` that no font of `role` (nor the fallback) can show.
    pub fn missing(&self, role: Role, text: &str) -> Vec<char> {
        let mut out: BTreeMap<char, ()> = BTreeMap::new();
        for c in text.chars() {
            if !self.covers(role, c) {
                out.insert(c, ());
            }
        }
        out.into_keys().collect()
    }
}

/// Warnings for characters that no available font can print, at the key where they occur.
pub fn glyph_diagnostics(
    report: &nianbao_form::model::Report,
    positions: &nianbao_form::decode::Positions,
    fonts: &FontSet,
) -> Vec<nianbao_form::diag::Diagnostic> {
    let mut texts: Vec<(String, Role, &str)> =
        vec![("organ".into(), Role::Body, report.organ.as_str())];
    texts.push(("organ".into(), Role::Title, report.organ.as_str()));
    for (path, text) in nianbao_form::expr::texts(report) {
        let role = if path == "title" {
            Role::Title
        } else if path.ends_with(".title") {
            Role::Lead
        } else {
            Role::Body
        };
        texts.push((path, role, text));
    }
    for (path, text) in &report.table_texts {
        texts.push((path.clone(), Role::Heading, text.as_str()));
    }
    if let Some(o) = report.signature.as_ref().and_then(|s| s.organ.as_deref()) {
        texts.push(("signature.organ".into(), Role::Body, o));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (path, role, text) in texts {
        for c in fonts.missing(role, text) {
            if !seen.insert((path.clone(), c)) {
                continue;
            }
            out.push(
                nianbao_form::diag::Diagnostic::warning(
                    Rule::MissingGlyph,
                    &path,
                    format!(
                        "字符 “{c}”（U+{:04X}）在{}和补字字体中都没有字形，PDF 中印为方框（文本中仍是该字符）",
                        c as u32,
                        role.chinese()
                    ),
                )
                .at(positions.get(&path))
                .hint("安装含有该字的官方字体，或用 --font-dir 提供含有该字的字体"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_ranges_agree_with_typst() {
        let set = FontSet::discover(&FontOptions::default()).expect("bundled fonts");
        for c in [
            '中',
            '喆',
            'A',
            '，',
            '\u{10FFFD}',
            '镕',
            '—',
            '䶮',
            '𠀾',
            '𪚥',
            '😀',
        ] {
            let typst = |r: Role| set.get(r).font.info().coverage.contains(c as u32);
            let expected =
                c.is_whitespace() || typst(Role::Body) || Role::FALLBACKS.into_iter().any(typst);
            assert_eq!(set.covers(Role::Body, c), expected, "{c}");
        }
        assert!(!set.covers(Role::Body, '\u{10FFFD}'));
        assert!(set.covers(Role::Body, '喆'), "the fallback has it");
        // 生僻字 of the CJK extensions A and B: the bundled HanaMin faces.
        for c in ['䶮', '𠀾', '𪚥', '\u{2B740}', '\u{2CEB0}'] {
            assert!(set.covers(Role::Body, c), "U+{:04X}", c as u32);
        }
    }
}
