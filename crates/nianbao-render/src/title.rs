//! Breaking the title into lines (GB/T 9704-2012, 7.3.1): “标题回行时，要做到词意完整，
//! 排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形。”
//!
//! A title that fits one line of the type area stays one line. A longer one is cut
//! between words (ICU's dictionary segmenter for Chinese, [`crate::document::words`]),
//! inside the organ's name only after the name of a unit (…市 | …局, never inside
//! 发展和改革委员会), preferably between the organ and the year; among the cuts
//! that fit, the one whose lines are the most even wins, with lines that form a
//! trapezoid (each line no longer, or no shorter, than the one before) or a diamond
//! (longest in the middle), no middle line of one word and no last line of one or
//! two characters (an orphaned “报告”). A line break written in the title is kept
//! as written.

use crate::document::words;

/// The width of a text in character cells of its own size: a Chinese character or
/// full-width mark is one cell, an ASCII letter or digit half of one (the title
/// fonts' digits are half-width).
pub fn cells(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// Endings of the names of units inside an organ's name, after which its name may
/// break: 新疆生产建设兵团 | 第八师 | 石河子市 | 发展和改革委员会.
const UNIT_ENDINGS: &[&str] = &[
    "自治区",
    "自治州",
    "自治县",
    "特别行政区",
    "省",
    "市",
    "县",
    "区",
    "州",
    "盟",
    "旗",
    "镇",
    "乡",
    "街道",
    "兵团",
    "师",
    "人民政府",
    "政府",
    "委员会",
    "管委会",
    "委",
    "办公厅",
    "办公室",
    "厅",
    "局",
    "分局",
    "院",
    "中心",
    "办事处",
    "处",
    "所",
    "站",
    "部",
    "署",
    "总队",
    "支队",
    "大队",
    "社区",
];

/// Phrases of the report's name that a line never breaks inside.
const WHOLE_PHRASES: &[&str] = &["政府信息公开", "工作年度报告"];

/// Whether a cut at byte `at` splits a number from its unit (`2023|年`) or one of
/// the [`WHOLE_PHRASES`].
fn forbidden(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    if before.is_some_and(|c| c.is_ascii_alphanumeric()) && after.is_some_and(|c| !c.is_ascii()) {
        return true;
    }
    WHOLE_PHRASES.iter().any(|p| {
        text.match_indices(p)
            .any(|(start, m)| at > start && at < start + m.len())
    })
}

/// How much a cut costs by where it falls, in squared cells (the unit of
/// evenness): between the organ and the rest is preferred (a negative cost), between two words
/// of the rest a little, after a unit inside the organ's name a little more.
const COST_AT_ORGAN_END: f64 = -10.0;
const COST_BETWEEN_WORDS: f64 = 8.0;
const COST_INSIDE_ORGAN: f64 = 10.0;
/// The cost of a shape other than a trapezoid or a diamond (an hourglass).
const COST_SHAPE: f64 = 1000.0;
/// The cost of each line beyond the fewest that can hold the title.
const COST_EXTRA_LINE: f64 = 50.0;
/// The shortest last line, in cells.
const MIN_LAST_LINE: f64 = 3.0;
/// The most lines a title is broken into here.
const MAX_LINES: usize = 5;

/// The lines joined back into the title's one-line text: a space where both sides
/// are Latin letters or digits (the cut was at a space), nothing between Chinese.
pub fn join(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.chars().next_back()) && latin(l.chars().next()) {
            out.push(' ');
        }
        out.push_str(l);
    }
    out
}

/// The places where the title may break, as byte offsets with their cost.
fn candidates(text: &str, organ: &str) -> Vec<(usize, f64)> {
    let organ_span = text
        .find(organ)
        .filter(|_| !organ.is_empty())
        .map(|s| (s, s + organ.len()));
    let mut at = 0;
    let mut out = Vec::new();
    let pieces = words(text);
    for piece in &pieces[..pieces.len().saturating_sub(1)] {
        at += piece.len();
        let cost = match organ_span {
            Some((_, end)) if at == end => Some(COST_AT_ORGAN_END),
            Some((start, end)) if at > start && at < end => UNIT_ENDINGS
                .iter()
                .any(|u| text[start..at].ends_with(u))
                .then_some(COST_INSIDE_ORGAN),
            _ => Some(COST_BETWEEN_WORDS),
        };
        if let Some(cost) = cost
            && !forbidden(text, at)
            && !text[..at].trim().is_empty()
            && !text[at..].trim().is_empty()
        {
            out.push((at, cost));
        }
    }
    // The organ's end even where the segmenter joined it to the next word.
    if let Some((_, end)) = organ_span
        && end < text.len()
        && !out.iter().any(|(a, _)| *a == end)
    {
        out.push((end, COST_AT_ORGAN_END));
        out.sort_by_key(|c| c.0);
    }
    out
}

