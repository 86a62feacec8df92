//! One defect, one error: table 三's arithmetic faults are reported once, at the
//! cell most likely wrong (crates/nianbao-form/src/locate.rs). Runs without Typst.

use std::path::Path;

use nianbao_files::read_file;
use nianbao_form::check::{self, Checked};
use nianbao_form::diag::{Diagnostic, Rule};
use nianbao_form::model::{Report, Values};
use nianbao_form::tables::rows;

fn example(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    read_file(&path).unwrap().report.unwrap()
}

fn arithmetic(report: &Report) -> Vec<Diagnostic> {
    let Checked { diagnostics, .. } = check::check_report(report.clone());
    diagnostics
        .into_iter()
        .filter(|d| [Rule::R1, Rule::R3, Rule::R4].contains(&d.rule))
        .collect()
}

fn set(report: &mut Report, path: &str, column: usize, value: i64) {
    match report.values.get_mut(path) {
        Some(Values::Row {
            values,
            given_total,
        }) => {
            if column == 6 {
                *given_total = Some(value);
            } else {
                values[column] = value;
            }
        }
        _ => panic!("{path} is not a written row"),
    }
}

fn get(report: &Report, path: &str, column: usize) -> i64 {
    match report.values.get(path) {
        Some(Values::Row {
            values,
            given_total,
        }) => {
            if column == 6 {
                given_total.expect("written total")
            } else {
                values[column]
            }
        }
        _ => 0,
    }
}

fn add(report: &mut Report, path: &str, column: usize, delta: i64) {
    let v = get(report, path, column);
    set(report, path, column, v + delta);
}

const Y2021: &str = "qinghe-2023.yaml";

#[test]
fn the_examples_are_consistent() {
    for name in [Y2021, "qinghe-2022.yaml", "xiayi-2020.yaml"] {
        assert!(arithmetic(&example(name)).is_empty(), "{name}");
    }
}

/// The checking tool's fixture: the 自然人 results add up to two less than the
/// （七）总计 says, while 一 + 二 = （七）总计 + 四 holds on the printed cells.
#[test]
fn results_two_short_is_one_r4_error_and_no_r1() {
    let mut r = example(Y2021);
    add(&mut r, "applications.granted", 0, -2);
    let diags = arithmetic(&r);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.rule, Rule::R4);
    assert_eq!(d.path, "applications.total[0]");
    assert_eq!(
        d.place.as_deref(),
        Some("表三 “自然人” 列（一）至（六）各项")
    );
    let total = get(&r, rows::RESULTS_TOTAL, 0);
    assert_eq!(d.expected, Some(total.to_string()));
    assert_eq!(d.found, Some((total - 2).to_string()));
    assert!(d.message.contains("少计 2"), "{}", d.message);
}

#[test]
fn a_grand_total_two_too_high_is_one_r4_error_at_the_total() {
    let mut r = example(Y2021);
    add(&mut r, rows::RESULTS_TOTAL, 0, 2);
    add(&mut r, rows::RESULTS_TOTAL, 6, 2);
    let diags = arithmetic(&r);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, Rule::R4);
    assert_eq!(diags[0].path, "applications.total[0]");
    let total = get(&r, rows::RESULTS_TOTAL, 0);
    assert_eq!(diags[0].expected, Some((total - 2).to_string()));
    assert_eq!(diags[0].found, Some(total.to_string()));
}

#[test]
fn a_wrong_carried_forward_is_one_r1_error_there_with_the_alternatives() {
    let mut r = example(Y2021);
    add(&mut r, rows::CARRIED_FORWARD, 2, 3);
    let diags = arithmetic(&r);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.rule, Rule::R1);
    assert_eq!(d.path, "applications.carried_forward[2]");
    assert!(d.message.contains("多计 3"), "{}", d.message);
    let hint = d.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("一、本年新收"), "{hint}");
    assert!(hint.contains("二、上年结转"), "{hint}");
}

#[test]
fn two_independent_defects_are_two_errors() {
    let mut r = example(Y2021);
    add(&mut r, rows::CARRIED_FORWARD, 1, 1);
    add(&mut r, rows::RESULTS_TOTAL, 4, -5);
    add(&mut r, rows::RESULTS_TOTAL, 6, -5);
    let diags = arithmetic(&r);
    let paths: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert!(
        paths.contains(&"applications.carried_forward[1]"),
        "{paths:?}"
    );
    assert!(paths.contains(&"applications.total[4]"), "{paths:?}");
}

