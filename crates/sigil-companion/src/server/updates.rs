//! Tauri's dynamic update answer for the app, from the company's updates folder
//! ([`crate::updates`]): `GET /updates/{target}/{arch}/{current_version}` is 204 when nothing
//! newer is published for that platform, else 200 with
//! `{version, notes, pub_date, url, signature}`; `url` is this companion's
//! `GET /updates/files/{version}/{file}`, which serves only files a release's manifest names.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use semver::Version;
use serde::{Deserialize, Serialize};
use sigil_api::ErrorCode;

use super::error::ApiError;
use super::state::AppState;
use crate::updates::{ReleaseError, Releases, is_word};

/// The optional query of an update request: the installer the app came from (Tauri's
/// `{{bundle_type}}`: `deb`, `rpm`, `msi`, `nsis`, `app`), so a `.deb` never gets an `.rpm`.
#[derive(Debug, Deserialize)]
pub struct UpdateQuery {
    bundle: Option<String>,
}

/// The answer the Tauri updater reads.
#[derive(Debug, Serialize)]
pub struct UpdateAnswer {
    version: String,
    notes: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub_date: Option<String>,
    url: String,
    signature: String,
}

/// `GET /updates/{target}/{arch}/{current_version}`.
pub async fn check(
    State(state): State<AppState>,
    Path((target, arch, current)): Path<(String, String, String)>,
    Query(query): Query<UpdateQuery>,
) -> Result<Response, ApiError> {
    let releases = releases(&state)?;
    for (name, word) in
        [("target", Some(&target)), ("arch", Some(&arch)), ("bundle", query.bundle.as_ref())]
    {
        if let Some(word) = word.filter(|word| !is_word(word)) {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("{name} {word:?}: expected a word such as linux, x86_64 or deb"),
            ));
        }
    }
    let current = Version::parse(&current).map_err(|error| {
        ApiError::new(
            ErrorCode::UpdateVersionInvalid,
            format!("{current:?} is not an app version such as 1.2.3 ({error})"),
        )
    })?;
    let newer = releases
        .newer_than(&current, &target, &arch, query.bundle.as_deref())
        .map_err(|error| release_invalid(&error))?;
    let Some((release, artifact)) = newer else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let mut url = state.config().public_url.clone();
    url.path_segments_mut()
        .map_err(|()| ApiError::internal(&"the public URL cannot have a path"))?
        .pop_if_empty()
        .extend(["updates", "files", &release.version.to_string(), &artifact.file]);
    Ok(Json(UpdateAnswer {
        version: release.version.to_string(),
        notes: release.notes,
        pub_date: release.pub_date,
        url: url.to_string(),
        signature: artifact.signature,
    })
    .into_response())
}

/// `GET /updates/files/{version}/{file}`: an installer a release names, and nothing else.
pub async fn file(
    State(state): State<AppState>,
    Path((version, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let path = releases(&state)?
        .artifact_path(&version, &file)
        .map_err(|error| release_invalid(&error))?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("release {version} has no file {file:?}"))
        })?;
    let opened = tokio::fs::File::open(&path).await;
    let (file, length) = match opened {
        Ok(file) => match file.metadata().await {
            Ok(meta) => (file, meta.len()),
            Err(error) => return Err(ApiError::internal(&error)),
        },
        Err(error) => return Err(ApiError::internal(&format!("{}: {error}", path.display()))),
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok(response)
}

fn releases(state: &AppState) -> Result<&Releases, ApiError> {
    state.config().updates.as_ref().ok_or_else(|| {
        ApiError::new(ErrorCode::UpdatesOff, "this company serves no updates of the app here")
    })
}

/// The operator's problem: the log names the release; the app learns only that it is unusable.
fn release_invalid(error: &ReleaseError) -> ApiError {
    tracing::error!(%error, "the updates folder holds a release that cannot be served");
    ApiError::new(
        ErrorCode::UpdateReleaseInvalid,
        "the company's update folder holds a release the companion cannot serve; its log says which",
    )
}
