//! The limits every loader holds, so that no input file — an alias bomb, a zip bomb,
//! deep nesting, a sheet that claims a million rows — can exhaust the machine.
//!
//! A report is small: the largest real one we know (hongze-district-2024) is 14 KB of
//! YAML, about 330 values and 9,000 characters of prose, and its workbook unpacks to
//! under 200 KB. Each limit is set one to two orders of magnitude above that, so that no
//! real report comes near it, and low enough that a file under 1 MB is refused in well
//! under a second and under 200 MB of memory (measured: see README, "Limits").
//! A file over a limit is refused as a whole with a Chinese message naming the file
//! and, where known, the line; nothing is half-read.

/// Largest YAML, JSON or TOML file read, in bytes (2 MiB).
pub const MAX_TEXT_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Largest workbook (.xlsx) file read, in bytes (8 MiB, packed).
pub const MAX_WORKBOOK_BYTES: u64 = 8 * 1024 * 1024;

/// Largest unpacked size of one part (file) inside a workbook, in bytes (16 MiB),
/// counted while decompressing (the sizes a zip declares are not trusted).
pub const MAX_WORKBOOK_PART_BYTES: u64 = 16 * 1024 * 1024;

/// Largest unpacked size of all parts of a workbook together, in bytes (48 MiB).
pub const MAX_WORKBOOK_UNPACKED_BYTES: u64 = 48 * 1024 * 1024;

/// Most parts (files) inside a workbook package (our workbook has 15).
pub const MAX_WORKBOOK_PARTS: usize = 1_000;

/// Most rows a worksheet may reach (the 正文 sheet of a long report has about 60).
/// Spreadsheet readers allocate the whole rectangle up to the last cell, so a single
/// cell at row 1,048,576 would cost gigabytes.
pub const MAX_SHEET_ROWS: u32 = 5_000;

/// Most columns a worksheet may reach (table 三 has 10).
pub const MAX_SHEET_COLUMNS: u32 = 200;

/// Most cells in one worksheet.
pub const MAX_SHEET_CELLS: u64 = 200_000;

/// Most values (scalars, lists and maps) in a file's tree, counting every YAML alias
/// at the size of what it repeats (a report has about 400).
pub const MAX_NODES: usize = 50_000;

/// Most text a file's values hold together, in bytes (16 MiB), counting each YAML
/// alias at the text it repeats: one long text repeated by many aliases is refused
/// before it is copied.
pub const MAX_EXPANDED_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// Deepest nesting of lists and maps (a report nests 4 deep: applications.refused.
/// state_secret[0]).
pub const MAX_DEPTH: usize = 32;

/// Longest text value, in characters (a whole report's prose is about 10,000).
pub const MAX_TEXT_CHARS: usize = 200_000;

/// The nesting depth of JSON or TOML text before it is parsed: the parsers recurse,
/// so a file of a million `[` would overflow the stack. Brackets inside strings and
/// comments are not counted. Returns the 1-based line and column of the first bracket
/// that goes deeper than [`MAX_DEPTH`], if any.
///
/// `toml` selects TOML's strings (`'…'`, `'''…'''`, `"""…"""`) and `#` comments.
pub fn too_deep(text: &str, toml: bool) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut i = 0;
    let column = |at: usize, start: usize| text[start..at].chars().count() + 1;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((line, column(i, line_start)));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if toml => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if toml || b == b'"' => {
                let triple = toml && bytes[i..].starts_with(&[b, b, b]);
                let escapes = b == b'"';
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    let c = bytes[i];
                    if c == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    if escapes && c == b'\\' {
                        i += 2;
                        continue;
                    }
                    if c == b && (!triple || bytes[i..].starts_with(&[b, b, b])) {
                        i += if triple { 3 } else { 1 };
                        // A multi-line string may end in up to two more quotes.
                        if triple {
                            let mut extra = 0;
                            while extra < 2 && bytes.get(i) == Some(&b) {
                                i += 1;
                                extra += 1;
                            }
                        }
                        break;
                    }
                    // A TOML one-line string ends at the line's end (JSON strings
                    // run on: a lenient parser takes a raw line break in them).
                    if c == b'\n' && toml && !triple {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A character that cannot be printed or stored in a report's text, or that would
/// print the text otherwise than it reads: the C0 controls
/// other than tab, line feed and carriage return (U+0000–U+001F), DEL and the C1
/// controls (U+007F–U+009F), and the noncharacters U+FFFE and U+FFFF (and the other
/// noncharacters U+FDD0–U+FDEF and U+nFFFE/U+nFFFF of every plane), and the
/// direction controls ([`is_direction_control`]). XML 1.0, and so DOCX and XLSX,
/// cannot hold most of them; a PDF would print nothing.
pub fn is_unprintable(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7F..=0x9F).contains(&u)
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
        || is_direction_control(c)
}

/// The bidirectional embedding, override and isolate controls (U+202A–U+202E,
/// U+2066–U+2069): invisible, and they reorder the characters after them (a
/// right-to-left override pasted into an organ's name prints it backwards).
pub fn is_direction_control(c: char) -> bool {
    matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&deep, false), Some((1, MAX_DEPTH + 1)));
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH), false), None);
        let quoted = format!("{{\"a\": \"{}\"}}", "[".repeat(100));
        assert_eq!(too_deep(&quoted, false), None);
        let escaped = format!("{{\"a\": \"\\\"{}\"}}", "[".repeat(100));
        assert_eq!(too_deep(&escaped, false), None);
        let toml = format!(
            "a = '''{}'''\n# {}\nb = \"x\"\n",
            "[".repeat(99),
            "{".repeat(99)
        );
        assert_eq!(too_deep(&toml, true), None);
        let toml_deep = format!("x = 1\na = {}", "[".repeat(40));
        assert_eq!(too_deep(&toml_deep, true), Some((2, 5 + MAX_DEPTH)));
        // A multi-line string closed by four quotes, then deep nesting.
        let tricky = format!("a = \"\"\"x\"\"\"\"\nb = {}", "[".repeat(40));
        assert!(too_deep(&tricky, true).is_some());
        // A JSON string with a raw line break, then deep nesting.
        let json = format!("{{\"a\": \"x\ny\", \"b\": {}}}", "[".repeat(40));
        assert!(too_deep(&json, false).is_some());
    }

    #[test]
    fn unprintable_characters() {
        for c in [
            '\0',
            '\u{7}',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{fdd0}',
            '\u{202e}',
            '\u{2067}',
        ] {
            assert!(is_unprintable(c), "{:?}", c);
        }
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'a',
            '中',
            '\u{a0}',
            '\u{fffd}',
            '\u{2000b}',
        ] {
            assert!(!is_unprintable(c), "{:?}", c);
        }
    }
}
