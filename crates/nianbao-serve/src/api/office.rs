//! The office's year: the region's audit, findings and sum.

use super::*;

/// One unit in the office's view of a year.
#[derive(Serialize, ToSchema)]
pub struct AuditUnit {
    /// The unit's login name (empty for a report of no unit).
    pub unit: String,
    /// The organ.
    pub organ: String,
    /// 通过, 有警告, 有错误, 未提交, 无法读取 or 名单外.
    pub status: String,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Published after its deadline (by `meta.published`).
    pub late: bool,
    /// The report's id, when there is one.
    pub report: Option<i64>,
}

/// A finding of the audit.
#[derive(Serialize, ToSchema)]
pub struct AuditFinding {
    /// The organ.
    pub organ: String,
    /// The diagnostic.
    #[serde(flatten)]
    pub finding: Finding,
}

/// The region's year, as `nianbao audit` gives it, live.
#[derive(Serialize, ToSchema)]
pub struct OfficeAudit {
    /// The year.
    pub year: i64,
    /// Units by status.
    pub counts: BTreeMap<String, usize>,
    /// Every unit of the roster, and every report.
    pub units: Vec<AuditUnit>,
    /// Every problem found.
    pub findings: Vec<AuditFinding>,
}

/// The region's year as the audit gives it, with the reports and the units it read.
pub(crate) struct RegionAudit {
    /// Statuses and findings; each unit's `file` is its login.
    audit: audit::Audit,
    /// The latest version of each report of the year.
    rows: Vec<ReportRow>,
    /// Every unit (the roster).
    units: Vec<store::Account>,
}

/// Runs the audit of `nianbao audit` over the latest version of every unit's report
/// for `year`, with last year's and the units as the roster: the stored versions go
/// to the audit as values (no file is written), each named by the unit's login.
pub(crate) async fn run_audit(app: &App, year: i64) -> Result<RegionAudit, ApiError> {
    let rows = app.store.latest_versions(year).await?;
    let last = app.store.latest_versions(year - 1).await?;
    let units = app.store.units().await?;
    let (this, roster_units) = (rows.clone(), units.clone());
    let audit = app
        .checkers
        .run(move |()| {
            // The latest versions go to the audit as they are: no file is written.
            // A finding names the unit by its login.
            let submissions = this.iter().map(|r| Submission {
                source: r.account.login.clone(),
                read: Ok(read::read_str(&r.latest.data, Format::Json)),
            });
            let last_year = LastYear::new(
                last.iter()
                    .filter_map(|r| read::read_str(&r.latest.data, Format::Json).report),
            );
            let roster: Vec<RosterEntry> = roster_units
                .iter()
                .map(|u| RosterEntry {
                    organ: u.organ.clone(),
                    kind: OrganKind::parse(&u.kind),
                })
                .collect();
            let mut audit = audit::audit(
                submissions,
                &last_year,
                Some(&roster),
                &nianbao_form::check::Options::default(),
            );
            // Lines and columns point into the stored JSON, which no one sees.
            for f in &mut audit.findings {
                let d = &mut f.diagnostic;
                (d.line, d.column, d.pos) = (None, None, None);
            }
            audit
        })
        .await?;
    Ok(RegionAudit { audit, rows, units })
}

