//! A unit's reports: starting, saving, uploading, checking, versions.

use super::*;
use nianbao_form::check;
use nianbao_form::diag::Rule;

/// A report and its latest version.
#[derive(Serialize, ToSchema)]
pub struct ReportSummary {
    /// The report's id.
    pub id: i64,
    /// The unit's login name.
    pub unit: String,
    /// The unit's organ.
    pub organ: String,
    /// The reporting year.
    pub year: i64,
    /// The latest version's number.
    pub version: i64,
    /// When it was saved (seconds since 1970, UTC).
    pub saved: i64,
    /// Who saved it.
    pub saved_by: String,
    /// How it came (新建, 填写, 上传：…, 恢复第 n 版).
    pub source: String,
    /// Errors when saved.
    pub errors: i64,
    /// Warnings when saved.
    pub warnings: i64,
    /// 通过, 有警告 or 有错误.
    pub status: String,
}

pub(crate) fn summary(r: &ReportRow) -> ReportSummary {
    ReportSummary {
        id: r.id,
        unit: r.account.login.clone(),
        organ: r.account.organ.clone(),
        year: r.year,
        version: r.latest.number,
        saved: r.latest.saved,
        saved_by: r.latest.saved_by.clone(),
        source: r.latest.source.clone(),
        errors: r.latest.errors,
        warnings: r.latest.warnings,
        status: audit::Status::of_counts(r.latest.errors as usize, r.latest.warnings as usize)
            .chinese()
            .into(),
    }
}

/// The reports this account may see: a unit's own, or every unit's for the office.
#[utoipa::path(get, path = "/api/reports", params(YearQuery), responses(
    (status = 200, body = [ReportSummary]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn reports(
    State(app): State<Arc<App>>,
    s: Session,
    QueryArgs(q): QueryArgs<YearQuery>,
) -> Result<axum::Json<Vec<ReportSummary>>, ApiError> {
    let account = (!s.account.is_office()).then_some(s.account.id);
    let rows = app.store.reports(account, q.year).await?;
    Ok(axum::Json(rows.iter().map(summary).collect()))
}

/// A year, for filtering.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The reporting year.
    pub year: Option<i64>,
}

/// A report to start.
#[derive(Deserialize, ToSchema)]
pub struct NewReport {
    /// The reporting year; the form's edition follows from it.
    pub year: i64,
}

/// Starts this unit's report for a year: placeholder prose, every number 0 but those
/// carried over from last year's report (上年结转, 现行有效件数).
#[utoipa::path(post, path = "/api/reports", request_body = NewReport, responses(
    (status = 201, body = ReportSummary), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "这一年度的报告已经有了"),
    (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start_report(
    State(app): State<Arc<App>>,
    s: Session,
    JsonBody(req): JsonBody<NewReport>,
) -> Result<(StatusCode, axum::Json<ReportSummary>), ApiError> {
    unit_only(&s)?;
    // A year without a form is refused before anything else is asked of it.
    report::edition_for(req.year)?;
    // Last year's report of the unit, when there is one, gives the figures carried over.
    let last = last_years_data(&app, s.account.id, req.year).await?;
    let last_report = last
        .as_deref()
        .and_then(|d| read::read_str(d, Format::Json).report);
    let mut data = parse_data(&report::starting_json(
        &s.account.organ,
        req.year,
        last_report.as_ref(),
    )?);
    let text = data_text(&mut data, &s.account)?;
    let checked = check_against(&app, text.clone(), last).await?;
    let row = save_version(&app, &s, req.year, Some(0), text, "新建".into(), &checked)
        .await
        .map_err(|e| {
            if e.status == StatusCode::CONFLICT {
                ApiError::new(
                    StatusCode::CONFLICT,
                    format!("{} 年度的报告已经有了", req.year),
                )
            } else {
                e
            }
        })?;
    Ok((StatusCode::CREATED, axum::Json(summary(&row))))
}

pub(crate) fn unit_only(s: &Session) -> Result<(), ApiError> {
    if s.account.is_office() {
        Err(ApiError::forbidden("报告由各单位填报；办公室只能查看"))
    } else {
        Ok(())
    }
}

/// Saves a version and answers with the report's summary.
pub(crate) async fn save_version(
    app: &App,
    s: &Session,
    year: i64,
    base: Option<i64>,
    data: String,
    source: String,
    result: &CheckResult,
) -> Result<ReportRow, ApiError> {
    let account = s.account.id;
    let new = NewVersion {
        data,
        saved_by: account,
        source,
        errors: result.errors as i64,
        warnings: result.warnings as i64,
    };
    match app.store.save_version(account, year, base, new).await? {
        Saved::Saved(row) => Ok(*row),
        Saved::Stale(latest) => Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("报告已被另存为第 {latest} 版（可能在另一个窗口）；请重新打开后再保存"),
        )),
    }
}

