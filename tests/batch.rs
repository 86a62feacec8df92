//! Rendering many reports at once: folders, relative output paths, collisions
//! refused before anything is written, one bad input never stopping the others,
//! no partial files, even when interrupted.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// `nianbao render IN -o OUT --no-system-fonts EXTRA…`.
fn render_folder(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "render",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--no-system-fonts",
    ];
    args.extend(extra);
    run(&args)
}

fn copy(name: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(example(name), to).unwrap();
}

#[test]
fn a_folder_is_rendered_in_parallel_keeping_relative_paths() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy("xiayi-2020.yaml", &input.join("xiayi-2020.yaml"));
    copy("qinghe-2023.json", &input.join("city/qinghe-2023.json"));
    copy("qinghe-2022.toml", &input.join("city/old/qinghe.2022.toml"));
    std::fs::write(input.join("notes.txt"), "not a report").unwrap();
    let out = dir.path().join("out");
    let o = render_folder(&input, &out, &["--jobs", "2"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        files_under(&out),
        [
            "city/old/qinghe.2022.docx",
            "city/old/qinghe.2022.pdf",
            "city/qinghe-2023.docx",
            "city/qinghe-2023.pdf",
            "xiayi-2020.docx",
            "xiayi-2020.pdf",
        ]
    );
    // Not a terminal: one line per file, and a summary.
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("已生成 "))
            .count(),
        6
    );
    assert!(
        stderr(&o).contains("3 份已生成，0 份失败（2 个进程"),
        "{}",
        stderr(&o)
    );
    // The same bytes as a single render: parallel workers do not change the output.
    let single = tempfile::tempdir().unwrap();
    let o = run(&[
        "render",
        example("xiayi-2020.yaml").to_str().unwrap(),
        "-o",
        single.path().to_str().unwrap(),
        "--no-system-fonts",
    ]);
    assert_eq!(code(&o), 0);
    for ext in ["pdf", "docx"] {
        let a = std::fs::read(out.join("xiayi-2020").with_extension(ext)).unwrap();
        let b = std::fs::read(single.path().join("xiayi-2020").with_extension(ext)).unwrap();
        assert!(a == b, "{ext} differs between batch and single render");
    }
}

#[test]
fn two_inputs_writing_the_same_file_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy("xiayi-2020.yaml", &input.join("xiayi-2020.yaml"));
    copy("xiayi-2020.json", &input.join("xiayi-2020.json"));
    let out = dir.path().join("out");
    let o = render_folder(&input, &out, &[]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("都会写入") && stderr(&o).contains("xiayi-2020.pdf"),
        "{}",
        stderr(&o)
    );
    assert!(files_under(&out).is_empty());
}

#[test]
fn one_bad_input_does_not_stop_the_others_and_keeps_its_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy("xiayi-2020.yaml", &input.join("a.yaml"));
    copy("qinghe-2023.yaml", &input.join("b.yaml"));
    let out = dir.path().join("out");
    // A first good run.
    let o = render_folder(&input, &out, &["-q"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let before = std::fs::read(out.join("b.pdf")).unwrap();
    // b.yaml breaks; a.yaml changes.
    let bad = edit(
        "qinghe-2023.yaml",
        "[25, 7, 11, 4, 47]",
        "[25, 7, 11, 4, 48]",
    );
    std::fs::write(input.join("b.yaml"), bad).unwrap();
    std::fs::write(
        input.join("a.yaml"),
        edit(
            "xiayi-2020.yaml",
            "organ: 夏邑县工业和信息化科技局",
            "organ: 夏邑县另一个局",
        ),
    )
    .unwrap();
    let o = render_folder(&input, &out, &["-q"]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("错误[R5]") && err.contains("b.yaml"), "{err}");
    assert!(err.contains("1 份已生成，1 份失败"), "{err}");
    assert!(stdout(&o).is_empty(), "--quiet prints no per-file lines");
    // The good one was rendered again; the failed one's old files are untouched.
    assert_eq!(std::fs::read(out.join("b.pdf")).unwrap(), before);
    assert_ne!(
        std::fs::read(out.join("a.pdf")).unwrap(),
        std::fs::read(out.join("b.pdf")).unwrap()
    );
    assert_eq!(
        files_under(&out),
        ["a.docx", "a.pdf", "b.docx", "b.pdf"],
        "no temporary files left"
    );
}

#[test]
fn an_interrupted_run_leaves_only_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let o = run(&["synth", "40", input.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "render",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--jobs",
            "2",
            "--no-system-fonts",
            "-q",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt as soon as the first file is there.
    let t = std::time::Instant::now();
    while files_under(&out).is_empty() && t.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let files = files_under(&out);
    assert!(!files.is_empty());
    if status.code() == Some(130) {
        assert!(files.len() < 80, "stopped early: {}", files.len());
    }
    for f in &files {
        let bytes = std::fs::read(out.join(f)).unwrap();
        if f.ends_with(".pdf") {
            assert!(
                bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
                "{f} is not complete"
            );
        } else {
            assert!(
                f.ends_with(".docx") && zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok(),
                "{f} is not a complete DOCX"
            );
        }
    }
}

#[test]
fn layout_converges_for_the_examples_and_synthetic_reports() {
    // Table page breaks depend on where a table starts; Typst must settle that
    // within its layout passes (it warns otherwise).
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    assert_eq!(code(&run(&["synth", "12", input.to_str().unwrap()])), 0);
    for name in ["xiayi-2020.yaml", "qinghe-2022.yaml", "qinghe-2023.yaml"] {
        copy(name, &input.join(name));
    }
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "render",
            input.to_str().unwrap(),
            "-o",
            dir.path().join("out").to_str().unwrap(),
            "--to",
            "pdf",
            "--no-system-fonts",
            "-q",
        ])
        .env("NIANBAO_DEBUG_TYPST", "1")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("typst warning"), "{}", stderr(&o));
    // Tables are planned by following the line grid: a wrong plan would leave a
    // heading alone at the foot of a page (its table pushed to the next one).
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is needed under CI"
        );
        return;
    }
    for e in std::fs::read_dir(dir.path().join("out")).unwrap() {
        let pdf = e.unwrap().path();
        let text = String::from_utf8(
            Command::new("pdftotext")
                .args(["-layout"])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        for page in text.split('\u{c}') {
            let lines: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('—'))
                .collect();
            if let Some(last) = lines.last() {
                assert!(
                    !["一、", "二、", "三、", "四、", "五、", "六、"]
                        .iter()
                        .any(|h| last.starts_with(h) && last.chars().count() < 24),
                    "{}: a heading ends a page: {last}",
                    pdf.display()
                );
            }
        }
    }
}

