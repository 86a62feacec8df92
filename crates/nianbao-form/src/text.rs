//! Character classes of Chinese text and the tidying of what clerks paste.
//!
//! A 公文 is set on a grid of 28 characters a line (GB/T 9704-2012, 7.1): every Han
//! character and full-width punctuation mark fills one cell, and an ASCII space fills
//! half of one. Spaces typed between Chinese characters — a folded YAML line, text
//! pasted from a PDF or a web page, a space typed before “，” — print as half-cell
//! gaps that push the rest of the line off the grid, so they are removed (and the
//! user told). Spaces between Latin words and digits (`GB/T 9704`, `Open XML`) stay.

/// A Han character: the CJK Unified Ideographs, Extension A and the supplementary
/// ideographic planes (Extensions B–I, U+20000–U+3FFFF), and the compatibility
/// ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Punctuation that fills a whole cell of the grid in Chinese text and only there:
/// the CJK symbols and punctuation block (、。《》「」【】〔〕…) and the full-width
/// forms (，：；！？（）).
pub fn is_fullwidth_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Marks that Chinese text uses at full width (GB/T 15834: “”‘’…—·) but Latin text
/// uses too (’ is also the apostrophe): Chinese only beside a Chinese character.
pub fn is_shared_punctuation(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// Whether the space run between `before` and `after` is stray: both neighbours are
/// Chinese (Han or punctuation of Chinese text), or either is full-width
/// punctuation. A space beside ’ or — between Latin words stays.
fn stray(before: char, after: char) -> bool {
    let chinese = |c: char| is_han(c) || is_fullwidth_punctuation(c) || is_shared_punctuation(c);
    let han_or_fullwidth = |c: char| is_han(c) || is_fullwidth_punctuation(c);
    (chinese(before) && chinese(after) && (han_or_fullwidth(before) || han_or_fullwidth(after)))
        || is_fullwidth_punctuation(before)
        || is_fullwidth_punctuation(after)
}

/// A space narrower than a character cell: the ASCII space, and the no-break and
/// other fixed-width spaces that text pasted from web pages and PDFs brings
/// (U+00A0, U+2002–U+200A, U+202F, U+205F). The ideographic space U+3000 fills a
/// whole cell and is left alone.
pub fn is_narrow_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{202f}' | '\u{205f}'
    )
}

/// The runs of narrow spaces in `text` that are stray, as byte ranges.
fn stray_runs(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut before: Option<char> = None;
    let mut run_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_narrow_space(c) {
            run_start.get_or_insert(i);
            continue;
        }
        if let (Some(start), Some(b)) = (run_start, before)
            && stray(b, c)
        {
            runs.push(start..i);
        }
        run_start = None;
        before = Some(c);
    }
    runs
}

/// Removes the stray spaces (see the module's words); returns the text and how many
/// runs of spaces were removed.
///
/// ```
/// use nianbao_form::text::remove_stray_spaces;
/// assert_eq!(remove_stray_spaces("工作， 围绕 市场"), ("工作，围绕市场".to_string(), 2));
/// assert_eq!(remove_stray_spaces("GB/T 9704 规定"), ("GB/T 9704 规定".to_string(), 0));
/// ```
pub fn remove_stray_spaces(text: &str) -> (String, usize) {
    let runs = stray_runs(text);
    if runs.is_empty() {
        return (text.to_string(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in &runs {
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    (out, runs.len())
}

/// The first stray space with a few characters either side, for a message
/// (`制度 ，对拟`).
pub fn first_stray_space(text: &str) -> Option<String> {
    let r = stray_runs(text).into_iter().next()?;
    let before: String = {
        let b: Vec<char> = text[..r.start].chars().rev().take(4).collect();
        b.into_iter().rev().collect()
    };
    let after: String = text[r.end..].chars().take(4).collect();
    Some(format!("{before}{}{after}", &text[r.clone()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_chinese_go_and_latin_spaces_stay() {
        let cases = [
            (
                "严格落实政府信息公开审查制度 ，对拟公开信息逐件进行保密审查 。",
                "严格落实政府信息公开审查制度，对拟公开信息逐件进行保密审查。",
                2,
            ),
            (
                "坚持以公开为常态、不公开为例外， 围绕市场准入",
                "坚持以公开为常态、不公开为例外，围绕市场准入",
                1,
            ),
            ("主动公开 政府信息", "主动公开政府信息", 1),
            ("依据 GB/T 9704-2012 排版", "依据 GB/T 9704-2012 排版", 0),
            ("共 12 件", "共 12 件", 0),
            ("Open XML SDK", "Open XML SDK", 0),
            ("“政府信息”  （见附件）", "“政府信息”（见附件）", 1),
            ("政府信息 “公开”", "政府信息“公开”", 1),
            ("主动公开\u{a0}政府信息", "主动公开政府信息", 1),
            ("主动公开\u{3000}政府信息", "主动公开\u{3000}政府信息", 0),
            (
                "Citizens’ rights — and duties",
                "Citizens’ rights — and duties",
                0,
            ),
            (" 开头和结尾 ", " 开头和结尾 ", 0),
        ];
        for (input, output, n) in cases {
            assert_eq!(
                remove_stray_spaces(input),
                (output.to_string(), n),
                "{input}"
            );
        }
        assert_eq!(
            first_stray_space("审查制度 ，对拟公开").as_deref(),
            Some("审查制度 ，对拟公")
        );
    }

    #[test]
    fn han_covers_the_extensions() {
        for c in ['中', '䶮', '𠀾', '𪚥', '\u{2B740}', '\u{31350}'] {
            assert!(is_han(c), "{c}");
        }
        assert!(!is_han('a') && !is_han('，') && !is_han('１'));
        assert!(
            is_fullwidth_punctuation('，')
                && is_fullwidth_punctuation('。')
                && is_shared_punctuation('“')
                && !is_fullwidth_punctuation('’')
        );
        assert!(!is_fullwidth_punctuation(',') && !is_fullwidth_punctuation('１'));
    }
}