/// Upload options.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (only its extension is used, to tell its kind).
    pub name: Option<String>,
    /// The year the report must be of.
    pub year: Option<i64>,
    /// Import a published report even when rows of the form were not found
    /// (they are then 0 and must be filled in).
    pub partial: Option<bool>,
}

/// What an upload gave.
#[derive(Serialize, ToSchema)]
pub struct UploadResult {
    /// The report now.
    pub report: ReportSummary,
    /// The check of what was read (with the places in the uploaded file).
    pub check: CheckResult,
    /// What was changed on the way in (the organ's name), in Chinese.
    pub notes: Vec<String>,
}

/// Uploads a report file as a new version of this unit's report for its year: the
/// fill-in workbook, a YAML/JSON/TOML data file, or a published DOCX/HTML/PDF.
#[utoipa::path(post, path = "/api/reports/upload", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "文件内容（至多 32 MiB）"),
    responses((status = 201, body = UploadResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(app): State<Arc<App>>,
    s: Session,
    QueryArgs(q): QueryArgs<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<UploadResult>), ApiError> {
    unit_only(&s)?;
    let too_big = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("文件超过 {} MiB 的上限", MAX_UPLOAD_BYTES / 1024 / 1024),
        )
    };
    // Refused before a byte of the body is read when the length is declared.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES as u64) {
        return Err(too_big());
    }
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| too_big())?
        .to_vec();
    if bytes.is_empty() {
        return Err(ApiError::bad_request("文件是空的"));
    }
    let name: String = q.name.unwrap_or_default().chars().take(200).collect();
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let partial = q.partial.unwrap_or(false);
    let read_name = name.clone();
    let checked = app
        .checkers
        .run({
            let reader = app.reader.clone();
            move |()| report::read_upload_checked(&read_name, bytes, partial, reader.as_ref())
        })
        .await??;
    let Some(mut report) = checked.report else {
        let first: Vec<String> = checked
            .result
            .diagnostics
            .iter()
            .filter(|d| d.severity == "error")
            .take(5)
            .map(|d| d.message.clone())
            .collect();
        return Err(ApiError::unprocessable(format!(
            "无法从文件中读出报告：{}",
            first.join("；")
        )));
    };
    if let Some(year) = q.year
        && year != report.year
    {
        return Err(ApiError::unprocessable(format!(
            "文件是 {} 年度的报告，不是 {year} 年度的",
            report.year
        )));
    }
    report::edition_for(report.year)?;
    // A unit reports as itself: the organ in the file gives way to the account's.
    let mut notes = Vec::new();
    if report.organ != s.account.organ {
        notes.push(format!(
            "文件中的机关名称“{}”已改为本单位账号的“{}”",
            report.organ, s.account.organ
        ));
        report.organ = s.account.organ.clone();
    }
    // Nor does a file decide the deadline: the account's kind does, as on a save.
    if let Some(kind) = nianbao_form::model::OrganKind::parse(&s.account.kind) {
        report.meta.get_or_insert_with(Default::default).kind = Some(kind);
    }
    let data = write::to_string(&report, Format::Json);
    let source = if name.is_empty() {
        "上传".to_string()
    } else {
        format!("上传：{name}")
    };
    // The stored data is checked again as stored, with last year's report (the
    // version's counts are those the editor shows).
    let last = last_years_data(&app, s.account.id, report.year).await?;
    let stored = check_against(&app, data.clone(), last).await?;
    let row = save_version(&app, &s, report.year, None, data, source, &stored).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(UploadResult {
            report: summary(&row),
            check: checked.result,
            notes,
        }),
    ))
}

/// A report with its data and check.
#[derive(Serialize, ToSchema)]
pub struct ReportDetail {
    /// The report.
    pub report: ReportSummary,
    /// The version shown.
    pub version: i64,
    /// The report's data (nianbao's data format, docs/schema).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Its check, with last year's report when there is one.
    pub check: CheckResult,
}

