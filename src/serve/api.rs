//! The JSON API the page uses. Every handler loads the analysis folder afresh (the cache in
//! `.thematic/` keeps that fast, and a change made on disk shows at once), reads the loaded
//! model, and changes files only through [`crate::edit`].

use super::State;
use crate::coding::anchor::{is_nfc, Pattern};
use crate::corpus::Speaker;
use crate::edit::{add_coding, remove_row, NewCoding, RemoveError};
use crate::project::Project;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;

type Shared = axum::extract::State<Arc<State>>;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/api/documents", get(documents))
        .route("/api/documents/{*id}", get(document))
        .route("/api/codebook", get(codebook))
        .route("/api/codings", axum::routing::post(add).delete(remove))
        .route("/api/search", get(search))
}

/// A handler's error: `{ "error": "..." }` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: &str) -> ApiError {
        ApiError {
            status,
            message: message.to_string(),
        }
    }

    fn bad(e: anyhow::Error) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, &format!("{e:#}"))
    }

    fn internal(e: anyhow::Error) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type Answer = Result<Json<Value>, ApiError>;

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such page")
}

/// Runs blocking work (loading, writing) off the server's thread.
async fn blocking(f: impl FnOnce() -> Answer + Send + 'static) -> Answer {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed",
        ))
    })
}

/// Loads the folder for a change: settings that did not parse stand in as defaults, so a
/// `thematic.toml` with errors stops every change.
fn load_for_change(state: &State) -> Result<Project, ApiError> {
    let (project, diags) = Project::load_cached(&state.root).map_err(ApiError::internal)?;
    crate::edit::refuse_if_broken(&diags, |_| false).map_err(ApiError::bad)?;
    Ok(project)
}

fn load(state: &State) -> Result<Project, ApiError> {
    Project::load_cached(&state.root)
        .map(|(p, _)| p)
        .map_err(ApiError::internal)
}

/// The analysis folder's write lock, as every writing command takes it: a `thematic` command
/// writing at the same time makes the change wait, then fail with a message, never be lost.
fn folder_lock(state: &State) -> Result<crate::guard::WriteLock, ApiError> {
    crate::guard::WriteLock::acquire(&state.root, "serve")
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, &format!("{e:#}")))
}

fn find_document(project: &Project, id: &str) -> Result<usize, ApiError> {
    project
        .document_named(id)
        .map_err(|e| ApiError::new(StatusCode::NOT_FOUND, &format!("{e:#}")))
}

fn speaker_kind(s: Speaker) -> &'static str {
    match s {
        Speaker::Participant(_) => "participant",
        Speaker::Interviewer => "interviewer",
        Speaker::Unidentified => "unidentified",
        Speaker::Unknown => "unknown",
    }
}

async fn documents(axum::extract::State(state): Shared) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let attrs = &p.document_attributes;
        let list: Vec<Value> = p
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let people: Vec<Value> = d
                    .participants()
                    .into_iter()
                    .map(|x| {
                        let x = p.participants.get(x);
                        json!({ "id": x.id, "label": x.label, "group": x.group })
                    })
                    .collect();
                let attributes: Map<String, Value> = attrs
                    .names
                    .iter()
                    .enumerate()
                    .map(|(a, name)| (name.clone(), Value::from(attrs.value(i, a))))
                    .collect();
                let mut codings: Map<String, Value> = Map::new();
                for (c, coder) in p.coders.iter().enumerate() {
                    let n = p
                        .segments
                        .iter()
                        .filter(|s| s.document == i && s.coder == c)
                        .count();
                    codings.insert(coder.clone(), n.into());
                }
                json!({
                    "id": d.id,
                    "participant": people.first().map(|x| x["label"].clone()),
                    "group": people.first().map(|x| x["group"].clone()),
                    "participants": people,
                    "source": attrs.get(i, "source"),
                    "attributes": attributes,
                    "format": d.format.name(),
                    "chars": d.chars,
                    "codings": codings,
                })
            })
            .collect();
        Ok(Json(
            json!({ "documents": list, "coders": p.coders, "coder": state.coder }),
        ))
    })
    .await
}

