//! The `nianbao` command: parse arguments, call the library, print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod batch;
mod import;

use nianbao_files::atomic::write_atomically;
use nianbao_files::error::LoadError;
use nianbao_files::kinds::{self, Role};
use nianbao_files::parse::Format;
use nianbao_files::read;
use nianbao_files::write;
use nianbao_form::audit::{self, LastYear, LeftOut, Submission};
use nianbao_form::check;
use nianbao_form::diag::{self, Diagnostic, Rule, Severity};
use nianbao_form::model::{Edition, Report};
use nianbao_render::export::pdf::Standard;
use nianbao_render::fonts::{FontOptions, FontSet};
use nianbao_render::output::Output;
use nianbao_render::pipeline;

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告：核对数据，按官方格式生成",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum EditionArg {
    #[value(name = "2019")]
    Y2019,
    #[value(name = "2021")]
    Y2021,
}

#[derive(Clone, Copy, ValueEnum)]
enum ConvertTo {
    Yaml,
    Json,
    Toml,
    Xlsx,
}

/// A file a report can be written as.
#[derive(Clone, Copy)]
enum Target {
    Text(Format),
    Workbook,
}

impl Target {
    fn from_path(path: &Path) -> Option<Target> {
        if kinds::by_path(path).is_some_and(|k| k.kind == kinds::Kind::Workbook) {
            Some(Target::Workbook)
        } else {
            Format::from_path(path).map(Target::Text)
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Target::Text(Format::Yaml) => "yaml",
            Target::Text(Format::Json) => "json",
            Target::Text(Format::Toml) => "toml",
            Target::Workbook => "xlsx",
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// 核对报告数据：结构、每条勾稽关系、正文中的 {{…}} 表达式，以及正文与表格是否一致、年份、必备内容、公布时限
    Check {
        /// 报告文件（.yaml .yml .json .toml .xlsx）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 上一年度的报告文件，用于跨年度核对（R6–R8）和文字重复率
        #[arg(long, value_name = "LAST_YEAR_FILE")]
        previous: Option<PathBuf>,
        /// 与上一年度报告文字重复率的警告阈值（百分比，默认 50）
        #[arg(long, value_name = "PERCENT", default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
        repeated_text_threshold: u8,
        /// 警告也按错误处理
        #[arg(long)]
        strict: bool,
        /// 输出格式
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// 生成一份完整的起始报告文件（各行为 0，正文为占位文字）
    Init {
        /// 表格格式：2019（2019、2020 年度）或 2021（2021 年度起）
        #[arg(long, value_enum)]
        edition: EditionArg,
        /// 报告年度
        #[arg(long)]
        year: i64,
        /// 机关名称
        #[arg(long)]
        organ: String,
        /// 输出文件（按扩展名选择 YAML/JSON/TOML/XLSX；默认 report-<年度>.yaml，加 --xlsx 时 report-<年度>.xlsx）
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 生成 Excel/WPS 填报工作簿（.xlsx）
        #[arg(long)]
        xlsx: bool,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
    /// 按官方版式生成报告（PDF 和 DOCX）
    Render {
        /// 报告文件（.yaml .yml .json .toml .xlsx），或含有报告文件的文件夹
        #[arg(required = true, value_name = "DIR_OR_FILES")]
        files: Vec<PathBuf>,
        /// 输出文件夹（默认：与输入文件相同；文件夹中的子路径保留）
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 输出格式，逗号分隔：pdf、docx（见 nianbao_render::output::Output）
        #[arg(long, value_delimiter = ',', default_value = "pdf,docx")]
        to: Vec<String>,
        /// PDF 标准：a-2b（默认，可长期保存）、a-3b（附带源数据）、ua-1（无障碍）、none
        #[arg(long, default_value = "a-2b", value_name = "STANDARD")]
        pdf_standard: String,
        /// 字体文件夹（随附字体所在处）
        #[arg(long, value_name = "DIR")]
        font_dir: Option<PathBuf>,
        /// 不使用系统中安装的字体（只用随附字体）
        #[arg(long)]
        no_system_fonts: bool,
        /// 数据有错误时仍然生成
        #[arg(long)]
        force: bool,
        /// 同时处理的份数（默认：全部处理器核心）
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// 不显示进度，只报告失败
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// 批量生成的工作进程：从标准输入逐行读取任务（由 render 启动，不直接使用）
    #[command(hide = true, name = "render-worker")]
    RenderWorker {
        #[arg(long, value_delimiter = ',', default_value = "pdf,docx")]
        to: Vec<String>,
        #[arg(long, default_value = "a-2b")]
        pdf_standard: String,
        #[arg(long)]
        font_dir: Option<PathBuf>,
        #[arg(long)]
        no_system_fonts: bool,
        #[arg(long)]
        force: bool,
    },
    /// 读取已发布年报的工作进程：从标准输入读入文件，在资源上限内解析（由 import、check、audit 和 serve 启动，不直接使用）
    #[command(hide = true, name = "read-worker")]
    ReadWorker {
        /// pdf、docx 或 html
        kind: String,
    },
    /// 列出每种用途使用的字体及其文件
    Fonts {
        /// 字体文件夹（随附字体所在处）
        #[arg(long, value_name = "DIR")]
        font_dir: Option<PathBuf>,
        /// 不使用系统中安装的字体（只用随附字体）
        #[arg(long)]
        no_system_fonts: bool,
    },
    /// 生成用于性能测试的合成报告（确定的内容，两版格式交替）
    #[command(hide = true)]
    Synth {
        /// 份数
        count: u64,
        /// 输出文件夹
        dir: PathBuf,
    },
    /// 审核一个地区的全部报告：逐份核对、与上一年度对照、对照名单找出未提交的单位，输出问题清单工作簿
    Audit {
        /// 报告所在的文件夹（含子文件夹）
        dir: PathBuf,
        /// 上一年度报告所在的文件夹（按机关名称对照）
        #[arg(long, value_name = "LAST_YEAR_DIR")]
        previous: Option<PathBuf>,
        /// 应提交报告的单位名单（CSV 或 XLSX，表头含“机关名称”，可有“类型”：政府/部门）
        #[arg(long, value_name = "UNITS")]
        roster: Option<PathBuf>,
        /// 下级单位报告所在的文件夹：核对 DIR 中每份报告的表格是否等于同年度下级单位报告之和（层级汇总一致性，按单元格给出警告）
        #[arg(long, value_name = "CHILDREN_DIR")]
        children: Option<PathBuf>,
        /// 问题清单工作簿（.xlsx）
        #[arg(short, long, value_name = "REPORT")]
        output: Option<PathBuf>,
        /// 覆盖已有的问题清单
        #[arg(long)]
        force: bool,
        /// 与上一年度报告文字重复率的警告阈值（百分比，默认 50）
        #[arg(long, value_name = "PERCENT", default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
        repeated_text_threshold: u8,
        /// 输出格式（json：一个对象 {units, findings} 输出到标准输出）
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// 把一个文件夹中同一年度、同一版本的报告表格数据相加，生成汇总报告（正文为占位文字）
    Sum {
        /// 报告所在的文件夹（含子文件夹）
        dir: PathBuf,
        /// 汇总报告文件（.yaml .json .toml .xlsx）
        #[arg(short, long)]
        output: PathBuf,
        /// 汇总报告的机关名称（默认：文件夹名＋“（汇总）”）
        #[arg(long)]
        organ: Option<String>,
        /// 报告年度（默认：第一份报告的年度）
        #[arg(long)]
        year: Option<i64>,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
    /// 读取已发布的年报（DOCX、HTML、PDF），按表格标签读出三张表和正文，生成数据文件
    Import {
        /// 已发布的年报文件（.docx .html .htm .pdf）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件（一个输入时）或文件夹（多个输入时）；默认与输入同名、换扩展名
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value = "yaml")]
        to: ConvertTo,
        /// 有未读出的表格行时仍然生成（未读出的格留空待填）
        #[arg(long)]
        partial: bool,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
    /// 启动网页版：各单位在浏览器中填报、核对、预览、下载，办公室查看各单位状态、问题清单和汇总
    Serve {
        /// 监听的地址和端口（端口 0 表示任取一个空闲端口）
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// 数据文件夹（数据库所在；不存在时创建）
        #[arg(long, default_value = "nianbao-data")]
        data: PathBuf,
        /// 字体文件夹（默认用随附字体）
        #[arg(long)]
        font_dir: Option<PathBuf>,
        /// 不使用系统中安装的字体
        #[arg(long)]
        no_system_fonts: bool,
        /// 同时排版的报告数（默认为处理器核数）
        #[arg(long)]
        workers: Option<usize>,
    },
    /// 在 YAML、JSON、TOML、XLSX 之间转换报告文件
    Convert {
        /// 报告文件
        file: PathBuf,
        /// 目标格式
        #[arg(long, value_enum)]
        to: ConvertTo,
        /// 输出文件（默认与输入同名、换扩展名）
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("命令行参数有误（用 nianbao --help 查看用法）：");
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    // One error path: what stops a command before it starts is its message and exit
    // status 2 (ripgrep's main → run → exit 2).
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// A command that could not start: the message for the user (exit status 2).
type Stop = String;

fn run(command: Command) -> Result<ExitCode, Stop> {
    Ok(match command {
        Command::Serve {
            addr,
            data,
            font_dir,
            no_system_fonts,
            workers,
        } => {
            let config = nianbao_serve::Config {
                addr,
                data,
                fonts: font_options(font_dir, no_system_fonts),
                workers: workers.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
                }),
                reader: nianbao_files::isolate::Worker::this_program(&["read-worker"]).ok(),
            };
            nianbao_serve::run(config)?;
            ExitCode::SUCCESS
        }
        Command::Import {
            files,
            output,
            to,
            partial,
            force,
        } => import::run(
            &files,
            output.as_deref(),
            convert_target(to),
            force,
            partial,
        ),
        Command::Check {
            files,
            previous,
            repeated_text_threshold,
            strict,
            format,
        } => run_check(
            &files,
            previous.as_deref(),
            &check::Options {
                repeat_threshold: f64::from(repeated_text_threshold) / 100.0,
            },
            strict,
            format,
        ),
        Command::Init {
            edition,
            year,
            organ,
            output,
            xlsx,
            force,
        } => run_init(edition, year, &organ, output, xlsx, force)?,
        Command::Convert {
            file,
            to,
            output,
            force,
        } => run_convert(&file, to, output, force)?,
        Command::Render {
            files,
            output,
            to,
            pdf_standard,
            font_dir,
            no_system_fonts,
            force,
            jobs,
            quiet,
        } => {
            let outputs = parse_outputs(&to)?;
            let standard = parse_standard(&pdf_standard)?;
            if jobs == Some(0) {
                return Err("--jobs 至少为 1".into());
            }
            batch::run(
                &files,
                batch::Options {
                    out_dir: output.as_deref(),
                    render: pipeline::Options {
                        outputs,
                        standard,
                        force,
                    },
                    fonts: font_options(font_dir, no_system_fonts),
                    jobs,
                    quiet,
                },
            )
        }
        Command::ReadWorker { kind } => nianbao_files::isolate::serve_worker(&kind),
        Command::RenderWorker {
            to,
            pdf_standard,
            font_dir,
            no_system_fonts,
            force,
        } => {
            let (outputs, standard) = (parse_outputs(&to)?, parse_standard(&pdf_standard)?);
            batch::serve(batch::Options {
                out_dir: None,
                render: pipeline::Options {
                    outputs,
                    standard,
                    force,
                },
                fonts: font_options(font_dir, no_system_fonts),
                jobs: Some(1),
                quiet: true,
            })
        }
        Command::Audit {
            dir,
            previous,
            roster,
            children,
            output,
            force,
            repeated_text_threshold,
            format,
        } => run_audit(
            &AuditInputs {
                dir: &dir,
                previous: previous.as_deref(),
                roster: roster.as_deref(),
                children: children.as_deref(),
            },
            output.as_deref(),
            force,
            &check::Options {
                repeat_threshold: f64::from(repeated_text_threshold) / 100.0,
            },
            format,
        )?,
        Command::Sum {
            dir,
            output,
            organ,
            year,
            force,
        } => run_sum(&dir, &output, organ, year, force)?,
        Command::Synth { count, dir } => {
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}：{e}", dir.display()))?;
            for i in 0..count {
                let path = dir.join(format!("report-{i:05}.yaml"));
                let text = write::to_string(&nianbao_form::synth::report(i), Format::Yaml);
                write_atomically(&path, text.as_bytes(), true)?;
            }
            ExitCode::SUCCESS
        }
        Command::Fonts {
            font_dir,
            no_system_fonts,
        } => {
            let set = FontSet::discover(&font_options(font_dir, no_system_fonts))
                .map_err(|e| e.to_string())?;
            print!("{}", set.describe());
            ExitCode::SUCCESS
        }
    })
}

/// The `--to` list of `render`: each output once, in [`Output::ALL`] order.
fn parse_outputs(to: &[String]) -> Result<Vec<Output>, Stop> {
    let mut outputs = Vec::new();
    for name in to {
        let output = Output::parse(name.trim()).ok_or_else(|| {
            format!(
                "不支持的输出格式 “{}”；可用：{}",
                name.trim(),
                Output::names()
            )
        })?;
        outputs.push(output);
    }
    outputs.sort();
    outputs.dedup();
    Ok(outputs)
}

/// The `--pdf-standard` of `render`.
fn parse_standard(name: &str) -> Result<Standard, Stop> {
    Standard::parse(name)
        .ok_or_else(|| format!("不支持的 PDF 标准 “{name}”；可用：a-2b、a-3b、ua-1、none"))
}

fn font_options(font_dir: Option<PathBuf>, no_system_fonts: bool) -> FontOptions {
    let env_off = std::env::var("NIANBAO_SYSTEM_FONTS").is_ok_and(|v| v == "0");
    FontOptions {
        font_dir,
        system_fonts: !no_system_fonts && !env_off,
    }
}

/// Reads a report file: a published one (PDF, DOCX, HTML) in a worker process of
/// this program with limits on memory and time (`nianbao read-worker`), so that a
/// hostile file fails alone; data files in process.
pub(crate) fn read_report(path: &Path) -> Result<nianbao_form::decode::Decoded, LoadError> {
    match nianbao_files::isolate::Worker::this_program(&["read-worker"]) {
        Ok(worker) => nianbao_files::isolate::read_file(path, &worker),
        Err(_) => read::read_file(path),
    }
}

pub(crate) fn display(path: &Path) -> String {
    path.display().to_string()
}

fn run_check(
    files: &[PathBuf],
    previous: Option<&Path>,
    options: &check::Options,
    strict: bool,
    format: OutputFormat,
) -> ExitCode {
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut summaries = Vec::new();
    let mut unreadable = false;
    let mut read_error = |path: &Path, e: LoadError, all: &mut Vec<Diagnostic>| {
        unreadable = true;
        eprintln!("{e}");
        all.push(Diagnostic::error(Rule::Read, "", e.to_string()).in_file(&display(path)));
    };
    // Last year's report is already published: what is wrong inside it is shown as
    // notes about that file, and never makes this year's check fail.
    let prev = match previous {
        // A path that leads to no file is a usage error; a file that is there but
        // cannot be read is a note like the rest.
        Some(p) => match read_report(p) {
            Err(e @ (LoadError::Io { .. } | LoadError::UnknownType { .. })) => {
                read_error(p, e, &mut all);
                None
            }
            read => {
                let last = check::previous(read.map_err(|e| e.to_string()));
                all.extend(last.notes.into_iter().map(|d| d.in_file(&display(p))));
                last.report
            }
        },
        None => None,
    };
    for file in files {
        match read_report(file) {
            Ok(decoded) => {
                let checked = check::check_with(decoded, prev.as_ref(), options);
                let diags: Vec<Diagnostic> = checked
                    .map_or_else(|d| d, |c| c.diagnostics)
                    .into_iter()
                    .map(|d| d.in_file(&display(file)))
                    .collect();
                summaries.push((display(file), count(&diags)));
                all.extend(diags);
            }
            Err(e) => read_error(file, e, &mut all),
        }
    }
    match format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&all).expect("diagnostics serialize");
            println!("{text}");
        }
        OutputFormat::Text => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(diag::format_text(&all).as_bytes());
            for (file, (errors, warnings)) in &summaries {
                let line = match (errors, warnings) {
                    (0, 0) => format!("{file}：通过核对"),
                    (0, w) => format!("{file}：通过核对，{w} 个警告"),
                    (e, w) => format!("{file}：{e} 个错误，{w} 个警告"),
                };
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if diag::fails(&all, strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The numbers of errors and of warnings.
fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

/// Writes a report file (never half-written; not over an existing file unless `force`).
fn write_report(path: &Path, report: &Report, target: Target, force: bool) -> ExitCode {
    let bytes = match report_bytes(report, target) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}：{e}", path.display());
            return ExitCode::from(1);
        }
    };
    match write_atomically(path, &bytes, force) {
        Ok(()) => {
            println!("已生成 {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// A report as the bytes of a file of `target`'s kind.
fn report_bytes(
    report: &Report,
    target: Target,
) -> Result<Vec<u8>, nianbao_files::error::WorkbookError> {
    Ok(match target {
        Target::Text(format) => write::to_string(report, format).into_bytes(),
        Target::Workbook => nianbao_files::xlsx::to_bytes(report)?,
    })
}

fn run_init(
    edition: EditionArg,
    year: i64,
    organ: &str,
    output: Option<PathBuf>,
    xlsx: bool,
    force: bool,
) -> Result<ExitCode, Stop> {
    let edition = match edition {
        EditionArg::Y2019 => Edition::Y2019,
        EditionArg::Y2021 => Edition::Y2021,
    };
    if !edition.years().contains(&year) {
        return Err(format!(
            "{year} 年度报告不使用 {} 版表格：2019、2020 年度用 --edition 2019，2021 年度起用 --edition 2021",
            edition.as_str()
        ));
    }
    if organ.trim().is_empty() {
        return Err("--organ 不能为空".into());
    }
    let ext = if xlsx { "xlsx" } else { "yaml" };
    let path = output.unwrap_or_else(|| PathBuf::from(format!("report-{year}.{ext}")));
    let target = match Target::from_path(&path) {
        Some(Target::Text(_)) if xlsx => {
            return Err(format!(
                "{}：--xlsx 生成的是 .xlsx 工作簿，请用 .xlsx 作文件名",
                path.display()
            ));
        }
        Some(t) => t,
        None => return Err(unknown_target(&path)),
    };
    let report = nianbao_form::derive::starting_report(edition, year, organ);
    Ok(write_report(&path, &report, target, force))
}

/// The refusal of an output file name of no data kind.
fn unknown_target(path: &Path) -> Stop {
    format!(
        "{}：无法识别的文件类型（应为 {} 之一）",
        path.display(),
        kinds::extensions_listed(Some(Role::Data))
    )
}

fn convert_target(to: ConvertTo) -> Target {
    match to {
        ConvertTo::Yaml => Target::Text(Format::Yaml),
        ConvertTo::Json => Target::Text(Format::Json),
        ConvertTo::Toml => Target::Text(Format::Toml),
        ConvertTo::Xlsx => Target::Workbook,
    }
}

fn run_convert(
    file: &Path,
    to: ConvertTo,
    output: Option<PathBuf>,
    force: bool,
) -> Result<ExitCode, Stop> {
    let target = convert_target(to);
    let decoded = read_report(file).map_err(|e| e.to_string())?;
    let errors: Vec<Diagnostic> = decoded
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.clone().in_file(&display(file)))
        .collect();
    let Some(report) = decoded.report.filter(|_| errors.is_empty()) else {
        eprint!("{}", diag::format_text(&errors));
        eprintln!("{}：文件有错误，未转换", display(file));
        return Ok(ExitCode::from(1));
    };
    let path = output.unwrap_or_else(|| file.with_extension(target.extension()));
    Ok(write_report(&path, &report, target, force))
}

/// The reports under `dir`, in name order, as audit reads them: the data files, and
/// the published reports (PDF, DOCX, HTML) that are not the rendering of a data
/// file beside them (`x.pdf` beside `x.yaml` is the same report).
fn report_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let wanted: fn(&Path) -> bool = |p| p.is_file() && kinds::by_path(p).is_some();
    batch::search_with(dir, Path::new(""), &mut found, wanted)
        .map_err(|e| format!("{}：无法读取文件夹：{e}", dir.display()))?;
    let data: std::collections::HashSet<PathBuf> = found
        .iter()
        .filter(|(p, _)| kinds::is(p, Role::Data))
        .map(|(p, _)| p.with_extension(""))
        .collect();
    Ok(found
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| kinds::is(p, Role::Data) || !data.contains(&p.with_extension("")))
        .collect())
}

/// A file as the region's work takes it: its path, and what reading it gave.
fn submission(path: &Path) -> Submission {
    Submission {
        source: display(path),
        read: read_report(path).map_err(|e| e.to_string()),
    }
}

/// The folders and lists an audit reads.
struct AuditInputs<'a> {
    dir: &'a Path,
    previous: Option<&'a Path>,
    roster: Option<&'a Path>,
    children: Option<&'a Path>,
}

/// `audit`: what stops it before any report is read (a folder or roster that
/// cannot be read, a findings file that cannot be written) as the error.
fn run_audit(
    inputs: &AuditInputs<'_>,
    output: Option<&Path>,
    force: bool,
    options: &check::Options,
    format: OutputFormat,
) -> Result<ExitCode, String> {
    let files = report_files(inputs.dir)?;
    let last = inputs
        .previous
        .map(report_files)
        .transpose()?
        .unwrap_or_default();
    let roster = inputs
        .roster
        .map(nianbao_files::region::read_roster)
        .transpose()?;
    let children = inputs.children.map(report_files).transpose()?;
    // Last year's reports contribute their figures only.
    let last = LastYear::new(
        last.iter()
            .filter_map(|p| read_report(p).ok().and_then(|d| d.report)),
    );
    // A progress bar on a terminal (a region of PDFs takes a while); none in a pipe.
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} 份  剩余 {eta}  {wide_msg}",
            )
            .expect("valid template"),
        );
        bar
    });
    // Read one at a time as the audit takes them: one report in memory at once.
    let this = files.iter().enumerate().map(|(done, path)| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
            bar.set_message(display(path));
        }
        submission(path)
    });
    let mut audit = audit::audit(this, &last, roster.as_deref(), options);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(children) = children {
        audit::check_children(
            &mut audit,
            files.iter().map(|p| submission(p)),
            children.iter().map(|p| submission(p)),
        );
    }
    if let Some(path) = output {
        let bytes = nianbao_files::region::to_workbook(&audit)
            .map_err(|e| format!("{}：{e}", path.display()))?;
        write_atomically(path, &bytes, force)?;
    }
    match format {
        OutputFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&audit).expect("the audit serializes")
            );
        }
        OutputFormat::Text => {
            let mut out = std::io::stdout().lock();
            for u in &audit.units {
                let _ = writeln!(
                    out,
                    "{}　{}　{} 个错误，{} 个警告{}{}",
                    u.status.chinese(),
                    u.organ,
                    u.errors,
                    u.warnings,
                    if u.late { "，逾期公布" } else { "" },
                    if u.file.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", u.file)
                    }
                );
            }
            let counts: Vec<String> = audit
                .counts()
                .iter()
                .map(|(s, n)| format!("{} {n}", s.chinese()))
                .collect();
            let _ = writeln!(
                out,
                "共 {} 个单位：{}；问题 {} 条{}",
                audit.units.len(),
                counts.join("，"),
                audit.findings.len(),
                output.map_or(String::new(), |p| format!(
                    "；问题清单已写入 {}",
                    p.display()
                ))
            );
        }
    }
    Ok(if audit.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_sum(
    dir: &Path,
    output: &Path,
    organ: Option<String>,
    year: Option<i64>,
    force: bool,
) -> Result<ExitCode, Stop> {
    let files = report_files(dir)?;
    // Only reports that check without errors are added up, as checked.
    let (reports, left_out) = audit::summable(files.iter().map(|f| submission(f)));
    if !left_out.is_empty() {
        for l in &left_out {
            match l {
                LeftOut::Unreadable { message, .. } => eprintln!("{message}"),
                LeftOut::Errors { source, .. } => {
                    eprintln!("{source}：数据有错误，请先改正（nianbao check）")
                }
            }
        }
        eprintln!("未生成汇总报告");
        return Ok(ExitCode::from(1));
    }
    let organ = organ.unwrap_or_else(|| {
        format!(
            "{}（汇总）",
            dir.file_name()
                .map_or("汇总".into(), |n| n.to_string_lossy().into_owned())
        )
    });
    let report = match audit::sum(&reports, &organ, year) {
        Ok(r) => r,
        Err(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            eprintln!("未生成汇总报告");
            return Ok(ExitCode::from(1));
        }
    };
    let target = Target::from_path(output).ok_or_else(|| unknown_target(output))?;
    let code = write_report(output, &report, target, force);
    if code == ExitCode::SUCCESS {
        println!("已汇总 {} 份报告", reports.len());
    }
    Ok(code)
}