/// The report `id` if this session may see it (a unit: its own; the office: any).
pub(crate) async fn visible(app: &App, s: &Session, id: i64) -> Result<ReportRow, ApiError> {
    let row = app
        .store
        .report(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !s.account.is_office() && row.account.id != s.account.id {
        // Another unit's report: not told it exists.
        return Err(ApiError::not_found());
    }
    Ok(row)
}

/// The report the unit may change.
pub(crate) async fn editable(app: &App, s: &Session, id: i64) -> Result<ReportRow, ApiError> {
    unit_only(s)?;
    visible(app, s, id).await
}

/// The latest data of the report of `account` for the year before `year`.
pub(crate) async fn last_years_data(
    app: &App,
    account: i64,
    year: i64,
) -> Result<Option<String>, ApiError> {
    // The year before the first there is has no report (and is no arithmetic).
    let Some(last) = year.checked_sub(1) else {
        return Ok(None);
    };
    Ok(app.store.latest_data(account, last).await?)
}

/// Checks a report's data with last year's data (`last`), both read on the checking
/// threads.
pub(crate) async fn check_against(
    app: &App,
    data: String,
    last: Option<String>,
) -> Result<CheckResult, ApiError> {
    app.checkers
        .run(move |()| {
            let last = last.map(|d| check::previous(Ok(read::read_str(&d, Format::Json))));
            let previous = last.as_ref().and_then(|l| l.report.as_ref());
            let mut result = report::check_json(&data, previous).result;
            // Last year's report that could not be read is said, not dropped (its
            // other problems are last year's: the unit cannot change them now).
            for note in last.iter().flat_map(|l| &l.notes) {
                if matches!(note.rule, Rule::Read | Rule::Previous) {
                    let mut f = Finding::from(note);
                    f.path.clear();
                    result.diagnostics.push(f);
                }
            }
            result
        })
        .await
}

/// Checks data of the report `row` with the unit's report of the year before.
pub(crate) async fn checked(
    app: &App,
    row: &ReportRow,
    data: String,
) -> Result<CheckResult, ApiError> {
    let last = last_years_data(app, row.account.id, row.year).await?;
    check_against(app, data, last).await
}

pub(crate) fn parse_data(data: &str) -> serde_json::Value {
    serde_json::from_str(data).unwrap_or(serde_json::Value::Null)
}

/// A report: its latest version's data and check.
#[utoipa::path(get, path = "/api/reports/{id}", params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, body = ReportDetail), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report_detail(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let check = checked(&app, &row, row.latest.data.clone()).await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&row),
        version: row.latest.number,
        data: parse_data(&row.latest.data),
        check,
    }))
}

/// The editor's data to save or check.
#[derive(Deserialize, ToSchema)]
pub struct SaveRequest {
    /// The report's data (nianbao's data format), as typed: a value that does not
    /// pass the check is kept, and reported.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The version the editor started from; the save is refused (409) when another
    /// was saved since.
    pub base_version: Option<i64>,
}

/// Data to check.
#[derive(Deserialize, ToSchema)]
pub struct CheckRequest {
    /// The report's data.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// The report data as stored: compact JSON of at most a data file's size
/// (`limits::MAX_TEXT_FILE_BYTES`, 2 MiB), with the organ and kind (`meta.kind`) of the
/// account (a unit reports as itself: the office's roster and audit go by this name).
pub(crate) fn data_text(
    data: &mut serde_json::Value,
    account: &store::Account,
) -> Result<String, ApiError> {
    let Some(map) = data.as_object_mut() else {
        return Err(ApiError::unprocessable(
            "data 应是一份报告数据（JSON 对象）",
        ));
    };
    map.insert(
        "organ".into(),
        serde_json::Value::String(account.organ.clone()),
    );
    // The deadline is the account's kind's (部门 31 January, 人民政府 31 March), as the
    // office's audit has it, so the clerk sees the `late` warning the office sees.
    if let Some(meta) = map
        .entry("meta")
        .or_insert_with(|| serde_json::Value::Object(Default::default()))
        .as_object_mut()
    {
        meta.insert(
            "kind".into(),
            serde_json::Value::String(account.kind.clone()),
        );
    }
    let text = serde_json::to_string(data).map_err(ApiError::internal)?;
    let limit = nianbao_form::limits::MAX_TEXT_FILE_BYTES;
    if text.len() as u64 > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("报告数据超过 {} MiB 的上限", limit / 1024 / 1024),
        ));
    }
    Ok(text)
}

