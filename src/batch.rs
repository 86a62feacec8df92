//! `nianbao render`: inputs (files, or folders searched for report files) are
//! rendered in parallel, each worker with its own Typst world over fonts loaded
//! once; every file is written to a temporary name and renamed when complete;
//! one bad input never stops the others; a summary closes the run.
//!
//! With more than one worker, the workers are processes (`nianbao render-worker`,
//! fed one input at a time over a pipe): Typst's caches are global and locked, and
//! two threads sharing them gain 1.5x on two cores where two processes gain 1.95x.
//! A worker that dies takes only its current document with it (its temporary
//! files are removed: their names start with the output's). Each worker runs
//! Typst's thread pool with the cores the workers leave (`RAYON_NUM_THREADS`,
//! unless set; one thread with a worker per core, where more threads only
//! contend: −5 % per 100 reports).

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use nianbao_files::atomic::{self as files, temp_prefix};
use nianbao_files::kinds::{self, Role};
use nianbao_files::read;
use nianbao_form::diag;
use nianbao_render::fonts::{FontOptions, FontSet};
use nianbao_render::output::Output;
use nianbao_render::pipeline::{self, Renderer};

use crate::display;

/// How `render` was asked to run.
pub struct Options<'a> {
    pub out_dir: Option<&'a Path>,
    /// What to make of each report.
    pub render: pipeline::Options,
    pub fonts: FontOptions,
    pub jobs: Option<usize>,
    pub quiet: bool,
}

/// One input and the files it will write.
#[derive(serde::Serialize, serde::Deserialize)]
struct Job {
    input: PathBuf,
    /// The output path without extension.
    stem: PathBuf,
}

impl Job {
    /// The file of `output`: the stem and `.ext` (a stem with a dot of its own,
    /// `报告.2023`, keeps it).
    fn output(&self, output: Output) -> PathBuf {
        let mut path = self.stem.clone().into_os_string();
        path.push(".");
        path.push(output.extension());
        path.into()
    }
}

/// How one input went (sent back by a worker process as one JSON line).
#[derive(serde::Serialize, serde::Deserialize)]
struct Outcome {
    written: Vec<PathBuf>,
    /// The diagnostics, formatted for the terminal.
    diags: String,
    /// Why nothing was written, if so.
    failure: Option<String>,
}

fn is_report(path: &Path) -> bool {
    path.is_file() && kinds::is(path, Role::Data)
}

/// Report data files below a folder, sorted, with their path relative to it.
pub(crate) fn search(
    dir: &Path,
    rel: &Path,
    out: &mut Vec<(PathBuf, PathBuf)>,
) -> std::io::Result<()> {
    search_with(dir, rel, out, is_report)
}

/// Files below a folder that `wanted` takes, sorted, with their path relative to it.
pub(crate) fn search_with(
    dir: &Path,
    rel: &Path,
    out: &mut Vec<(PathBuf, PathBuf)>,
    wanted: fn(&Path) -> bool,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            search_with(&path, &rel.join(&name), out, wanted)?;
        } else if wanted(&path) {
            out.push((path, rel.join(&name)));
        }
    }
    Ok(())
}

/// The jobs for the inputs: output names come from input names (relative paths
/// kept under OUT), never from data. Two inputs that would write the same file
/// are an error before anything is written.
fn plan(
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    outputs: &[Output],
) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            search(input, Path::new(""), &mut found)
                .map_err(|e| format!("{}：无法读取文件夹：{e}", input.display()))?;
            if found.is_empty() {
                return Err(format!(
                    "{}：文件夹中没有报告文件（{}）",
                    input.display(),
                    kinds::extensions_listed(Some(Role::Data))
                ));
            }
            for (path, rel) in found {
                let base = out_dir
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| input.clone());
                jobs.push(Job {
                    stem: base.join(rel.with_file_name(rel.file_stem().unwrap_or_default())),
                    input: path,
                });
            }
        } else {
            let name = input.file_stem().unwrap_or_default();
            let dir = match out_dir {
                Some(d) => d.to_path_buf(),
                None => input.parent().map(Path::to_path_buf).unwrap_or_default(),
            };
            jobs.push(Job {
                stem: dir.join(name),
                input: input.clone(),
            });
        }
    }
    // An output that would replace an input, or a data file of its own: `render
    // x.json --to json`, or `render x.yaml --to json` beside a hand-written x.json (our
    // published JSON, led by "$schema", may be replaced).
    let inputs: std::collections::HashSet<PathBuf> = jobs
        .iter()
        .filter_map(|j| j.input.canonicalize().ok())
        .collect();
    for job in &jobs {
        for &output in outputs {
            let target = job.output(output);
            let Ok(existing) = target.canonicalize() else {
                continue;
            };
            let published = output == Output::Json
                && std::fs::read(&target).is_ok_and(|b| b.starts_with(b"{\n  \"$schema\""));
            if inputs.contains(&existing) || (output == Output::Json && !published) {
                return Err(format!(
                    "{} 会覆盖已有的数据文件；请用 -o 指定另一个输出文件夹，未生成任何文件",
                    target.display()
                ));
            }
        }
    }
    let mut seen: std::collections::HashMap<PathBuf, &Path> = std::collections::HashMap::new();
    for job in &jobs {
        for &output in outputs {
            let target = job.output(output);
            if let Some(other) = seen.insert(target.clone(), &job.input) {
                return Err(format!(
                    "{} 和 {} 都会写入 {}；请改名或分开输出，未生成任何文件",
                    other.display(),
                    job.input.display(),
                    target.display()
                ));
            }
        }
    }
    Ok(jobs)
}