async fn document(axum::extract::State(state): Shared, Path(id): Path<String>) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let i = find_document(&p, &id)?;
        let d = &p.documents[i];
        let turns: Vec<Value> = d
            .turns
            .iter()
            .map(|t| {
                json!({
                    "label": t.label,
                    "speaker": speaker_kind(t.speaker),
                    "participant": t.participant().map(|x| p.participants.get(x).id.clone()),
                    "time": t.time,
                    "line": t.line,
                    "start": t.chars.start,
                    "end": t.chars.end,
                })
            })
            .collect();
        let codings: Vec<Value> = p
            .segments
            .iter()
            .filter(|s| s.document == i)
            .map(|s| {
                let coder = &p.coders[s.coder];
                let row = p
                    .sheets
                    .iter()
                    .find(|sh| &sh.coder == coder)
                    .and_then(|sh| sh.rows.iter().find(|r| r.line == s.line));
                json!({
                    "coder": coder,
                    "codes": s.codes.iter().map(|&c| p.codebook.codes[c].id.as_str()).collect::<Vec<_>>(),
                    "memo": s.memo,
                    "exemplar": s.exemplar,
                    "start": s.chars.start,
                    "end": s.chars.end,
                    "line": s.line,
                    "quote": row.map(|r| r.quote.as_str()),
                })
            })
            .collect();
        Ok(Json(json!({
            "id": d.id,
            "format": d.format.name(),
            "text": &d.text[..],
            "chars": d.chars,
            "turns": turns,
            "codings": codings,
        })))
    })
    .await
}

async fn codebook(axum::extract::State(state): Shared) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let book = &p.codebook;
        let mut counts = vec![0usize; book.codes.len()];
        for s in &p.segments {
            for &c in &s.codes {
                counts[c] += 1;
            }
        }
        let code = |i: usize| {
            let c = &book.codes[i];
            json!({
                "id": c.id,
                "definition": c.definition,
                "include": c.include,
                "exclude": c.exclude,
                "unsorted": c.unsorted,
                "count": counts[i],
            })
        };
        let codes_where = |f: &dyn Fn(&crate::codebook::Code) -> bool| -> Vec<Value> {
            (0..book.codes.len())
                .filter(|&i| f(&book.codes[i]))
                .map(code)
                .collect()
        };
        let category = |k: usize| {
            let c = &book.categories[k];
            json!({
                "name": c.name,
                "description": c.description,
                "codes": codes_where(&|x| x.category == Some(k)),
            })
        };
        let themes: Vec<Value> = book
            .themes
            .iter()
            .enumerate()
            .map(|(t, theme)| {
                json!({
                    "name": theme.name,
                    "description": theme.description,
                    "categories": (0..book.categories.len())
                        .filter(|&k| book.categories[k].theme == Some(t))
                        .map(category)
                        .collect::<Vec<_>>(),
                    "codes": codes_where(&|x| x.theme == Some(t) && x.category.is_none()),
                })
            })
            .collect();
        Ok(Json(json!({
            "themes": themes,
            "categories": (0..book.categories.len())
                .filter(|&k| book.categories[k].theme.is_none())
                .map(category)
                .collect::<Vec<_>>(),
            "codes": codes_where(&|x| x.theme.is_none() && x.category.is_none()),
        })))
    })
    .await
}

/// Codes as a list or as one `;`-separated field.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Codes {
    List(Vec<String>),
    Field(String),
}

impl Codes {
    fn ids(self) -> Vec<String> {
        match self {
            Codes::List(l) => l.iter().flat_map(|c| crate::coding::split_codes(c)).collect(),
            Codes::Field(f) => crate::coding::split_codes(&f),
        }
    }
}

#[derive(Debug, Deserialize)]
struct AddCoding {
    document: String,
    /// Unicode scalar values of the document's text.
    start: usize,
    end: usize,
    codes: Codes,
    #[serde(default)]
    memo: Option<String>,
    #[serde(default)]
    coder: Option<String>,
    #[serde(default)]
    exemplar: bool,
}

fn coder_of(state: &State, given: Option<String>) -> Result<String, ApiError> {
    given
        .filter(|c| !c.is_empty())
        .or_else(|| state.coder.clone())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "which coder? give \"coder\" (or start `thematic serve --coder NAME`)",
            )
        })
}

/// Refuses a sheets folder that would lead outside the analysis folder.
fn inside(p: &Project) -> Result<(), ApiError> {
    let dir = std::path::Path::new(&p.config.coding.sheets);
    if dir
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "the coding sheets folder is outside the analysis folder: nothing was written",
        ))
    }
}

