//! The cost of checking one report in process (`cargo bench -p nianbao-files --bench
//! check`): reading and decoding the 2023 example, and the check stage (totals,
//! rules with table 三's fault localisation, expressions) on it as written and with
//! one to four cells of table 三 damaged (four: more than the search tries).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nianbao_files::parse::Format;
use nianbao_files::read::{read_file, read_str};
use nianbao_form::check;
use nianbao_form::model::{Report, Values};

fn example() -> (String, Report) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/qinghe-2023.yaml");
    let text = std::fs::read_to_string(&path).expect("example");
    let report = read_file(&path)
        .expect("read")
        .report
        .expect("valid example");
    (text, report)
}

/// The report with `delta` added to `path[column]`.
fn damaged(report: &Report, cells: &[(&str, usize, i64)]) -> Report {
    let mut r = report.clone();
    for &(path, column, delta) in cells {
        if let Some(Values::Row { values, .. }) = r.values.get_mut(path) {
            values[column] += delta;
        }
    }
    r
}

fn benches(c: &mut Criterion) {
    let (text, report) = example();
    let mut g = c.benchmark_group("check, 2023 example");
    g.bench_function("read and decode (YAML)", |b| {
        b.iter(|| read_str(&text, Format::Yaml))
    });
    let cases = [
        ("check, consistent", damaged(&report, &[])),
        (
            "check, one defect (结转下年度)",
            damaged(&report, &[("applications.carried_forward", 2, 3)]),
        ),
        (
            "check, two defects",
            damaged(
                &report,
                &[
                    ("applications.carried_forward", 1, 1),
                    ("applications.granted", 4, -5),
                ],
            ),
        ),
        (
            "check, three defects",
            damaged(
                &report,
                &[
                    ("applications.carried_forward", 1, 1),
                    ("applications.granted", 4, -5),
                    ("applications.new", 0, 7),
                ],
            ),
        ),
        (
            "check, four defects (past the search: rule by rule)",
            damaged(
                &report,
                &[
                    ("applications.granted", 0, -1),
                    ("applications.granted", 1, -1),
                    ("applications.granted", 2, -1),
                    ("applications.granted", 3, -1),
                ],
            ),
        ),
    ];
    for (name, r) in cases {
        g.bench_function(name, |b| {
            b.iter_batched(|| r.clone(), check::check_report, BatchSize::SmallInput)
        });
    }
    g.finish();
}

criterion_group!(check_bench, benches);
criterion_main!(check_bench);