/// Renders one input and writes its files, all or none: every file is written in
/// full under a temporary name before any is put in place. Nothing is printed here
/// (workers run in parallel). `exit_at` is a test hook of worker processes: the
/// worker exits between writing the files of that input and putting them in place.
fn render_one(
    job: &Job,
    o: &Options,
    renderer: &Renderer,
    exit_at: Option<&std::ffi::OsStr>,
) -> Outcome {
    let file = display(&job.input);
    let in_file = |diags: Vec<diag::Diagnostic>| {
        let diags: Vec<_> = diags.into_iter().map(|d| d.in_file(&file)).collect();
        diag::format_text(&diags)
    };
    let decoded = match read::read_file(&job.input) {
        Ok(d) => d,
        Err(e) => {
            return Outcome {
                written: Vec::new(),
                diags: String::new(),
                failure: Some(e.to_string()),
            };
        }
    };
    let stem = job.input.file_stem().map(|s| s.to_string_lossy());
    let rendered = match renderer.render_named(decoded, stem.as_deref(), &o.render) {
        Ok(r) => r,
        Err(refused) => {
            return Outcome {
                written: Vec::new(),
                diags: in_file(refused.diagnostics),
                failure: Some(refused.refusal.to_string()),
            };
        }
    };
    let diags = in_file(rendered.diagnostics);
    let fail = |why: String| Outcome {
        written: Vec::new(),
        diags: diags.clone(),
        failure: Some(why),
    };
    let mut staged = Vec::new();
    for (output, bytes) in rendered.files {
        let path = job.output(output);
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return fail(format!("{}：无法创建输出文件夹：{e}", dir.display()));
        }
        match files::stage(&path, &bytes) {
            Ok(s) => staged.push((path, s)),
            Err(e) => return fail(e.to_string()),
        }
    }
    if exit_at.is_some_and(|name| job.input.file_name() == Some(name)) {
        std::process::exit(101);
    }
    let mut written = Vec::new();
    for (path, s) in staged {
        if let Err(e) = s.commit(true) {
            return fail(e.to_string());
        }
        written.push(path);
    }
    Outcome {
        written,
        diags,
        failure: None,
    }
}

pub fn run(inputs: &[PathBuf], o: Options) -> ExitCode {
    let jobs = match plan(inputs, o.out_dir, &o.render.outputs) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let fonts = match FontSet::discover(&o.fonts) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let workers = o
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, jobs.len().max(1));

    // Ctrl-C: no new document is started; the ones under way are finished and
    // renamed into place, so nothing partial is left behind. (Worker processes get
    // the signal too and finish their document the same way.)
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }

    let bar = if !o.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} 份  {per_sec}  剩余 {eta}  {wide_msg}",
            )
            .expect("valid template"),
        );
        Some(bar)
    } else {
        None
    };
    let started = Instant::now();
    let progress = Progress {
        bar: &bar,
        quiet: o.quiet,
    };
    let in_processes = workers > 1 && std::env::var_os("NIANBAO_THREADS").is_none();
    let (results, unit) = match in_processes
        .then(|| in_worker_processes(&jobs, &o, workers, &stop, &progress))
        .flatten()
    {
        Some(results) => (results, "个进程"),
        None => (
            in_threads(&jobs, &o, &fonts, workers, &stop, &progress),
            "个线程",
        ),
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }

    // Summary: diagnostics of every input (warnings too), then the counts.
    let mut failed = Vec::new();
    let mut rendered = 0;
    for (job, outcome) in jobs.iter().zip(&results) {
        let Some(outcome) = outcome else { continue };
        eprint!("{}", outcome.diags);
        match &outcome.failure {
            Some(why) => failed.push(format!("{}：{why}", display(&job.input))),
            None => rendered += 1,
        }
    }
    let skipped = results.iter().filter(|r| r.is_none()).count();
    for f in &failed {
        eprintln!("失败 {f}");
    }
    if bar.is_some() || jobs.len() > 1 || !failed.is_empty() || skipped > 0 {
        let mut line = format!(
            "{rendered} 份已生成，{} 份失败（{workers} {unit}，{:.1} 秒）",
            failed.len(),
            started.elapsed().as_secs_f64()
        );
        if skipped > 0 {
            line.push_str(&format!("；已中断，{skipped} 份未处理"));
        }
        eprintln!("{line}");
    }
    if skipped > 0 {
        ExitCode::from(130)
    } else if !failed.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Shows each finished document: the bar, or one line per file, or nothing.
