//! The crates' contracts on what they may depend on (docs/architecture.md): the
//! form crate (the form, the rules, the prose checks, the region's work) depends on
//! no file format and no typesetter, so that the rules run in any host, a browser
//! included; the readers depend on no typesetter.

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

/// The readers and writers of file formats, the archive and markup parsers, and the
/// typesetter: none of them may reach the form and its rules.
const FILE_FORMATS_AND_TYPESETTER: [&str; 22] = [
    "calamine",
    "rust_xlsxwriter",
    "csv",
    "saphyr-parser",
    "jsonc-parser",
    "toml",
    "serde_yaml",
    "zip",
    "quick-xml",
    "scraper",
    "html5ever",
    "hayro-interpret",
    "encoding_rs",
    "tempfile",
    "typst",
    "typst-layout",
    "typst-pdf",
    "docx-rs",
    "fontdb",
    "nianbao-files",
    "nianbao-import",
    "nianbao-render",
];

#[test]
fn the_form_crate_depends_on_no_file_format_and_no_typesetter() {
    let deps = dependencies("nianbao-form");
    assert!(deps.iter().any(|d| d == "serde"), "{deps:?}");
    for banned in FILE_FORMATS_AND_TYPESETTER {
        assert!(
            !deps.iter().any(|d| d == banned),
            "nianbao-form depends on {banned}: {deps:?}"
        );
    }
}

#[test]
fn the_files_crate_reads_every_kind_without_the_typesetter() {
    let deps = dependencies("nianbao-files");
    for needed in [
        "nianbao-form",
        "nianbao-import",
        "calamine",
        "saphyr-parser",
        "toml",
    ] {
        assert!(deps.iter().any(|d| d == needed), "{needed}: {deps:?}");
    }
    for banned in ["typst", "typst-pdf", "docx-rs", "fontdb", "nianbao-render"] {
        assert!(
            !deps.iter().any(|d| d == banned),
            "nianbao-files depends on {banned}"
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