async fn add(axum::extract::State(state): Shared, Json(body): Json<AddCoding>) -> Answer {
    blocking(move || {
        let coder = coder_of(&state, body.coder)?;
        let _writing = state.writing.lock().unwrap_or_else(|e| e.into_inner());
        let _folder = folder_lock(&state)?;
        let p = load_for_change(&state)?;
        inside(&p)?;
        let i = find_document(&p, &body.document)?;
        let text: &str = &p.documents[i].text;
        let bytes = char_range(text, body.start, body.end).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                &format!(
                    "the passage {}..{} is not within {} (it has {} characters)",
                    body.start, body.end, body.document, p.documents[i].chars
                ),
            )
        })?;
        let quote = &text[bytes.clone()];
        let found = Pattern::new(quote)
            .map(|pat| pat.find_in(text, is_nfc(text)))
            .unwrap_or_default();
        let Some(k) = found.iter().position(|r| *r == bytes) else {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "this selection cannot be quoted so that it finds its way back here: select whole words",
            ));
        };
        let new = NewCoding {
            document: p.documents[i].id.clone(),
            quote: quote.to_string(),
            codes: body.codes.ids(),
            memo: body.memo.filter(|m| !m.is_empty()),
            new_coder: state.coder.as_deref() == Some(coder.as_str()),
            coder,
            occurrence: (found.len() > 1).then_some(k + 1),
            exemplar: body.exemplar,
            new_code: false,
        };
        let coded = add_coding(&p, &new).map_err(ApiError::bad)?;
        let start = p.documents[i].char_at(coded.bytes.start);
        Ok(Json(json!({
            "file": coded.appended.file,
            "line": coded.appended.line,
            "document": new.document,
            "quote": new.quote,
            "occurrence": new.occurrence,
            "start": start,
            "end": start + new.quote.chars().count(),
        })))
    })
    .await
}

/// The byte range of characters `start..end` (trimmed of white space at either end).
fn char_range(text: &str, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
    if start >= end {
        return None;
    }
    let mut offsets = text.char_indices().map(|(b, _)| b).chain([text.len()]);
    let b_start = offsets.nth(start)?;
    let b_end = offsets.nth(end - start - 1)?;
    let s = &text[b_start..b_end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (lead < s.len()).then(|| b_start + lead..b_end - trail)
}

#[derive(Debug, Deserialize)]
struct RemoveCoding {
    document: String,
    coder: String,
    line: usize,
    /// The row's quote and codes as the page saw them.
    quote: String,
    codes: Codes,
}

async fn remove(axum::extract::State(state): Shared, Json(body): Json<RemoveCoding>) -> Answer {
    blocking(move || {
        let _writing = state.writing.lock().unwrap_or_else(|e| e.into_inner());
        let _folder = folder_lock(&state)?;
        let p = load_for_change(&state)?;
        inside(&p)?;
        let codes = body.codes.ids();
        match remove_row(&p, &body.coder, body.line, &body.document, &body.quote, &codes) {
            Ok(file) => Ok(Json(json!({ "file": file, "removed": body.line }))),
            Err(RemoveError::Changed(m)) => Err(ApiError::new(StatusCode::CONFLICT, &m)),
            Err(RemoveError::Other(e)) => Err(ApiError::bad(e)),
        }
    })
    .await
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(axum::extract::State(state): Shared, Query(query): Query<SearchQuery>) -> Answer {
    blocking(move || {
        if query.q.trim().is_empty() {
            return Ok(Json(json!({ "hits": [], "turns": 0 })));
        }
        let p = load(&state)?;
        let request = crate::search::Request {
            query: query.q,
            context: 8,
            ..Default::default()
        };
        let bar = crate::progress::Bar::new("indexing documents");
        let results = crate::search::search(&p.root, &p.config, &request, &bar).map_err(ApiError::bad)?;
        let hits: Vec<Value> = results
            .hits
            .iter()
            .map(|h| {
                json!({
                    "document": h.document,
                    "line": h.line,
                    "start": h.start,
                    "end": h.end,
                    "label": h.label,
                    "speaker": h.speaker,
                    "left": h.left,
                    "matched": h.matched,
                    "right": h.right,
                    "codes": h.codes,
                })
            })
            .collect();
        Ok(Json(json!({ "hits": hits, "turns": results.turns })))
    })
    .await
}