struct Progress<'a> {
    bar: &'a Option<ProgressBar>,
    quiet: bool,
}

impl Progress<'_> {
    fn start(&self, job: &Job) {
        // The file's name: a long folder path would push it off a narrow terminal.
        if let Some(bar) = self.bar {
            let name = job.input.file_name().unwrap_or(job.input.as_os_str());
            bar.set_message(name.to_string_lossy().into_owned());
        }
    }

    fn done(&self, job: &Job, outcome: &Outcome) {
        match self.bar {
            Some(bar) => bar.inc(1),
            None if !self.quiet => {
                let line = match &outcome.failure {
                    None => outcome
                        .written
                        .iter()
                        .map(|p| format!("已生成 {}", p.display()))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Some(why) => format!("失败 {}：{why}", display(&job.input)),
                };
                println!("{line}");
            }
            None => {}
        }
    }
}

/// The jobs handed out one at a time to the workers, and their outcomes.
struct Queue<'a> {
    jobs: &'a [Job],
    next: AtomicUsize,
    stop: &'a AtomicBool,
    progress: &'a Progress<'a>,
    results: Mutex<Vec<Option<Outcome>>>,
}

impl<'a> Queue<'a> {
    fn new(jobs: &'a [Job], stop: &'a AtomicBool, progress: &'a Progress<'a>) -> Self {
        Queue {
            jobs,
            next: AtomicUsize::new(0),
            stop,
            progress,
            results: Mutex::new((0..jobs.len()).map(|_| None).collect()),
        }
    }

    /// The next job, unless all are taken or the run was interrupted.
    fn take(&self) -> Option<(usize, &'a Job)> {
        if self.stop.load(Ordering::SeqCst) {
            return None;
        }
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        let job = self.jobs.get(i)?;
        self.progress.start(job);
        Some((i, job))
    }

    fn finish(&self, i: usize, outcome: Outcome) {
        self.progress.done(&self.jobs[i], &outcome);
        self.results.lock().expect("results lock")[i] = Some(outcome);
    }

    fn into_results(self) -> Vec<Option<Outcome>> {
        self.results.into_inner().expect("results lock")
    }
}

/// Renders the jobs on threads of this process, each with its own Typst world.
fn in_threads(
    jobs: &[Job],
    o: &Options,
    fonts: &FontSet,
    workers: usize,
    stop: &AtomicBool,
    progress: &Progress,
) -> Vec<Option<Outcome>> {
    let queue = Queue::new(jobs, stop, progress);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                // One Typst world per worker, reused for every document it renders.
                let renderer = Renderer::new(fonts);
                while let Some((i, job)) = queue.take() {
                    queue.finish(i, render_one(job, o, &renderer, None));
                }
            });
        }
    });
    queue.into_results()
}

/// A worker process and the pipes to it.
struct Worker {
    child: Child,
    to: ChildStdin,
    from: BufReader<ChildStdout>,
}

