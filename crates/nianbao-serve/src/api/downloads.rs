//! A report's files and preview pages.

use super::*;

/// One kind of file a report can be downloaded as.
#[derive(Serialize, ToSchema)]
pub struct OutputInfo {
    /// The `{format}` of `/api/reports/{id}/download/{format}`.
    pub format: String,
    /// The name on the page's button.
    pub label: String,
    /// The media type of the file.
    pub media_type: String,
    /// Whether it is typeset or laid out from the report (PDF, DOCX, HTML), and so
    /// made only from data without errors; the data files are made from any data.
    pub typeset: bool,
}

/// What a report can be downloaded as, in the order of the page's buttons: the
/// editions from the one list of outputs (`nianbao_render::output::Output`), then
/// the data (JSON with every 总计, the workbook).
#[utoipa::path(get, path = "/api/outputs", responses((status = 200, body = [OutputInfo])))]
pub async fn outputs() -> axum::Json<Vec<OutputInfo>> {
    let mut list: Vec<OutputInfo> = [Output::Pdf, Output::Docx, Output::Html]
        .into_iter()
        .map(|o| OutputInfo {
            format: o.name().into(),
            label: o.label().into(),
            media_type: o.media_type().into(),
            typeset: true,
        })
        .collect();
    for (format, label) in [("json", "JSON"), ("xlsx", "工作簿")] {
        list.push(OutputInfo {
            format: format.into(),
            label: label.into(),
            media_type: content_type_of(format).into(),
            typeset: false,
        });
    }
    axum::Json(list)
}

/// Which version.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version number; the latest when left out.
    pub version: Option<i64>,
}

/// `name` as an RFC 5987 `filename*` value (UTF-8, percent-encoded), with an ASCII
/// fallback `filename`.
pub(crate) fn attachment(fallback: &str, name: &str) -> HeaderValue {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

pub(crate) fn file_response(
    content_type: &'static str,
    disposition: HeaderValue,
    bytes: Vec<u8>,
) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_DISPOSITION, disposition);
    response
}

pub(crate) fn refused(
    refusal: Refusal,
    diagnostics: &[nianbao_form::diag::Diagnostic],
) -> ApiError {
    match refusal {
        Refusal::Errors(n) => {
            let first: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .take(3)
                .map(|d| d.message.clone())
                .collect();
            ApiError::unprocessable(format!(
                "报告数据有 {n} 个错误，改正后才能生成：{}",
                first.join("；")
            ))
        }
        // A report the typesetter refuses (an unknown name in {{…}}, say) is the data's
        // fault: the message says what.
        Refusal::Render(e) => ApiError::unprocessable(format!("无法排版：{e}")),
        other => ApiError::unprocessable(other.to_string()),
    }
}

