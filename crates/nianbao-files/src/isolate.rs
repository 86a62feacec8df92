//! Reading untrusted published files (PDF, DOCX, HTML) in a worker process with
//! limits, so that no file can take down the program that asked: a stack overflow
//! (a PDF whose content opens 60,000 `[`), a decompression bomb (a 2.5 KB stream
//! that inflates to 1 GiB), a page that takes minutes to parse, all end that one
//! worker, and the file is refused with a Chinese message. Bounded by construction:
//! the worker has an address-space limit, a CPU-time limit and a wall-clock
//! deadline, whatever the parser does inside.
//!
//! The worker runs the part that parses the bytes (`nianbao_import::read_source`) and
//! sends back the document's paragraphs and tables as JSON; the form is recognised
//! here, in the caller, from that bounded text. Data files (YAML, JSON, TOML, the
//! workbook) are read in process: their readers count nodes, depth and decoded bytes
//! before they build anything (`nianbao_form::limits`).
//!
//! A front end that has a worker program (the `nianbao` binary: `nianbao
//! read-worker`) passes a [`Worker`]; [`read`] then isolates every published file.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use nianbao_form::decode::Decoded;
use nianbao_form::diag::{Diagnostic, Pos, Rule, Severity, SourcePlace};
use nianbao_import::source::{Block, Kind as SourceKind, PageMeta, Source};
use serde::{Deserialize, Serialize};

use crate::error::LoadError;
use crate::kinds::{self, Kind, Role};
use crate::read::size_limit;

/// How to start a reading worker, and its limits.
#[derive(Clone, Debug)]
pub struct Worker {
    /// The program (the `nianbao` binary itself).
    pub program: PathBuf,
    /// Its arguments before the kind (`["read-worker"]`); the kind (`pdf`, `docx`,
    /// `html`) follows.
    pub args: Vec<OsString>,
    /// The limits it runs under.
    pub limits: Limits,
}

/// What one worker may use.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Address space, bytes (`RLIMIT_AS`): 1 GiB by default. Reading a 40-page
    /// report takes under 100 MB.
    pub memory_bytes: u64,
    /// CPU time, seconds (`RLIMIT_CPU`): 20 by default; a 200-page PDF reads in
    /// well under 2 s.
    pub cpu_seconds: u64,
    /// Wall-clock time before the worker is killed: 30 s by default (a busy
    /// machine's worker may wait for a core).
    pub wall: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: 1024 * 1024 * 1024,
            cpu_seconds: 20,
            wall: Duration::from_secs(30),
        }
    }
}

impl Worker {
    /// The running program itself as the worker, with `args` (`["read-worker"]`)
    /// and the default [`Limits`].
    ///
    /// # Errors
    /// The message of [`std::env::current_exe`].
    pub fn this_program(args: &[&str]) -> Result<Worker, String> {
        Ok(Worker {
            program: std::env::current_exe().map_err(|e| e.to_string())?,
            args: args.iter().map(OsString::from).collect(),
            limits: Limits::default(),
        })
    }
}

/// The most bytes of JSON a worker may answer with: 256 MiB (a 200-page PDF's
/// paragraphs and tables are a few MB).
const MAX_ANSWER_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a report from its name and bytes as [`crate::read::read`] does, but a
/// published file (PDF, DOCX, HTML) is parsed in a worker process started from
/// `worker`, under its limits.
///
/// # Errors
/// As [`crate::read::read`]; a worker that crashed, ran out of memory or time, or
/// could not be started is [`LoadError::Published`] with a message that says so.
pub fn read(name: &str, bytes: Vec<u8>, worker: &Worker) -> Result<Decoded, LoadError> {
    let Some(kind) = kinds::of(name, &bytes) else {
        return crate::read::read(name, bytes);
    };
    let source_kind = match kind.kind {
        Kind::Pdf => SourceKind::Pdf,
        Kind::Docx => SourceKind::Docx,
        Kind::Html => SourceKind::Html,
        _ => return crate::read::read(name, bytes),
    };
    debug_assert_eq!(kind.role, Role::Published);
    let limit = size_limit(kind.kind);
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: None,
            size: bytes.len() as u64,
            limit,
        });
    }
    let source = run_worker(worker, source_kind, bytes)
        .map_err(|detail| LoadError::Published { path: None, detail })?;
    Ok(nianbao_import::build(source))
}

