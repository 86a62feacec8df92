//! Prints what the readers see in a published report: blocks, then the data and
//! the diagnostics. `cargo run -p nianbao-files --example dump -- FILE`
fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let bytes = std::fs::read(&path).expect("readable");
    use nianbao_files::kinds::{self, Kind};
    let kind = kinds::of(&path, &bytes).expect("a kind nianbao reads").kind;
    let source = match kind {
        Kind::Pdf => nianbao_import::pdf::read(bytes).expect("pdf"),
        Kind::Docx => nianbao_import::docx::read(&bytes).expect("docx"),
        Kind::Html => nianbao_import::html::read(&bytes).expect("html"),
        other => panic!("{other:?} is not a published report"),
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
            nianbao_files::write::to_string(r, nianbao_files::parse::Format::Yaml)
        );
    }
    print!("{}", nianbao_form::diag::format_text(&decoded.diags));
}