#[test]
fn worker_processes_and_threads_write_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for name in ["xiayi-2020.yaml", "qinghe-2022.yaml", "qinghe-2023.yaml"] {
        std::fs::copy(example(name), input.join(name)).unwrap();
    }
    let mut outputs = Vec::new();
    for (mode, threads) in [("进程", false), ("线程", true)] {
        let out = dir.path().join(mode);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"));
        cmd.args([
            "render",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--no-system-fonts", "--jobs", "2"]);
        if threads {
            cmd.env("NIANBAO_THREADS", "1");
        }
        let o = cmd.output().unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("（2 个{mode}")),
            "{}",
            stderr(&o)
        );
        let files: Vec<Vec<u8>> = files_under(&out)
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
        assert_eq!(files.len(), 6);
        outputs.push(files);
    }
    assert!(outputs[0] == outputs[1], "processes and threads differ");
}

/// On a terminal: a progress bar (done/total, rate, time left, the current file)
/// on stderr in place of the per-file lines, and no bar with --quiet. The
/// terminal is a pseudo-terminal from `script` (util-linux).
#[test]
fn a_terminal_gets_a_progress_bar_and_quiet_gets_none() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("script (util-linux) not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    assert_eq!(code(&run(&["synth", "6", input.to_str().unwrap()])), 0);
    let on_terminal = |extra: &str| {
        let out = dir.path().join(format!("out{extra}"));
        let command = format!(
            "{} render {} -o {} --jobs 2 --no-system-fonts {extra}",
            env!("CARGO_BIN_EXE_nianbao"),
            input.display(),
            out.display()
        );
        let o = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stdout(&o));
        assert_eq!(files_under(&out).len(), 12);
        stdout(&o)
    };
    let shown = on_terminal("");
    assert!(shown.contains("/6 份") && shown.contains("剩余"), "{shown}");
    assert!(shown.contains("report-0000"), "the current file: {shown}");
    assert!(!shown.contains("已生成 "), "no per-file lines: {shown}");
    assert!(shown.contains("6 份已生成，0 份失败"), "{shown}");
    let quiet = on_terminal("-q");
    assert!(
        !quiet.contains("剩余") && !quiet.contains("/6 份"),
        "{quiet}"
    );
    assert!(quiet.contains("6 份已生成，0 份失败"), "{quiet}");
}

/// A worker process that dies (here: killed) fails only the document it had; a new
/// worker takes the rest, and the run ends with that one failure reported.
#[test]
fn a_worker_that_dies_fails_only_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    assert_eq!(code(&run(&["synth", "30", input.to_str().unwrap()])), 0);
    let out = dir.path().join("out");
    // The worker that takes report-00007 dies at a known point: after writing its
    // PDF and DOCX under temporary names, before putting them in place.
    let child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "render",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--jobs",
            "2",
            "--no-system-fonts",
            "-q",
        ])
        .env("NIANBAO_TEST_WORKER_EXIT_AT", "report-00007.yaml")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(err.contains("29 份已生成，1 份失败"), "{err}");
    assert!(err.contains("工作进程意外退出"), "{err}");
    let files = files_under(&out);
    assert_eq!(files.len(), 58, "{files:?}");
    // All of its files or none: none of the dead worker's document, no temporary file.
    assert!(
        files
            .iter()
            .all(|f| !f.contains("report-00007") && !f.contains(".nianbao-")),
        "{files:?}"
    );
    for f in files.iter().filter(|f| f.ends_with(".pdf")) {
        let bytes = std::fs::read(out.join(f)).unwrap();
        assert!(
            bytes.trim_ascii_end().ends_with(b"%%EOF"),
            "{f} is not complete"
        );
    }
}

#[test]
fn a_data_file_that_is_no_report_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    copy("qinghe-2023.yaml", &input.join("qinghe-2023.yaml"));
    std::fs::write(
        input.join("config.yaml"),
        "server:\n  port: 8080\nlog_level: info\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = render_folder(&input, &out, &[]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(
        err.contains("config.yaml：不是年报数据文件，未生成"),
        "{err}"
    );
    assert!(err.contains("错误[not-a-report]"), "{err}");
    assert!(
        !err.contains("缺少必填的键"),
        "one error, not every missing key: {err}"
    );
    assert_eq!(files_under(&out), ["qinghe-2023.docx", "qinghe-2023.pdf"]);
}