/// Saves the editor's data as a new version.
#[utoipa::path(put, path = "/api/reports/{id}", params(("id" = i64, Path, description = "报告编号")),
    request_body = SaveRequest, responses((status = 200, body = ReportDetail), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn save(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    JsonBody(req): JsonBody<SaveRequest>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = editable(&app, &s, id).await?;
    let mut data = req.data;
    let text = data_text(&mut data, &row.account)?;
    let check = checked(&app, &row, text.clone()).await?;
    // The year stays the report's: a year typed differently is reported by the check
    // and saved as typed, in this report.
    let saved = save_version(
        &app,
        &s,
        row.year,
        req.base_version,
        text,
        "填写".into(),
        &check,
    )
    .await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&saved),
        version: saved.latest.number,
        data,
        check,
    }))
}

/// Checks the editor's data against the rules without saving (with last year's
/// report of the unit).
#[utoipa::path(post, path = "/api/reports/{id}/check", params(("id" = i64, Path, description = "报告编号")),
    request_body = CheckRequest, responses((status = 200, body = CheckResult), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_report(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    JsonBody(req): JsonBody<CheckRequest>,
) -> Result<axum::Json<CheckResult>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let mut data = req.data;
    let text = data_text(&mut data, &row.account)?;
    Ok(axum::Json(checked(&app, &row, text).await?))
}

/// Checks any report data (no last year's report).
#[utoipa::path(post, path = "/api/check", request_body = CheckRequest, responses(
    (status = 200, body = CheckResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn check_data(
    State(app): State<Arc<App>>,
    s: Session,
    JsonBody(req): JsonBody<CheckRequest>,
) -> Result<axum::Json<CheckResult>, ApiError> {
    let mut data = req.data;
    let text = data_text(&mut data, &s.account)?;
    let result = app
        .checkers
        .run(move |()| report::check_json(&text, None).result)
        .await?;
    Ok(axum::Json(result))
}

/// One version, without its data.
#[derive(Serialize, ToSchema)]
pub struct VersionInfo {
    /// 1, 2, …
    pub number: i64,
    /// When (seconds since 1970, UTC).
    pub saved: i64,
    /// Who.
    pub saved_by: String,
    /// How it came.
    pub source: String,
    /// Errors when saved.
    pub errors: i64,
    /// Warnings when saved.
    pub warnings: i64,
}

/// Every version of a report, newest first.
#[utoipa::path(get, path = "/api/reports/{id}/versions", params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, body = [VersionInfo]), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
) -> Result<axum::Json<Vec<VersionInfo>>, ApiError> {
    visible(&app, &s, id).await?;
    let list = app.store.versions(id).await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|v| VersionInfo {
                number: v.number,
                saved: v.saved,
                saved_by: v.saved_by,
                source: v.source,
                errors: v.errors,
                warnings: v.warnings,
            })
            .collect(),
    ))
}

pub(crate) async fn version_data(app: &App, id: i64, number: i64) -> Result<String, ApiError> {
    app.store
        .version(id, number)
        .await?
        .map(|v| v.data)
        .ok_or_else(ApiError::not_found)
}

/// One version of a report: its data and check.
#[utoipa::path(get, path = "/api/reports/{id}/versions/{number}", params(("id" = i64, Path, description = "报告编号"),
    ("number" = i64, Path, description = "版本号")),
    responses((status = 200, body = ReportDetail), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn version_detail(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, number)): PathArgs<(i64, i64)>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let data = version_data(&app, id, number).await?;
    let check = checked(&app, &row, data.clone()).await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&row),
        version: number,
        data: parse_data(&data),
        check,
    }))
}

/// Restores an earlier version: it is saved again as the newest.
#[utoipa::path(post, path = "/api/reports/{id}/versions/{number}/restore", params(("id" = i64, Path, description = "报告编号"),
    ("number" = i64, Path, description = "版本号")),
    responses((status = 200, body = ReportDetail), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, number)): PathArgs<(i64, i64)>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = editable(&app, &s, id).await?;
    let data = version_data(&app, id, number).await?;
    let check = checked(&app, &row, data.clone()).await?;
    let saved = save_version(
        &app,
        &s,
        row.year,
        None,
        data.clone(),
        format!("恢复第 {number} 版"),
        &check,
    )
    .await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&saved),
        version: saved.latest.number,
        data: parse_data(&data),
        check,
    }))
}
