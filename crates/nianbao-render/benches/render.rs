//! In-process figures (`cargo bench --bench render`): one renderer (fonts loaded
//! once, Typst's world reused) and a different report for every iteration, as in
//! a batch. Whole-process figures come from `bench/run.sh`.

use std::cell::Cell;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nianbao_files::read_file;
use nianbao_form::check::check_report;
use nianbao_form::model::{Report, Values};
use nianbao_render::document::{self, Document};
use nianbao_render::export::docx;
use nianbao_render::export::pdf::{self, Standard};
use nianbao_render::fonts::{FontOptions, FontSet};
use nianbao_render::pipeline::CacheTrimmer;
use nianbao_render::typeset::Typesetter;

/// The `i`-th variant of a report: another name and other counts, so that
/// Typst's caches cannot hand back the previous layout.
fn variant(base: &Report, i: u64) -> Report {
    let mut r = base.clone();
    r.organ = format!("{}{}", r.organ, i);
    for v in r.values.values_mut() {
        if let Values::Row { values, .. } = v {
            values[0] += i as i64;
        }
    }
    r
}

fn example(name: &str) -> Report {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    read_file(&path)
        .expect("read")
        .report
        .expect("valid example")
}

fn benches(c: &mut Criterion) {
    let fonts = FontSet::discover(&FontOptions::default()).expect("fonts");
    let typesetter = Typesetter::new(&fonts);
    let trimmer = CacheTrimmer::default();
    // As `render` does: the source attached only under PDF/A-3b.
    let render_pdf = |d: &Document| {
        let pages = typesetter.typeset(d, None).expect("typeset");
        pdf::pdf(&pages, Standard::A2b)
    };
    let seed = example("xiayi-2020.yaml");
    let counter = Cell::new(0u64);
    let next = |base: &Report| -> Document {
        let i = counter.get();
        counter.set(i + 1);
        // Typst's caches trimmed as `render` trims them.
        trimmer.document_done();
        document::build(&check_report(variant(base, i))).expect("build")
    };

    let mut g = c.benchmark_group("per report");
    g.sample_size(30);
    g.bench_function("document build (seed)", |b| {
        b.iter_batched(
            || check_report(variant(&seed, 1)),
            |c| document::build(&c),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("PDF (seed)", |b| {
        b.iter_batched(|| next(&seed), |d| render_pdf(&d), BatchSize::SmallInput)
    });
    let qinghe = example("qinghe-2023.yaml");
    g.bench_function("PDF (2023 example)", |b| {
        b.iter_batched(|| next(&qinghe), |d| render_pdf(&d), BatchSize::SmallInput)
    });
    let synth: Vec<Report> = (0..8).map(nianbao_form::synth::report).collect();
    g.bench_function("PDF (six-page synthetic)", |b| {
        b.iter_batched(
            || next(&synth[counter.get() as usize % synth.len()]),
            |d| render_pdf(&d),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("HTML page (seed)", |b| {
        b.iter_batched(
            || next(&seed),
            |d| {
                nianbao_render::export::html::page(
                    &d,
                    &nianbao_render::export::html::PageMeta {
                        published: "2021-01-20".into(),
                        site: [
                            ("SiteName", None),
                            ("SiteDomain", None),
                            ("SiteIDCode", None),
                        ],
                        json_name: None,
                    },
                )
            },
            BatchSize::SmallInput,
        )
    });
    // Writing the DOCX package (each table whole: the parts come from the PDF's layout).
    g.bench_function("DOCX (seed)", |b| {
        b.iter_batched(
            || next(&seed),
            |d| docx::docx(&d, &[]),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(render, benches);
criterion_main!(render);
