//! The check stage: a decoded report gets its totals computed once and every rule
//! run over it — the library side of `nianbao check`, and the input of the build
//! stage (`nianbao_render::document::build`).

use crate::decode::{Decoded, Positions};
use crate::diag::Diagnostic;
use crate::expr;
use crate::model::Report;
use crate::prose;
use crate::rules::{self, Computed};

/// A report that has been checked: the data, every 总计 computed from it (once,
/// here; the expressions, the rules and the document all read these), and the
/// diagnostics of the input and of every rule, in file order.
#[derive(Debug)]
pub struct Checked {
    /// The report as read.
    pub report: Report,
    /// The rows of tables 三 and 四 with every 总计 computed.
    pub totals: Computed,
    /// Where every key was written.
    pub positions: Positions,
    /// Every problem found, input problems first in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks a decoded report: input problems, the rules within the report, the
/// expressions in its prose and, with last year's report, the cross-year rules.
///
/// # Errors
/// When the file did not give a report at all (no edition, year or organ could be
/// read), the diagnostics that say why.
pub fn check(decoded: Decoded, previous: Option<&Report>) -> Result<Checked, Vec<Diagnostic>> {
    check_with(decoded, previous, &Options::default())
}

/// What a check may be told.
#[derive(Clone, Debug)]
pub struct Options {
    /// The share of a section's text repeated from last year's report above which
    /// `repeated-text` warns (0.5 by default, as some assessments count).
    pub repeat_threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            repeat_threshold: 0.5,
        }
    }
}

/// [`check`] with [`Options`].
///
/// # Errors
/// As [`check`].
pub fn check_with(
    decoded: Decoded,
    previous: Option<&Report>,
    options: &Options,
) -> Result<Checked, Vec<Diagnostic>> {
    let Decoded {
        report,
        positions,
        invalid,
        diags,
    } = decoded;
    let Some(report) = report else {
        let mut diags = diags;
        sort(&mut diags);
        return Err(diags);
    };
    let totals = rules::compute(&report);
    let mut out = diags;
    let cx = rules::Context {
        positions: &positions,
        invalid: &invalid,
    };
    out.extend(rules::check(&report, &totals, &cx));
    out.extend(expr::check(&report, &totals, &positions));
    out.extend(prose::text_against_tables(&report, &totals, &positions));
    out.extend(prose::stale_years(&report, &positions));
    out.extend(prose::placeholders(&report, &positions));
    out.extend(prose::required_content(
        &report,
        previous.is_some(),
        &positions,
    ));
    out.extend(prose::late(&report, &positions));
    if let Some(prev) = previous {
        out.extend(rules::check_previous(&report, prev, &cx));
        out.extend(prose::repeated_text(
            &report,
            prev,
            options.repeat_threshold,
            &positions,
        ));
    }
    sort(&mut out);
    Ok(Checked {
        report,
        totals,
        positions,
        diagnostics: out,
    })
}

/// Checks a report made in a program (no file, so no positions).
pub fn check_report(report: Report) -> Checked {
    let decoded = Decoded {
        report: Some(report),
        ..Decoded::default()
    };
    match check(decoded, None) {
        Ok(checked) => checked,
        Err(_) => unreachable!("a decoded value with a report gives a checked report"),
    }
}
/// Every diagnostic for a report (see [`check`]), whether or not it gave a report.
pub fn diagnostics(decoded: Decoded, previous: Option<&Report>) -> Vec<Diagnostic> {
    match check(decoded, previous) {
        Ok(checked) => checked.diagnostics,
        Err(diags) => diags,
    }
}

/// Orders diagnostics as the file reads: text lines first, then the sheets in
/// workbook order; those without a place last.
fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| {
        d.pos.map_or((usize::MAX, usize::MAX, 0), |p| {
            (crate::diag::sheet_rank(p.sheet), p.line, 0)
        })
    });
}

/// Last year's report as this year's check takes it: its data (for R6–R8 and the
/// repeated text), and what is wrong inside it as notes — it is already published,
/// so nothing in it ever makes this year's check fail.
#[derive(Debug, Default)]
pub struct Previous {
    /// The report, when it could be read.
    pub report: Option<Report>,
    /// Its own diagnostics as [`Severity::Note`](crate::diag::Severity::Note)s, and a
    /// note when it could not be read (the cross-year rules are then not run).
    pub notes: Vec<Diagnostic>,
}

/// Takes last year's report: `read` is what reading it gave (the reader's message
/// when it could not be read). The command line and the web app both take it so.
pub fn previous(read: Result<Decoded, String>) -> Previous {
    use crate::diag::Rule;
    match read {
        Ok(decoded) => match check(decoded, None) {
            Ok(checked) => Previous {
                report: Some(checked.report),
                notes: checked
                    .diagnostics
                    .into_iter()
                    .map(Diagnostic::as_note)
                    .collect(),
            },
            Err(diags) => {
                let mut notes: Vec<Diagnostic> =
                    diags.into_iter().map(Diagnostic::as_note).collect();
                notes.push(
                    Diagnostic::warning(
                        Rule::Previous,
                        "",
                        "上一年度的报告无法读出，未进行跨年度核对（R6–R8）",
                    )
                    .as_note(),
                );
                Previous {
                    report: None,
                    notes,
                }
            }
        },
        Err(message) => Previous {
            report: None,
            notes: vec![
                Diagnostic::error(Rule::Read, "", message).as_note(),
                Diagnostic::warning(
                    Rule::Previous,
                    "",
                    "上一年度的报告无法读取，未进行跨年度核对（R6–R8）",
                )
                .as_note(),
            ],
        },
    }
}
