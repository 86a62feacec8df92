//! The official form, cell by cell, and the kinds of file an upload may be.

use super::*;

/// The official form's three tables, cell by cell (merged labels, rows and
/// columns), for the editor.
#[utoipa::path(get, path = "/api/form/{edition}", params(("edition" = String, Path, description = "2019 或 2021")),
    responses((status = 200, body = FormLayout), (status = 404, body = ErrorBody)))]
pub async fn form(PathArgs(edition): PathArgs<String>) -> Result<axum::Json<FormLayout>, ApiError> {
    let edition = nianbao_form::model::Edition::parse(&edition).ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(report::form_layout(edition)))
}

/// One kind of file an upload may be.
#[derive(Serialize, ToSchema)]
pub struct FileKindInfo {
    /// The name users know (`YAML`, `Word 文档` …).
    pub name: String,
    /// The file name extensions, without the dot.
    pub extensions: Vec<String>,
    /// The media type.
    pub media_type: String,
    /// `data` (a report's data, 数据文件) or `published` (a published report, 已发布的年报).
    pub role: String,
}

/// The kinds of file an upload may be, from the one list the reader uses.
#[derive(Serialize, ToSchema)]
pub struct FileKinds {
    /// Every kind read.
    pub kinds: Vec<FileKindInfo>,
    /// The extensions as an HTML `accept` attribute wants them (`.yaml,.yml,…`).
    pub accept: String,
}

/// The kinds of file an upload may be (the page's `accept` list and its words).
#[utoipa::path(get, path = "/api/file-kinds", responses((status = 200, body = FileKinds)))]
pub async fn file_kinds() -> axum::Json<FileKinds> {
    use nianbao_files::kinds::{self, Role};
    let kinds = kinds::readable(None)
        .map(|k| FileKindInfo {
            name: k.name.to_string(),
            extensions: k.extensions.iter().map(|e| e.to_string()).collect(),
            media_type: k.media_type.to_string(),
            role: match k.role {
                Role::Data => "data",
                Role::Published | Role::Refused => "published",
            }
            .to_string(),
        })
        .collect();
    axum::Json(FileKinds {
        kinds,
        accept: kinds::accept_attribute(),
    })
}
