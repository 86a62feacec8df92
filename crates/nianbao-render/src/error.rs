//! Why a document could not be rendered. Problems in the report's data are
//! diagnostics (`nianbao_form::diag`), reported before rendering; these are the
//! failures after that point: an expression that cannot be filled in, Typst
//! refusing the document, an export failing.

/// One message of Typst's, with its hints, as Typst gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypstMessage {
    /// Typst's message.
    pub message: String,
    /// Typst's hints.
    pub hints: Vec<String>,
}

/// A failure to render one document. `Display` gives the Chinese message shown
/// to the user (Typst's own messages are kept in its words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// A `{{…}}` expression of the prose could not be filled in (`check` reports
    /// the cause first); the message names the expression.
    Expression(String),
    /// Typst could not lay the document out (a template error: a bug).
    Typeset(Vec<TypstMessage>),
    /// The template did not give back the table heights it was asked to measure.
    TableMetrics,
    /// The PDF standard cannot be met by this Typst.
    Standard(String),
    /// Typst could not export the laid-out pages as PDF.
    PdfExport(Vec<TypstMessage>),
    /// The DOCX package could not be written (the XML of a part is malformed: a bug).
    Docx(String),
    /// The data given to the template could not be serialised.
    TemplateData(String),
}

/// Typst's messages as one line: each message with its hints in brackets.
fn describe(messages: &[TypstMessage]) -> String {
    messages
        .iter()
        .map(|d| {
            if d.hints.is_empty() {
                d.message.clone()
            } else {
                format!("{}（{}）", d.message, d.hints.join("；"))
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Expression(m)
            | RenderError::Standard(m)
            | RenderError::TemplateData(m) => f.write_str(m),
            RenderError::Typeset(d) => write!(f, "排版失败：{}", describe(d)),
            RenderError::TableMetrics => f.write_str("排版失败：表格高度未能测量"),
            RenderError::PdfExport(d) => write!(f, "PDF 导出失败：{}", describe(d)),
            RenderError::Docx(m) => write!(f, "DOCX 生成失败：{m}"),
        }
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    /// Typst's diagnostics in our shape.
    pub(crate) fn messages(diags: &[typst::diag::SourceDiagnostic]) -> Vec<TypstMessage> {
        diags
            .iter()
            .map(|d| TypstMessage {
                message: d.message.to_string(),
                hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            })
            .collect()
    }
}
