//! Why a published file could not be read at all (problems inside a readable file
//! are diagnostics instead). Every message is in Chinese and says what to do.

use std::fmt;

/// A published report that cannot be read.
#[derive(Debug)]
pub enum ImportError {
    /// A kind of file nianbao cannot read (legacy `.doc`/`.wps`, another format).
    Unsupported(String),
    /// A PDF that needs a password.
    Encrypted,
    /// A PDF with no usable text layer (a scan).
    NoText(String),
    /// A file whose structure is broken.
    Malformed(String),
    /// A file past one of [`crate::limits`].
    TooLarge(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Unsupported(what) => write!(f, "{what}"),
            ImportError::Encrypted => write!(
                f,
                "PDF 已加密，需要密码才能读取；请用原文件（DOCX）或未加密的 PDF"
            ),
            ImportError::NoText(why) => write!(
                f,
                "{why}，无法读出文字和数字；请用原文件（DOCX）或由 Word/WPS 直接导出的 PDF，\
                 不要用扫描件"
            ),
            ImportError::Malformed(why) => write!(f, "文件已损坏或不是所称的格式：{why}"),
            ImportError::TooLarge(why) => write!(f, "文件超出读取上限：{why}"),
        }
    }
}

impl std::error::Error for ImportError {}