impl Worker {
    /// A worker whose Typst thread pool has `pool` threads.
    fn spawn(o: &Options, pool: usize) -> std::io::Result<Worker> {
        let exe = std::env::current_exe()?;
        let to: Vec<&str> = o.render.outputs.iter().map(|x| x.name()).collect();
        let mut cmd = Command::new(exe);
        cmd.arg("render-worker")
            .arg("--to")
            .arg(to.join(","))
            .arg("--pdf-standard")
            .arg(o.render.standard.name());
        if let Some(dir) = &o.fonts.font_dir {
            cmd.arg("--font-dir").arg(dir);
        }
        if !o.fonts.system_fonts {
            cmd.arg("--no-system-fonts");
        }
        if o.render.force {
            cmd.arg("--force");
        }
        // Typst's own thread pool (pages laid out and exported in parallel) gets
        // the cores the workers leave: with a worker per core, more threads would
        // only make the workers take turns.
        if std::env::var_os("RAYON_NUM_THREADS").is_none() {
            cmd.env("RAYON_NUM_THREADS", pool.to_string());
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let to = child.stdin.take().expect("piped stdin");
        let from = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(Worker { child, to, from })
    }

    /// Sends one job and waits for its outcome; `None` if the worker has died.
    fn render(&mut self, job: &Job) -> Option<Outcome> {
        let mut line = serde_json::to_string(job).ok()?;
        line.push('\n');
        self.to.write_all(line.as_bytes()).ok()?;
        self.to.flush().ok()?;
        let mut answer = String::new();
        match self.from.read_line(&mut answer) {
            Ok(n) if n > 0 => serde_json::from_str(&answer).ok(),
            _ => None,
        }
    }

    /// Closes the pipe (the worker then exits) and waits for the process.
    fn finish(self) {
        let Worker { mut child, to, .. } = self;
        drop(to);
        let _ = child.wait();
    }
}

/// Renders the jobs in worker processes, one input at a time each. `None` if the
/// processes cannot be started (the caller then uses threads).
/// Removes the temporary files of a job's outputs that a worker killed while
/// writing them left behind. Each output belongs to one job, so no other worker
/// writes under these names.
fn remove_temporary_files(job: &Job, outputs: &[Output]) {
    for &output in outputs {
        let path = job.output(output);
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let prefix = temp_prefix(&path);
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

fn in_worker_processes(
    jobs: &[Job],
    o: &Options,
    workers: usize,
    stop: &AtomicBool,
    progress: &Progress,
) -> Option<Vec<Option<Outcome>>> {
    // Paths travel as JSON text: a name that is not UTF-8 stays in this process.
    if jobs
        .iter()
        .any(|j| j.input.to_str().is_none() || j.stem.to_str().is_none())
    {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = (cores / workers).max(1);
    let mut started = Vec::new();
    for _ in 0..workers {
        match Worker::spawn(o, pool) {
            Ok(w) => started.push(w),
            Err(_) => {
                started.into_iter().for_each(Worker::finish);
                return None;
            }
        }
    }
    let queue = Queue::new(jobs, stop, progress);
    std::thread::scope(|scope| {
        for worker in started {
            scope.spawn(|| {
                let mut worker = Some(worker);
                // A worker that cannot be replaced leaves its share to the others.
                while let Some(w) = worker.as_mut() {
                    let Some((i, job)) = queue.take() else { break };
                    let outcome = w.render(job).unwrap_or_else(|| {
                        // The worker died on this document: it alone fails (what it
                        // was writing is removed); a new worker takes the next one.
                        if let Some(dead) = worker.take() {
                            dead.finish();
                        }
                        remove_temporary_files(job, &o.render.outputs);
                        worker = Worker::spawn(o, pool).ok();
                        Outcome {
                            written: Vec::new(),
                            diags: String::new(),
                            failure: Some("生成时工作进程意外退出（请报告此问题）".into()),
                        }
                    });
                    queue.finish(i, outcome);
                }
                if let Some(w) = worker {
                    w.finish();
                }
            });
        }
    });
    Some(queue.into_results())
}

/// `nianbao render-worker`: renders the jobs it reads from stdin, one JSON line
/// each, and answers each with one JSON line on stdout, until stdin closes.
pub fn serve(o: Options) -> ExitCode {
    let fonts = match FontSet::discover(&o.fonts) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // Ctrl-C reaches the workers too: the document under way is finished, and the
    // parent sends no more.
    let _ = ctrlc::set_handler(|| {});
    let renderer = Renderer::new(&fonts);
    // The test hook of `render_one` (tests/batch.rs: a worker that dies).
    let exit_at = std::env::var_os("NIANBAO_TEST_WORKER_EXIT_AT");
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(job) = serde_json::from_str::<Job>(&line) else {
            break;
        };
        let outcome = render_one(&job, &o, &renderer, exit_at.as_deref());
        let answer = serde_json::to_string(&outcome).expect("outcome serializes");
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_temporary_files_of_the_job_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let touch = |name: &str| std::fs::write(dir.path().join(name), b"x").unwrap();
        for name in [
            ".a.pdf.nianbao-x1",
            ".a.docx.nianbao-x2",
            ".ab.pdf.nianbao-x3",
            "a.pdf",
            ".a.pdf",
        ] {
            touch(name);
        }
        let job = Job {
            input: dir.path().join("a.yaml"),
            stem: dir.path().join("a"),
        };
        remove_temporary_files(&job, &Output::ALL);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".a.pdf", ".ab.pdf.nianbao-x3", "a.pdf"]);
    }
}
