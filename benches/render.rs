//! In-process figures (`cargo bench --bench render`): one renderer (fonts loaded
//! once, Typst's world reused) and a different report for every iteration, as in
//! a batch. Whole-process figures come from `bench/run.sh`.

use std::cell::Cell;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nianbao::check::read_file;
use nianbao::document::{self, Document};
use nianbao::fonts::{FontOptions, FontSet};
use nianbao::model::{Report, Values};
use nianbao::render::docx;
use nianbao::render::pdf::{PdfRenderer, Standard};

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
        .join("examples")
        .join(name);
    read_file(&path)
        .expect("read")
        .report
        .expect("valid example")
}

fn benches(c: &mut Criterion) {
    let fonts = FontSet::discover(&FontOptions::default()).expect("fonts");
    let renderer = PdfRenderer::new(&fonts);
    let seed = example("xiayi-2020.yaml");
    let counter = Cell::new(0u64);
    let next = |base: &Report| -> (Document, String) {
        let i = counter.get();
        counter.set(i + 1);
        // As `render` does: Typst's caches trimmed every 2 documents, age 1.
        if i % 2 == 1 {
            typst::comemo::evict(1);
        }
        let r = variant(base, i);
        let source = nianbao::write::to_string(&r, nianbao::tree::Format::Json);
        (document::build(&r).expect("build"), source)
    };

    let mut g = c.benchmark_group("per report");
    g.sample_size(30);
    g.bench_function("document build (seed)", |b| {
        b.iter_batched(
            || variant(&seed, 1),
            |r| document::build(&r),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("PDF (seed)", |b| {
        b.iter_batched(
            || next(&seed),
            |(d, s)| renderer.pdf(&d, Standard::A2b, &s),
            BatchSize::SmallInput,
        )
    });
    let qinghe = example("qinghe-2023.yaml");
    g.bench_function("PDF (2023 example)", |b| {
        b.iter_batched(
            || next(&qinghe),
            |(d, s)| renderer.pdf(&d, Standard::A2b, &s),
            BatchSize::SmallInput,
        )
    });
    let synth: Vec<Report> = (0..8).map(nianbao::synth::report).collect();
    g.bench_function("PDF (six-page synthetic)", |b| {
        b.iter_batched(
            || next(&synth[counter.get() as usize % synth.len()]),
            |(d, s)| renderer.pdf(&d, Standard::A2b, &s),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("DOCX (seed)", |b| {
        b.iter_batched(|| next(&seed).0, |d| docx::docx(&d), BatchSize::SmallInput)
    });
    g.finish();
}

criterion_group!(render, benches);
criterion_main!(render);