/// Whether line lengths form a trapezoid (never longer, or never shorter, than the
/// line before) or a diamond (rising to the longest, then falling).
fn well_shaped(lengths: &[f64]) -> bool {
    let rising = lengths.windows(2).all(|w| w[1] >= w[0]);
    let falling = lengths.windows(2).all(|w| w[1] <= w[0]);
    let peak = lengths
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    let diamond = lengths[..=peak].windows(2).all(|w| w[1] >= w[0])
        && lengths[peak..].windows(2).all(|w| w[1] <= w[0]);
    rising || falling || diamond
}

/// The title's lines for a type area `capacity` cells wide (2号 title: 156 mm /
/// 22 pt = 20 cells). One line when it fits; the lines written when the title holds
/// line breaks; otherwise the best cut (see the module's words), or, when no cut
/// fits, the title as one line for the typesetter to break.
pub fn lines(title: &str, organ: &str, capacity: f64) -> Vec<String> {
    if title.contains('\n') {
        return title
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }
    if cells(title) <= capacity {
        return vec![title.to_string()];
    }
    // Longer than the most lines tried: the typesetter breaks it (the search would
    // only cost time).
    if cells(title) > capacity * MAX_LINES as f64 {
        return vec![title.to_string()];
    }
    let cands = candidates(title, organ);
    // Every boundary between words, allowed as a cut or not (for "one word").
    let mut boundaries = Vec::new();
    let mut at = 0;
    for piece in words(title) {
        at += piece.len();
        boundaries.push(at);
    }
    let fewest = (cells(title) / capacity).ceil() as usize;
    let mut best: Option<(f64, Vec<usize>)> = None;
    for n in fewest..=(fewest + 1).min(MAX_LINES) {
        let mut chosen = Vec::with_capacity(n - 1);
        search(
            title,
            &cands,
            &boundaries,
            0,
            n - 1,
            capacity,
            &mut chosen,
            &mut |cuts, cost| {
                let total = cost + COST_EXTRA_LINE * (n - fewest) as f64;
                if best.as_ref().is_none_or(|b| total < b.0) {
                    best = Some((total, cuts.to_vec()));
                }
            },
        );
    }
    let Some((_, cuts)) = best else {
        return vec![title.to_string()];
    };
    let mut out = Vec::new();
    let mut at = 0;
    for c in cuts.into_iter().chain([title.len()]) {
        out.push(title[at..c].trim().to_string());
        at = c;
    }
    out
}

