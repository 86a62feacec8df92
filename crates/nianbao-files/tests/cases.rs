//! Annotated cases: every data file under `tests/cases/faults` and `tests/cases/checks`
//! carries the diagnostics it must give in its own comments, so that a clerk who
//! finds a wrong message adds a file, not Rust (as Typst annotates its test fixtures).
//!
//! ```yaml
//! # 错误 R4 applications.total[0]
//! # 警告 placeholder overview[0]
//! # 上年 qinghe-2022.yaml
//! ```
//!
//! A line `# 错误|警告 RULE KEY` expects one diagnostic of that severity, rule id and key
//! path (`-` for none); the errors and warnings found must be exactly those listed, as
//! many times as listed (notes are not compared). `# 通过` says the file gives none.
//! `# 上年 FILE` checks against last year's report (a path beside the file, or under
//! `examples/`). A file that cannot hold comments (a workbook, JSON) has them in
//! `<file>.expected` beside it. Run one file: `NIANBAO_CASE=name cargo test -p
//! nianbao-files --test cases`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nianbao_files::kinds;
use nianbao_form::check::{self, Options};
use nianbao_form::diag::Severity;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a case says it must give.
#[derive(Default)]
struct Expected {
    found: BTreeMap<(String, String, String), usize>,
    passes: bool,
    previous: Option<PathBuf>,
}

fn expected(case: &Path) -> Expected {
    let sidecar = PathBuf::from(format!("{}.expected", case.display()));
    let text = std::fs::read_to_string(&sidecar)
        .or_else(|_| std::fs::read_to_string(case))
        .unwrap_or_default();
    let mut out = Expected::default();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix('#') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        match words.as_slice() {
            ["通过"] => out.passes = true,
            ["上年", file] => {
                let beside = case.with_file_name(file);
                out.previous = Some(if beside.exists() {
                    beside
                } else {
                    root().join("examples").join(file)
                });
            }
            [severity @ ("错误" | "警告"), rule, key] => {
                let key = if *key == "-" { "" } else { key };
                *out.found
                    .entry((severity.to_string(), rule.to_string(), key.to_string()))
                    .or_insert(0) += 1;
            }
            _ => {}
        }
    }
    out
}

fn severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Error => Some("错误"),
        Severity::Warning => Some("警告"),
        Severity::Note => None,
    }
}

/// The annotated cases, in name order (`NIANBAO_CASE` keeps those whose name holds it).
fn cases() -> Vec<PathBuf> {
    let only = std::env::var("NIANBAO_CASE").ok();
    let mut out = Vec::new();
    for dir in ["tests/cases/faults", "tests/cases/checks"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let data = kinds::is(&p, kinds::Role::Data);
            let wanted = only
                .as_deref()
                .is_none_or(|o| p.to_string_lossy().contains(o));
            if data && wanted {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_annotated_case_gives_exactly_its_diagnostics() {
    let cases = cases();
    assert!(cases.len() >= 8, "the cases folders hold {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let want = expected(case);
        assert!(
            want.passes || !want.found.is_empty(),
            "{}: no annotation (# 错误 RULE KEY, # 警告 RULE KEY, or # 通过)",
            case.display()
        );
        let previous = want.previous.as_ref().map(|p| {
            nianbao_files::read_file(p)
                .unwrap_or_else(|e| panic!("{e}"))
                .report
                .unwrap_or_else(|| panic!("{}: no report", p.display()))
        });
        let decoded = nianbao_files::read_file(case).unwrap_or_else(|e| panic!("{e}"));
        let diags = match check::check_with(decoded, previous.as_ref(), &Options::default()) {
            Ok(c) => c.diagnostics,
            Err(d) => d,
        };
        let mut got: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for d in &diags {
            if let Some(s) = severity(d.severity) {
                *got.entry((s.to_string(), d.rule.id().to_string(), d.path.clone()))
                    .or_insert(0) += 1;
            }
        }
        if got != want.found {
            let list = |m: &BTreeMap<(String, String, String), usize>| {
                m.iter()
                    .flat_map(|((s, r, k), n)| {
                        let k = if k.is_empty() { "-" } else { k.as_str() };
                        std::iter::repeat_n(format!("# {s} {r} {k}"), *n)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            failures.push(format!(
                "{}\n  expected:\n{}\n  found:\n{}\n  messages:\n{}",
                case.display(),
                list(&want.found),
                list(&got),
                diags
                    .iter()
                    .map(|d| format!("    {}", d.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