/// [`read`] for a path: its bytes, bounded by the kind its name says.
///
/// # Errors
/// As [`read`], naming the file; [`LoadError::Io`] when it cannot be read.
pub fn read_file(path: &Path, worker: &Worker) -> Result<Decoded, LoadError> {
    let (name, bytes) = crate::read::file_bytes(path)?;
    read(&name, bytes, worker).map_err(|e| e.in_file(path))
}

fn kind_arg(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Pdf => "pdf",
        SourceKind::Docx => "docx",
        SourceKind::Html => "html",
    }
}

/// The refusal of a file whose worker did not finish.
fn stopped(why: &str) -> String {
    format!(
        "读取这个文件时{why}，已停止读取；文件可能已损坏，或含有异常的结构（过深的嵌套、解压后过大的内容）。\
         请用原文件（DOCX）或由 Word/WPS 直接导出的 PDF 重新上传"
    )
}

fn run_worker(worker: &Worker, kind: SourceKind, bytes: Vec<u8>) -> Result<Source, String> {
    let mut command = Command::new(&worker.program);
    command
        .args(&worker.args)
        .arg(kind_arg(kind))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    limit(&mut command, worker.limits);
    let mut child = command
        .spawn()
        .map_err(|e| format!("无法启动读取进程：{e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || {
        // A worker that stops early closes the pipe: its exit says why.
        let _ = stdin.write_all(&bytes);
    });
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = (&mut stdout)
            .take(MAX_ANSWER_BYTES + 1)
            .read_to_end(&mut out);
        read.map(|_| out)
    });
    let deadline = Instant::now() + worker.limits.wall;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("读取进程出错：{e}"));
            }
        }
    };
    let _ = writer.join();
    let out = reader
        .join()
        .map_err(|_| "读取进程的输出无法读取".to_string())?
        .map_err(|e| format!("读取进程的输出无法读取：{e}"))?;
    let Some(status) = status else {
        return Err(stopped(&format!(
            "超过了 {} 秒的时间上限",
            worker.limits.wall.as_secs()
        )));
    };
    if !status.success() {
        return Err(stopped(&describe_exit(status)));
    }
    if out.len() as u64 > MAX_ANSWER_BYTES {
        return Err(stopped("读出的内容超过上限"));
    }
    let answer: Answer =
        serde_json::from_slice(&out).map_err(|e| format!("读取进程的回答无法理解：{e}"))?;
    match answer {
        Answer::Read(source) => Ok(source.into_source()),
        Answer::Refused(message) => Err(message),
    }
}

#[cfg(unix)]
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(libc::SIGXCPU) => "超过了处理器时间的上限".into(),
        Some(libc::SIGSEGV) | Some(libc::SIGBUS) => "读取进程因嵌套过深而中止".into(),
        Some(libc::SIGABRT) => "读取进程因内存不足或嵌套过深而中止".into(),
        Some(libc::SIGKILL) => "读取进程被终止".into(),
        Some(signal) => format!("读取进程因信号 {signal} 中止"),
        None => format!("读取进程出错（退出码 {}）", status.code().unwrap_or(-1)),
    }
}

#[cfg(not(unix))]
fn describe_exit(status: std::process::ExitStatus) -> String {
    format!("读取进程出错（退出码 {}）", status.code().unwrap_or(-1))
}