/// Tries every choice of `left` more cuts among `cands[from..]`, reporting each
/// whose lines all fit, with its cost.
#[allow(clippy::too_many_arguments)]
fn search(
    title: &str,
    cands: &[(usize, f64)],
    boundaries: &[usize],
    from: usize,
    left: usize,
    capacity: f64,
    chosen: &mut Vec<usize>,
    report: &mut impl FnMut(&[usize], f64),
) {
    let start = chosen.last().copied().unwrap_or(0);
    if left == 0 {
        let mut bounds = vec![0];
        bounds.extend(chosen.iter().copied());
        bounds.push(title.len());
        let texts: Vec<&str> = bounds
            .windows(2)
            .map(|w| title[w[0]..w[1]].trim())
            .collect();
        let lengths: Vec<f64> = texts.iter().map(|t| cells(t)).collect();
        if lengths.iter().any(|&l| l > capacity || l == 0.0)
            || *lengths.last().expect("a line") < MIN_LAST_LINE
        {
            return;
        }
        // A middle line of a single word reads as a fragment.
        let one_word = |w: &[usize]| !boundaries.iter().any(|&b| b > w[0] && b < w[1]);
        let windows: Vec<&[usize]> = bounds.windows(2).collect();
        if windows.len() > 2 && windows[1..windows.len() - 1].iter().any(|w| one_word(w)) {
            return;
        }
        let mean = lengths.iter().sum::<f64>() / lengths.len() as f64;
        let evenness: f64 = lengths.iter().map(|l| (l - mean).powi(2)).sum();
        let placed: f64 = chosen
            .iter()
            .map(|c| cands.iter().find(|x| x.0 == *c).map_or(0.0, |x| x.1))
            .sum();
        let shape = if well_shaped(&lengths) {
            0.0
        } else {
            COST_SHAPE
        };
        report(chosen, evenness + placed + shape);
        return;
    }
    for i in from..cands.len() {
        let at = cands[i].0;
        if cells(title[start..at].trim()) > capacity {
            break;
        }
        // What is left must fit in the lines left.
        if cells(title[at..].trim()) > capacity * left as f64 {
            continue;
        }
        chosen.push(at);
        search(
            title,
            cands,
            boundaries,
            i + 1,
            left - 1,
            capacity,
            chosen,
            report,
        );
        chosen.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDTH: f64 = 20.0;

    #[test]
    fn a_title_that_fits_stays_one_line() {
        assert_eq!(
            lines("某县某局2023年政府信息公开工作年度报告", "某县某局", WIDTH).len(),
            1
        );
    }

    #[test]
    fn the_standard_title_breaks_between_organ_and_year() {
        assert_eq!(
            lines(
                "青禾市市场监督管理局2023年政府信息公开工作年度报告",
                "青禾市市场监督管理局",
                WIDTH
            ),
            ["青禾市市场监督管理局", "2023年政府信息公开工作年度报告"]
        );
    }

    #[test]
    fn a_long_organ_breaks_after_a_unit_never_inside_a_name() {
        let organ = "新疆生产建设兵团第八师石河子市发展和改革委员会";
        let got = lines(
            &format!("{organ}2023年政府信息公开工作年度报告"),
            organ,
            WIDTH,
        );
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|l| cells(l) <= WIDTH), "{got:?}");
        assert!(
            got.iter().any(|l| l.contains("发展和改革委员会")),
            "{got:?}"
        );
        assert_eq!(got.last().unwrap(), "2023年政府信息公开工作年度报告");
        let lengths: Vec<f64> = got.iter().map(|l| cells(l)).collect();
        assert!(well_shaped(&lengths), "{got:?}");
    }

    #[test]
    fn no_orphaned_last_word() {
        let title = "青禾市人民政府办公室关于2023年政府信息公开工作年度报告";
        let got = lines(title, "青禾市人民政府办公室", WIDTH);
        assert!(cells(got.last().unwrap()) >= MIN_LAST_LINE, "{got:?}");
        assert_ne!(got.last().unwrap(), "报告");
        assert_eq!(got.concat(), title);
    }

    #[test]
    fn odd_titles_do_not_break_badly() {
        // All ASCII, an organ that is not in the title, no organ, a very long title.
        for (title, organ) in [
            (
                "Annual Report on Government Information Disclosure of the County Bureau 2023",
                "x",
            ),
            (
                "某某县人民政府办公室关于印发2023年度政府信息公开工作年度报告的通知",
                "青禾市某局",
            ),
            (
                "某某县人民政府办公室关于印发2023年度政府信息公开工作年度报告的通知",
                "",
            ),
            (&"政府信息公开工作年度报告".repeat(12), "某局"),
        ] {
            let got = lines(title, organ, WIDTH);
            assert_eq!(
                got.concat().replace(' ', ""),
                title.replace(' ', ""),
                "{got:?}"
            );
            assert!(
                got.len() == 1 || got.iter().all(|l| cells(l) <= WIDTH),
                "{got:?}"
            );
        }
    }

    #[test]
    fn written_line_breaks_are_kept() {
        assert_eq!(
            lines("某局\n2023年度报告", "某局", WIDTH),
            ["某局", "2023年度报告"]
        );
    }

    #[test]
    fn shapes() {
        assert!(well_shaped(&[10.0, 15.0]));
        assert!(well_shaped(&[11.0, 13.0, 15.0]));
        assert!(well_shaped(&[8.0, 16.0, 15.0]));
        assert!(!well_shaped(&[15.0, 8.0, 15.0]));
    }
}
