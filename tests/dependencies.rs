//! The crates' contracts on what they may depend on (docs/architecture.md): the
//! form crate builds without the typesetter, so that checking can be used by
//! other programs, a server and later WebAssembly.

use std::process::Command;

/// The packages `package` depends on for normal builds, one name each.
fn dependencies(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "-p", package])
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_form_crate_does_not_depend_on_the_typesetter() {
    let deps = dependencies("nianbao-form");
    assert!(deps.iter().any(|d| d == "calamine"), "{deps:?}");
    for banned in [
        "typst",
        "typst-layout",
        "typst-pdf",
        "docx-rs",
        "fontdb",
        "nianbao-render",
    ] {
        assert!(
            !deps.iter().any(|d| d == banned),
            "nianbao-form depends on {banned}"
        );
    }
}

#[test]
fn the_render_crate_does_not_depend_on_the_binary() {
    let deps = dependencies("nianbao-render");
    assert!(deps.iter().any(|d| d == "typst"), "{deps:?}");
    assert!(deps.iter().any(|d| d == "nianbao-form"), "{deps:?}");
    assert!(!deps.iter().any(|d| d == "nianbao"), "{deps:?}");
}

#[test]
fn the_import_crate_reads_without_the_typesetter() {
    let deps = dependencies("nianbao-import");
    for needed in ["nianbao-form", "hayro-interpret", "scraper", "encoding_rs"] {
        assert!(deps.iter().any(|d| d == needed), "{needed}: {deps:?}");
    }
    for banned in ["typst", "typst-pdf", "docx-rs", "fontdb", "nianbao-render"] {
        assert!(
            !deps.iter().any(|d| d == banned),
            "nianbao-import depends on {banned}"
        );
    }
}
