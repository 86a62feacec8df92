//! In-process time to read a published report (issue 13's goals: a 10-page PDF under
//! 100 ms, DOCX and HTML under 20 ms). `cargo bench -p nianbao-import`; the
//! whole-process figures with memory are `bench/import.sh`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

fn published(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/cases/published")
        .join(name)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    for (name, kind) in [
        ("huaian-city-2024.pdf", nianbao_import::Kind::Pdf),
        ("pingtan-zone-2025.html", nianbao_import::Kind::Html),
    ] {
        let path = published(name);
        if !path.exists() {
            eprintln!("{} not found: skipped", path.display());
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable");
        group.bench_function(name, |b| {
            b.iter(|| nianbao_import::read_bytes(bytes.clone(), kind).expect("reads"))
        });
    }
    if let Ok(docx) = std::env::var("NIANBAO_BENCH_DOCX") {
        let bytes = std::fs::read(&docx).expect("readable");
        group.bench_function("docx", |b| {
            b.iter(|| {
                nianbao_import::read_bytes(bytes.clone(), nianbao_import::Kind::Docx)
                    .expect("reads")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
