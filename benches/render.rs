//! In-process rendering time per report, with one renderer (fonts loaded once,
//! Typst's World reused) — the figure a batch run sees. Whole-process times are
//! measured with `/usr/bin/time -v` (see README, Performance).
//!
//! `cargo bench --bench render` (N=… renders per example, default 30).

use std::time::{Duration, Instant};

use nianbao::check::read_file;
use nianbao::document;
use nianbao::fonts::{FontOptions, FontSet};
use nianbao::render::docx;
use nianbao::render::pdf::{PdfRenderer, Standard};
use nianbao::tree::Format;
use nianbao::write;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let start = Instant::now();
    let fonts = FontSet::discover(&FontOptions::default()).expect("fonts");
    let renderer = PdfRenderer::new(&fonts);
    println!("fonts found and mapped: {:?}", start.elapsed());
    for name in ["xiayi-2020.yaml", "qinghe-2023.yaml"] {
        let decoded = read_file(&root.join("examples").join(name)).expect("read");
        let base = decoded.report.expect("valid example");
        let mut times = Vec::with_capacity(n);
        let mut build = Vec::with_capacity(n);
        let mut docx_times = Vec::with_capacity(n);
        let (mut size, mut docx_size) = (0, 0);
        for i in 0..n {
            // A different report each time (name and every count), so that Typst's
            // caches do not simply hand back the previous layout.
            let mut report = base.clone();
            report.organ = format!("{}{}", report.organ, i);
            for v in report.values.values_mut() {
                if let nianbao::model::Values::Row { values, .. } = v {
                    values[0] += i as i64;
                }
            }
            let source = write::to_string(&report, Format::Json);
            let t = Instant::now();
            let doc = document::build(&report).expect("build");
            build.push(t.elapsed());
            let pdf = renderer.pdf(&doc, Standard::A2b, &source).expect("render");
            times.push(t.elapsed());
            size = pdf.len();
            let t = Instant::now();
            let bytes = docx::docx(&doc).expect("docx");
            docx_times.push(t.elapsed());
            docx_size = bytes.len();
            if i % 10 == 9 {
                typst::comemo::evict(10);
            }
        }
        println!(
            "{name}: PDF first {:?}, median {:?} per report (document build {:?}), {} bytes; \
             DOCX median {:?}, {} bytes; {n} runs",
            times[0],
            median(times.clone()),
            median(build),
            size,
            median(docx_times),
            docx_size
        );
    }
}
