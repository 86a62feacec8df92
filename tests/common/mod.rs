//! Helpers shared by the integration tests: run the real binary on real files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An example file by name.
pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// Runs `nianbao` with the arguments.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao")
}

/// Runs `nianbao` in a directory.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run nianbao")
}

/// Exit status of a finished run.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The result of `nianbao check --format json` on some text written to a file.
pub struct Checked {
    pub code: i32,
    pub diags: Vec<Value>,
    pub text: String,
}

impl Checked {
    /// The diagnostics with this rule id.
    pub fn rule(&self, rule: &str) -> Vec<&Value> {
        self.diags.iter().filter(|d| d["rule"] == rule).collect()
    }

    /// The only diagnostic with this rule id (fails otherwise).
    pub fn one(&self, rule: &str) -> &Value {
        let found = self.rule(rule);
        assert_eq!(found.len(), 1, "expected one {rule}, got {:#?}", self.diags);
        found[0]
    }

    /// Line (1-based) of the first line of the checked text that contains `needle`.
    pub fn line_of(&self, needle: &str) -> u64 {
        line_of(&self.text, needle)
    }
}

pub fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?}")) as u64
        + 1
}

/// Writes `text` as `name` in a fresh folder and checks it.
pub fn check_text(name: &str, text: &str, extra: &[&str]) -> Checked {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write input");
    let mut args = vec!["check", "--format", "json", path.to_str().expect("utf8")];
    args.extend(extra);
    let o = run(&args);
    let diags: Vec<Value> = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json output: {e}\n{}", stdout(&o)));
    Checked {
        code: code(&o),
        diags,
        text: text.to_string(),
    }
}

/// An example's text with `from` replaced by `to` (which must occur exactly once).
pub fn edit(example_name: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(example(example_name)).expect("read example");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur once in {example_name}"
    );
    text.replacen(from, to, 1)
}

/// An example's text with the one line that starts with `start` replaced by `to`
/// (which may be several lines).
pub fn replace_line(example_name: &str, start: &str, to: &str) -> String {
    let text = std::fs::read_to_string(example(example_name)).expect("read example");
    assert_eq!(
        text.lines().filter(|l| l.starts_with(start)).count(),
        1,
        "one line of {example_name} must start with {start:?}"
    );
    text.lines()
        .map(|l| if l.starts_with(start) { to } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders `input` into a fresh folder with the bundled fonts only and returns the
/// folder and the output file with extension `ext` (which must have been written).
pub fn render_to(input: &Path, ext: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec![
        "render",
        input.to_str().expect("utf8"),
        "-o",
        dir.path().to_str().expect("utf8"),
        "--no-system-fonts",
    ];
    args.extend(extra);
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = dir
        .path()
        .join(input.file_stem().expect("file name"))
        .with_extension(ext);
    assert!(
        out.exists(),
        "{} not written: {}",
        out.display(),
        stdout(&o)
    );
    (dir, out)
}

/// A one-page PDF whose page draws `content` (no fonts: no text layer).
pub fn minimal_pdf(content: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ),
    ];
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