/// A small deterministic generator (xorshift64*), so that the damage is the same
/// on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Damages reports on purpose (1, 2 and 3 random cells of table 三, many seeds)
/// and measures how often the reported cells are exactly the damaged ones, and
/// how often every damaged cell is named (as the error's cell, among its
/// alternatives, or as "one of the results" of its column). Prints the rates
/// (`cargo test -p nianbao-files --test locate -- --nocapture`).
#[test]
fn damaged_reports_are_located() {
    let mut bases: Vec<Report> = [Y2021, "qinghe-2022.yaml", "xiayi-2020.yaml"]
        .iter()
        .map(|n| example(n))
        .collect();
    bases.extend((0..6).map(nianbao_form::synth::report));
    // More real reports to damage, for a measurement: NIANBAO_DAMAGE_DIR=../shared/cases/real.
    if let Some(dir) = std::env::var_os("NIANBAO_DAMAGE_DIR") {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        paths.sort();
        bases = paths
            .iter()
            .map(|p| read_file(p).unwrap().report.unwrap())
            .collect();
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for k in 1..=3 {
        let (mut exact, mut named, mut runs) = (0, 0, 0);
        for seed in 0..200 {
            let base = &bases[seed % bases.len()];
            let cells: Vec<(String, usize)> = base
                .values
                .iter()
                .filter(|(p, _)| p.starts_with("applications"))
                .flat_map(|(p, v)| match v {
                    Values::Row { values, .. } => (0..values.len())
                        .map(|j| (p.clone(), j))
                        .collect::<Vec<_>>(),
                    _ => Vec::new(),
                })
                .collect();
            let mut r = base.clone();
            let mut damaged: Vec<String> = Vec::new();
            while damaged.len() < k {
                let (p, j) = &cells[rng.below(cells.len())];
                let key = format!("{p}[{j}]");
                if damaged.contains(&key) {
                    continue;
                }
                let delta = 1 + rng.below(20) as i64;
                let v = get(&r, p, *j);
                let delta = if v >= delta && rng.below(2) == 0 {
                    -delta
                } else {
                    delta
                };
                set(&mut r, p, *j, v + delta);
                damaged.push(key);
            }
            let diags = arithmetic(&r);
            runs += 1;
            let mut reported: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
            reported.sort();
            let mut want: Vec<&str> = damaged.iter().map(String::as_str).collect();
            want.sort();
            if reported == want {
                exact += 1;
            }
            let all_named = damaged.iter().all(|key| {
                let (p, rest) = key.split_once('[').unwrap();
                let j: usize = rest.trim_end_matches(']').parse().unwrap();
                let place = nianbao_form::rules::place(r.edition, p, Some(j));
                diags.iter().any(|d| {
                    d.path == *key
                        || d.hint.as_deref().is_some_and(|h| h.contains(&place))
                        || (d.path.ends_with(&format!("[{j}]"))
                            && d.place
                                .as_deref()
                                .is_some_and(|x| x.contains("（一）至（六）"))
                            && p != rows::NEW
                            && p != rows::CARRIED_OVER
                            && p != rows::CARRIED_FORWARD)
                        || (d
                            .hint
                            .as_deref()
                            .is_some_and(|h| h.contains("（一）至（六）中的某一项"))
                            && ![
                                rows::NEW,
                                rows::CARRIED_OVER,
                                rows::CARRIED_FORWARD,
                                rows::RESULTS_TOTAL,
                            ]
                            .contains(&p))
                })
            });
            if all_named {
                named += 1;
            } else if std::env::var_os("LOCATE_DEBUG").is_some() {
                eprintln!("not named: {damaged:?}\n{diags:#?}");
            }
            // Never more errors than damaged cells (with three, a defect set that
            // cannot be located falls back to one error per failing rule).
            if k <= 2 {
                assert!(
                    diags.len() <= k,
                    "{k} cells damaged, {} errors: {diags:#?}",
                    diags.len()
                );
            }
        }
        println!(
            "{k} damaged cell(s): exactly the damaged cells reported in {exact}/{runs} ({:.0} %), every damaged cell named in {named}/{runs} ({:.0} %)",
            100.0 * exact as f64 / runs as f64,
            100.0 * named as f64 / runs as f64
        );
        if k == 1 {
            assert_eq!(named, runs, "a single damaged cell is always named");
        }
    }
}

fn unfilled(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.rule == Rule::UnfilledTable)
        .collect()
}

#[test]
fn an_empty_table_three_is_a_warning_not_silence() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/qinghe-2023.yaml"),
    )
    .unwrap();
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("applications:") {
            out.push_str("applications: {}\n");
            skipping = true;
            continue;
        }
        if skipping && (line.starts_with(' ') || line.starts_with('#') || line.is_empty()) {
            continue;
        }
        skipping = false;
        out.push_str(line);
        out.push('\n');
    }
    let decoded = nianbao_files::read::read_str(&out, nianbao_files::parse::Format::Yaml);
    let diags = check::diagnostics(decoded, None);
    let found = unfilled(&diags);
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0].path, "applications");
    assert!(found[0].message.contains("表三未填写"));
    assert!(found[0].line.is_some());
    // The example itself is filled.
    let filled = check::diagnostics(
        nianbao_files::read::read_str(&text, nianbao_files::parse::Format::Yaml),
        None,
    );
    assert!(unfilled(&filled).is_empty(), "{filled:#?}");
}

#[test]
fn all_tables_zero_while_the_prose_quotes_counts_is_a_warning() {
    let mut r = example(Y2021);
    for v in r.values.values_mut() {
        match v {
            Values::Row {
                values,
                given_total,
            } => {
                values.iter_mut().for_each(|x| *x = 0);
                *given_total = given_total.map(|_| 0);
            }
            Values::Int(x) => *x = 0,
            Values::Money(m) => *m = "0".into(),
        }
    }
    r.preamble = None;
    r.problems = Vec::new();
    r.other_matters = None;
    r.title = None;
    r.overview = vec![nianbao_form::model::Block::Text(
        "全年收到政府信息公开申请12件。".into(),
    )];
    let diags = check::check_report(r.clone()).diagnostics;
    assert_eq!(unfilled(&diags).len(), 1, "{diags:#?}");
    r.overview = vec![nianbao_form::model::Block::Text(
        "全年未收到政府信息公开申请。".into(),
    )];
    let diags = check::check_report(r).diagnostics;
    assert!(unfilled(&diags).is_empty(), "{diags:#?}");
}