/// Downloads a report: `pdf`, `docx`, `html` (the portal edition), `json` (the
/// published data with every 总计), `xlsx` (the fill-in workbook) or `yaml`. The
/// PDF, DOCX and HTML are made only from data without errors.
#[utoipa::path(get, path = "/api/reports/{id}/download/{format}", params(("id" = i64, Path, description = "报告编号"),
    ("format" = String, Path, description = "pdf、docx、html、json、xlsx 或 yaml"), VersionQuery),
    responses((status = 200, description = "文件", content(
        (Vec<u8> = "application/pdf"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (String = "text/html"), (Object = "application/json"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (String = "application/yaml"))),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn download(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, format)): PathArgs<(i64, String)>,
    QueryArgs(q): QueryArgs<VersionQuery>,
) -> Result<Response, ApiError> {
    let row = visible(&app, &s, id).await?;
    let number = q.version.unwrap_or(row.latest.number);
    let data = version_data(&app, id, number).await?;
    let stem = format!(
        "{}{}年政府信息公开工作年度报告",
        row.account.organ, row.year
    );
    let ascii = format!("report-{}", row.year);
    let name = |ext: &str| attachment(&format!("{ascii}.{ext}"), &format!("{stem}.{ext}"));
    let output = match format.as_str() {
        // The typeset and portal editions, from the one list of outputs.
        "pdf" | "docx" | "html" => Output::parse(&format).ok_or_else(ApiError::not_found)?,
        "json" | "xlsx" | "yaml" => {
            let checked = app
                .checkers
                .run(move |()| {
                    nianbao_form::check::check(read::read_str(&data, Format::Json), None)
                })
                .await?
                .map_err(|_| ApiError::unprocessable("报告数据无法读出，不能导出"))?;
            let bytes = data_file(&format, &checked.report, &checked.totals)?;
            return Ok(file_response(
                content_type_of(&format),
                name(&format),
                bytes,
            ));
        }
        _ => return Err(ApiError::not_found()),
    };
    let bytes = render_one(&app, data, output, false).await?;
    Ok(file_response(
        output.media_type(),
        name(output.extension()),
        bytes,
    ))
}

/// Renders one output of a report's data on a typesetting worker (PDF/A-2b, as
/// `render` by default); with `force`, also when the data has errors.
pub(crate) async fn render_one(
    app: &App,
    data: String,
    output: Output,
    force: bool,
) -> Result<Vec<u8>, ApiError> {
    let rendered = app
        .workers
        .run(move |renderer| {
            renderer.render(
                read::read_str(&data, Format::Json),
                &pipeline::Options {
                    outputs: vec![output],
                    standard: Standard::A2b,
                    force,
                },
            )
        })
        .await?
        .map_err(|r| refused(r.refusal, &r.diagnostics))?;
    rendered
        .files
        .into_iter()
        .next()
        .map(|(_, b)| b)
        .ok_or_else(|| ApiError::internal("没有生成文件"))
}

/// A preview's pages.
#[derive(Serialize, ToSchema)]
pub struct PreviewInfo {
    /// The version previewed.
    pub version: i64,
    /// The address of each page's image (SVG), in order.
    pub pages: Vec<String>,
    /// The address of the HTML edition.
    pub html: String,
}

/// Typesets a version (the latest by default) and gives the addresses of its page
/// images: the same pages as the PDF. A report with errors is previewed too.
#[utoipa::path(get, path = "/api/reports/{id}/preview", params(("id" = i64, Path, description = "报告编号"), VersionQuery),
    responses((status = 200, body = PreviewInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    QueryArgs(q): QueryArgs<VersionQuery>,
) -> Result<axum::Json<PreviewInfo>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let number = q.version.unwrap_or(row.latest.number);
    let pages = preview_pages(&app, id, number).await?;
    Ok(axum::Json(PreviewInfo {
        version: number,
        pages: (1..=pages.len())
            .map(|p| format!("/api/reports/{id}/preview/{number}/{p}"))
            .collect(),
        html: format!("/api/reports/{id}/preview.html?version={number}"),
    }))
}

pub(crate) async fn preview_pages(
    app: &App,
    id: i64,
    number: i64,
) -> Result<Arc<Vec<String>>, ApiError> {
    if let Some(pages) = app.previews.get(id, number) {
        return Ok(pages);
    }
    let data = version_data(app, id, number).await?;
    let preview = app
        .workers
        .run(move |renderer| renderer.preview(read::read_str(&data, Format::Json)))
        .await?
        .map_err(|r| refused(r.refusal, &r.diagnostics))?;
    let pages = Arc::new(preview.pages);
    app.previews.put(id, number, pages.clone());
    Ok(pages)
}

/// One page of a preview, as an SVG image.
#[utoipa::path(get, path = "/api/reports/{id}/preview/{version}/{page}", params(("id" = i64, Path, description = "报告编号"),
    ("version" = i64, Path, description = "版本号"), ("page" = usize, Path, description = "页码，从 1 起")),
    responses((status = 200, description = "SVG", content_type = "image/svg+xml", body = String),
    (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview_page(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, number, page)): PathArgs<(i64, i64, usize)>,
) -> Result<Response, ApiError> {
    visible(&app, &s, id).await?;
    let pages = preview_pages(&app, id, number).await?;
    let svg = page
        .checked_sub(1)
        .and_then(|p| pages.get(p))
        .ok_or_else(ApiError::not_found)?
        .clone();
    let mut response = svg.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    h.insert(
        header::CACHE_CONTROL,
        // Like every other answer: nothing stays in a shared PC's cache after logout.
        HeaderValue::from_static("no-store"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ),
    );
    Ok(response)
}

/// The HTML edition of a version (the portal page), for the preview frame: shown
/// with errors too; no script runs in it.
#[utoipa::path(get, path = "/api/reports/{id}/preview.html", params(("id" = i64, Path, description = "报告编号"), VersionQuery),
    responses((status = 200, description = "HTML", content_type = "text/html", body = String),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn preview_html(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    QueryArgs(q): QueryArgs<VersionQuery>,
) -> Result<Response, ApiError> {
    let row = visible(&app, &s, id).await?;
    let number = q.version.unwrap_or(row.latest.number);
    let data = version_data(&app, id, number).await?;
    // Shown with errors too: the preview is how a clerk sees them.
    let html = render_one(&app, data, Output::Html, true).await?;
    let mut response = html.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'; sandbox",
        ),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(response)
}
