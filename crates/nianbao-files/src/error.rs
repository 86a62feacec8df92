//! Operational errors of reading and writing files: files that cannot be read at all,
//! and workbooks that cannot be written. Problems *in* a report are not errors but
//! [`nianbao_form::diag::Diagnostic`]s, all collected in one run.

use std::path::{Path, PathBuf};

use crate::kinds;

/// A report file that could not be read at all (`check` exits with status 2 for
/// it, rather than listing diagnostics). `Display` gives the Chinese message for
/// the user, led by the file's path when it is known.
#[derive(Debug)]
pub enum LoadError {
    /// A file of none of the [`kinds::KINDS`] (by its name and its first bytes).
    UnknownType {
        /// The file, when read from disk.
        path: Option<PathBuf>,
    },
    /// The file could not be read from disk.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A YAML, JSON or TOML file that is not UTF-8.
    NotUtf8 {
        /// The file, when read from disk.
        path: Option<PathBuf>,
        /// Byte offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// Not a readable .xlsx package (not a zip, or not a workbook inside).
    NotWorkbook {
        /// The file, when read from disk.
        path: Option<PathBuf>,
        /// The reader's own words.
        cause: String,
    },
    /// A file larger than the loaders read ([`nianbao_form::limits::MAX_TEXT_FILE_BYTES`],
    /// [`nianbao_form::limits::MAX_WORKBOOK_BYTES`]).
    TooLarge {
        /// The file, when read from disk.
        path: Option<PathBuf>,
        /// Its size, in bytes.
        size: u64,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A published report (PDF, DOCX, HTML) that its reader could not read at all:
    /// a scan, an encrypted PDF, a legacy .doc/.wps, a broken file, past a limit.
    Published {
        /// The file, when read from disk.
        path: Option<PathBuf>,
        /// What it is and what to do, in Chinese.
        detail: String,
    },
    /// A workbook whose package goes past a limit (a zip bomb, a sheet that reaches a
    /// millionth row …): the message says which part and which limit.
    WorkbookLimit {
        /// The file, when read from disk.
        path: Option<PathBuf>,
        /// What goes past which limit, in Chinese.
        detail: String,
    },
}

/// A size in bytes as users read it: `2 MB`, `512 KB`, `300 字节`.
pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MB", bytes as f64 / MIB as f64).replace(".0 MB", " MB")
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} 字节")
    }
}

impl LoadError {
    /// The same error, naming the file it came from.
    pub fn in_file(self, file: &Path) -> LoadError {
        match self {
            LoadError::NotUtf8 { offset, .. } => LoadError::NotUtf8 {
                path: Some(file.to_path_buf()),
                offset,
            },
            LoadError::NotWorkbook { cause, .. } => LoadError::NotWorkbook {
                path: Some(file.to_path_buf()),
                cause,
            },
            LoadError::WorkbookLimit { detail, .. } => LoadError::WorkbookLimit {
                path: Some(file.to_path_buf()),
                detail,
            },
            LoadError::UnknownType { .. } => LoadError::UnknownType {
                path: Some(file.to_path_buf()),
            },
            LoadError::TooLarge { size, limit, .. } => LoadError::TooLarge {
                path: Some(file.to_path_buf()),
                size,
                limit,
            },
            LoadError::Published { detail, .. } => LoadError::Published {
                path: Some(file.to_path_buf()),
                detail,
            },
            other => other,
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            LoadError::Io { path, .. } => Some(path),
            LoadError::UnknownType { path }
            | LoadError::TooLarge { path, .. }
            | LoadError::Published { path, .. }
            | LoadError::NotUtf8 { path, .. }
            | LoadError::NotWorkbook { path, .. }
            | LoadError::WorkbookLimit { path, .. } => path.as_deref(),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(path) = self.path() {
            write!(f, "{}：", path.display())?;
        }
        match self {
            LoadError::UnknownType { .. } => {
                write!(
                    f,
                    "无法识别的文件类型（应为 {} 之一）",
                    kinds::extensions_listed(None)
                )
            }
            LoadError::Io { source, .. } => write!(f, "无法读取文件：{source}"),
            LoadError::NotUtf8 { offset, .. } => {
                write!(
                    f,
                    "文件不是 UTF-8 编码（第 {offset} 字节起）；请另存为 UTF-8"
                )
            }
            LoadError::NotWorkbook { cause, .. } => write!(
                f,
                "不是可读取的 .xlsx 工作簿（{cause}）；请用 Excel 或 WPS 另存为 .xlsx"
            ),
            LoadError::TooLarge { size, limit, .. } => write!(
                f,
                "文件过大（{}，上限 {}），已拒绝读取；年报数据文件通常只有几十 KB，请检查是否选错了文件",
                human_size(*size),
                human_size(*limit)
            ),
            LoadError::Published { detail, .. } => f.write_str(detail),
            LoadError::WorkbookLimit { detail, .. } => write!(
                f,
                "工作簿超出可读取的范围（{detail}），已拒绝读取；请检查是否选错了文件，或用 nianbao init --xlsx 重新生成工作簿后填写"
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A workbook that could not be written. `Display` gives the Chinese message.
#[derive(Debug)]
pub enum WorkbookError {
    /// The report holds something the workbook cannot keep (the message says what).
    Data(String),
    /// rust_xlsxwriter failed.
    Xlsx(String),
}

impl std::fmt::Display for WorkbookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkbookError::Data(message) => f.write_str(message),
            WorkbookError::Xlsx(e) => write!(f, "无法生成工作簿：{e}"),
        }
    }
}

impl std::error::Error for WorkbookError {}