/// The year's audit, live: every unit's status, the findings (office only).
#[utoipa::path(get, path = "/api/office/{year}/audit", params(("year" = i64, Path, description = "年度")),
    responses((status = 200, body = OfficeAudit), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn office_audit(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(year): PathArgs<i64>,
) -> Result<axum::Json<OfficeAudit>, ApiError> {
    s.office()?;
    report::edition_for(year)?;
    let RegionAudit { audit, rows, units } = run_audit(&app, year).await?;
    let counts = audit
        .counts()
        .into_iter()
        .map(|(k, v)| (k.chinese().to_string(), v))
        .collect();
    let out_units = audit
        .units
        .iter()
        .map(|u| {
            let row = rows.iter().find(|r| r.account.login == u.file);
            // A unit with no report (未提交) is found by its organ.
            let unit = row.map(|r| r.account.login.clone()).or_else(|| {
                units
                    .iter()
                    .find(|a| audit::normalized(&a.organ) == audit::normalized(&u.organ))
                    .map(|a| a.login.clone())
            });
            AuditUnit {
                unit: unit.unwrap_or_default(),
                organ: u.organ.clone(),
                status: u.status.chinese().into(),
                errors: u.errors,
                warnings: u.warnings,
                late: u.late,
                report: row.map(|r| r.id),
            }
        })
        .collect();
    let findings = audit
        .findings
        .iter()
        .map(|f| AuditFinding {
            organ: f.organ.clone(),
            finding: Finding::from(&f.diagnostic),
        })
        .collect();
    Ok(axum::Json(OfficeAudit {
        year,
        counts,
        units: out_units,
        findings,
    }))
}

/// The findings workbook of the year (汇总, 问题清单), as `nianbao audit -o` writes it.
#[utoipa::path(get, path = "/api/office/{year}/findings.xlsx", params(("year" = i64, Path, description = "年度")),
    responses((status = 200, description = "工作簿", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn office_findings(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(year): PathArgs<i64>,
) -> Result<Response, ApiError> {
    s.office()?;
    report::edition_for(year)?;
    let RegionAudit { audit, .. } = run_audit(&app, year).await?;
    let bytes = nianbao_files::region::to_workbook(&audit).map_err(ApiError::internal)?;
    Ok(file_response(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        attachment(
            &format!("findings-{year}.xlsx"),
            &format!("{year}年度政府信息公开工作年度报告问题清单.xlsx"),
        ),
        bytes,
    ))
}

/// How the sum is given.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SumQuery {
    /// `json` (default: the data with every 总计), `yaml` or `xlsx` (downloads).
    pub format: Option<String>,
    /// The organ named in the summed report (default: the office's).
    pub organ: Option<String>,
}

/// The region's sum: tables 二, 三 and 四 of every unit's latest report of the year
/// added up (as `nianbao sum`), with placeholder prose.
#[utoipa::path(get, path = "/api/office/{year}/sum", params(("year" = i64, Path, description = "年度"), SumQuery),
    responses((status = 200, description = "汇总报告", content((Object = "application/json"),
        (String = "application/yaml"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn office_sum(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(year): PathArgs<i64>,
    QueryArgs(q): QueryArgs<SumQuery>,
) -> Result<Response, ApiError> {
    s.office()?;
    report::edition_for(year)?;
    let organ = match q.organ {
        Some(o) => valid_organ(&o)?,
        None => s.account.organ.clone(),
    };
    let rows = app.store.latest_versions(year).await?;
    let format = q.format.unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "yaml" | "xlsx") {
        return Err(ApiError::bad_request("format 为 json、yaml 或 xlsx"));
    }
    let bytes = app
        .checkers
        .run(move |()| {
            let (reports, left_out) = audit::summable(rows.iter().map(|r| Submission {
                source: r.account.organ.clone(),
                read: Ok(read::read_str(&r.latest.data, Format::Json)),
            }));
            let unreadable: Vec<&str> = left_out.iter().map(LeftOut::source).collect();
            if !unreadable.is_empty() {
                return Err(ApiError::unprocessable(format!(
                    "这些单位的报告有错误，改正后才能汇总：{}",
                    unreadable.join("、")
                )));
            }
            let sum = audit::sum(&reports, &organ, Some(year))
                .map_err(|e| ApiError::unprocessable(e.join("；")))?;
            let c = nianbao_form::check::check_report(sum);
            let bytes = data_file(&format, &c.report, &c.totals)?;
            Ok::<_, ApiError>((format, bytes))
        })
        .await??;
    let (format, bytes) = bytes;
    if format == "json" {
        let mut r = bytes.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return Ok(r);
    }
    let disposition = attachment(
        &format!("sum-{year}.{format}"),
        &format!("{year}年度汇总.{format}"),
    );
    Ok(file_response(content_type_of(&format), disposition, bytes))
}

/// The report as a data file: `json` (published, with every 总计), `yaml` or `xlsx`.
pub(crate) fn data_file(
    format: &str,
    report: &Report,
    totals: &nianbao_form::rules::Computed,
) -> Result<Vec<u8>, ApiError> {
    Ok(match format {
        "json" => write::published_json(report, totals).into_bytes(),
        "yaml" => write::to_string(report, Format::Yaml).into_bytes(),
        _ => nianbao_files::xlsx::to_bytes(report).map_err(ApiError::internal)?,
    })
}

/// The media type of a data file of [`data_file`].
pub(crate) fn content_type_of(format: &str) -> &'static str {
    match format {
        "json" => "application/json",
        "yaml" => "application/yaml; charset=utf-8",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}