/// Sets the worker's limits in the child before it runs (`setrlimit` between fork
/// and exec).
#[cfg(unix)]
fn limit(command: &mut Command, limits: Limits) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure calls only setrlimit, which is async-signal-safe, and
    // allocates nothing. The CPU limit's hard value is a second above the soft one,
    // so that the worker gets SIGXCPU (said as such) before the kernel's SIGKILL.
    unsafe {
        command.pre_exec(move || {
            let limit = |soft: u64, hard: u64| libc::rlimit {
                rlim_cur: soft as libc::rlim_t,
                rlim_max: hard as libc::rlim_t,
            };
            let memory = limit(limits.memory_bytes, limits.memory_bytes);
            let cpu = limit(limits.cpu_seconds, limits.cpu_seconds + 1);
            let core = limit(0, 0);
            if libc::setrlimit(libc::RLIMIT_AS, &memory) != 0
                || libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
                || libc::setrlimit(libc::RLIMIT_CORE, &core) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit(_command: &mut Command, _limits: Limits) {}

/// The worker's side: reads the file's bytes from standard input (at most the
/// largest published file, [`nianbao_import::limits::MAX_FILE_BYTES`]), parses them
/// as `kind` (`pdf`, `docx`, `html`) and writes the [`Answer`] as JSON to standard
/// output. Exit status 0 whenever it answered (a refusal is an answer), 2 for a
/// wrong kind.
pub fn serve_worker(kind: &str) -> ExitCode {
    let kind = match kind {
        "pdf" => SourceKind::Pdf,
        "docx" => SourceKind::Docx,
        "html" => SourceKind::Html,
        _ => return ExitCode::from(2),
    };
    let mut bytes = Vec::new();
    let limit = nianbao_import::limits::MAX_FILE_BYTES;
    if std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return ExitCode::from(2);
    }
    let answer = if bytes.len() as u64 > limit {
        Answer::Refused(format!("文件超过 {limit} 字节的上限"))
    } else {
        match nianbao_import::read_source(bytes, kind) {
            Ok(source) => Answer::Read(WireSource::from(source)),
            Err(e) => Answer::Refused(e.to_string()),
        }
    };
    let mut out = std::io::stdout().lock();
    if serde_json::to_writer(&mut out, &answer).is_err() || out.flush().is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// What a worker answers.
#[derive(Serialize, Deserialize)]
enum Answer {
    /// The document as read.
    Read(WireSource),
    /// The reader's refusal (an encrypted or scanned PDF, a broken file …), in Chinese.
    Refused(String),
}

/// A [`Source`] as it crosses the pipe (its diagnostics with their places).
#[derive(Serialize, Deserialize)]
struct WireSource {
    kind: SourceKind,
    blocks: Vec<Block>,
    meta: PageMeta,
    diags: Vec<WireDiagnostic>,
}

/// A reader's diagnostic as it crosses the pipe.
#[derive(Serialize, Deserialize)]
struct WireDiagnostic {
    severity: Severity,
    rule: String,
    path: String,
    line: usize,
    column: usize,
    source: Option<SourcePlace>,
    cell: Option<String>,
    place: Option<String>,
    expected: Option<String>,
    found: Option<String>,
    message: String,
    hint: Option<String>,
}

impl From<Source> for WireSource {
    fn from(s: Source) -> WireSource {
        WireSource {
            kind: s.kind,
            blocks: s.blocks,
            meta: s.meta,
            diags: s
                .diags
                .into_iter()
                .map(|d| {
                    let pos = d.pos.unwrap_or_default();
                    WireDiagnostic {
                        severity: d.severity,
                        rule: d.rule.id().to_string(),
                        path: d.path,
                        line: pos.line,
                        column: pos.column,
                        source: pos.source,
                        cell: d.cell,
                        place: d.place,
                        expected: d.expected,
                        found: d.found,
                        message: d.message,
                        hint: d.hint,
                    }
                })
                .collect(),
        }
    }
}

impl WireSource {
    fn into_source(self) -> Source {
        Source {
            kind: self.kind,
            blocks: self.blocks,
            meta: self.meta,
            diags: self
                .diags
                .into_iter()
                .map(|d| {
                    let pos = Pos {
                        line: d.line,
                        column: d.column,
                        sheet: None,
                        source: d.source,
                    };
                    let mut out = Diagnostic::error(rule(&d.rule), d.path, d.message).at(Some(pos));
                    out.severity = d.severity;
                    out.cell = d.cell;
                    out.place = d.place;
                    out.expected = d.expected;
                    out.found = d.found;
                    out.hint = d.hint;
                    out
                })
                .collect(),
        }
    }
}

/// A rule by its id; an id this program does not know (a worker of another build)
/// reads as the importer's own rule.
fn rule(id: &str) -> Rule {
    Rule::from_id(id).unwrap_or(Rule::ImportUnread)
}
