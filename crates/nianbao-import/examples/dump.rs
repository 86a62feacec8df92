//! Prints what the readers see in a published report: blocks, then the data and
//! the diagnostics. `cargo run -p nianbao-import --example dump -- FILE`
fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let bytes = std::fs::read(&path).expect("readable");
    let kind = nianbao_import::sniff(&bytes, nianbao_import::Kind::from_path(path.as_ref()))
        .expect("kind");
    let source = match kind {
        nianbao_import::Kind::Pdf => nianbao_import::pdf::read(bytes).expect("pdf"),
        nianbao_import::Kind::Docx => nianbao_import::docx::read(&bytes).expect("docx"),
        nianbao_import::Kind::Html => nianbao_import::html::read(&bytes).expect("html"),
    };
    if std::env::var_os("BLOCKS").is_some() {
        for b in &source.blocks {
            match b {
                nianbao_import::source::Block::Para(p) => {
                    println!("P {} | {}", p.place.describe(), p.text)
                }
                nianbao_import::source::Block::Table(t) => {
                    println!("TABLE grid={}", t.grid);
                    for r in &t.rows {
                        let cells: Vec<String> = r
                            .pieces
                            .iter()
                            .map(|p| format!("{}@{:.0}", p.text, p.x0))
                            .collect();
                        println!("  R p{} y{:.0}: {}", r.page, r.y, cells.join(" | "));
                    }
                }
            }
        }
    }
    let decoded = nianbao_import::build(source);
    if let Some(r) = &decoded.report {
        println!(
            "{}",
            nianbao_form::write::to_string(r, nianbao_form::tree::Format::Yaml)
        );
    }
    print!("{}", nianbao_form::diag::format_text(&decoded.diags));
}
