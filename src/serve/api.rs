//! The JSON API the page uses. Every handler loads the analysis folder afresh (the cache in
//! `.thematic/` keeps that fast, and a change made on disk shows at once), reads the loaded
//! model, and changes files only through [`crate::edit`].

use super::State;
use crate::corpus::Speaker;
use crate::diagnostics::Diagnostics;
use crate::project::Project;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;

use super::changes;

pub(super) type Shared = axum::extract::State<Arc<State>>;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/api/documents", get(documents))
        .route("/api/documents/{*id}", get(document))
        .route("/api/codebook", get(codebook))
        .route(
            "/api/codings",
            axum::routing::post(changes::add)
                .patch(changes::change)
                .delete(changes::remove),
        )
        .route(
            "/api/codes",
            axum::routing::post(changes::new_code).delete(changes::take_out_code),
        )
        .route("/api/extracts", get(extracts))
        .route("/api/memos", get(memos))
        .route("/api/problems", get(problems))
        .route("/api/search", get(search))
        .route("/api/version", get(version))
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

    pub(super) fn bad(e: anyhow::Error) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, &format!("{e:#}"))
    }

    pub(super) fn internal(e: anyhow::Error) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

pub(super) type Answer = Result<Json<Value>, ApiError>;

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such page")
}

/// Runs blocking work (loading, writing) off the server's thread.
pub(super) async fn blocking(f: impl FnOnce() -> Answer + Send + 'static) -> Answer {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed",
        ))
    })
}

/// Loads the folder for a change: settings that did not parse stand in as defaults, so a
/// `thematic.toml` with errors stops every change.
pub(super) fn load_for_change(
    state: &State,
    rewrites: impl Fn(&str) -> bool,
) -> Result<Arc<Project>, ApiError> {
    let (project, diags) = load_with_problems(state)?;
    crate::edit::refuse_if_broken(&diags, rewrites).map_err(ApiError::bad)?;
    Ok(project)
}

pub(super) fn load(state: &State) -> Result<Arc<Project>, ApiError> {
    load_with_problems(state).map(|(p, _)| p)
}

/// The folder as loaded, with its problems. The last load is kept in memory while the files
/// are as they were (by [`crate::project::inputs_version`]), so the page's requests after one
/// change (the document, the list, the codebook, the memos) load the folder once, not four
/// times; a version that has not settled is never kept.
pub(super) fn load_with_problems(state: &State) -> Result<(Arc<Project>, Arc<Diagnostics>), ApiError> {
    load_versioned(state).map(|(p, d, _)| (p, d))
}

/// [`load_with_problems`], with the version of the files it was loaded from.
pub(super) fn load_versioned(state: &State) -> Result<(Arc<Project>, Arc<Diagnostics>, u64), ApiError> {
    let (version, settled) = crate::project::inputs_version(&state.root);
    let mut kept = state.loaded.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(l) = kept.as_ref().filter(|l| settled && l.version == version) {
        return Ok((l.project.clone(), l.problems.clone(), version));
    }
    let (project, problems) = Project::load_cached(&state.root).map_err(ApiError::internal)?;
    let (project, problems) = (Arc::new(project), Arc::new(problems));
    *kept = settled.then(|| super::Loaded {
        version,
        project: project.clone(),
        problems: problems.clone(),
    });
    Ok((project, problems, version))
}

/// The folder's version as the page sees it.
pub(super) fn version_name(version: u64) -> String {
    format!("{version:016x}")
}

/// The analysis folder's write lock, as every writing command takes it: a `thematic` command
/// writing at the same time makes the change wait, then fail with a message, never be lost.
pub(super) fn folder_lock(state: &State) -> Result<crate::guard::WriteLock, ApiError> {
    crate::guard::WriteLock::acquire(&state.root, "serve")
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, &format!("{e:#}")))
}

pub(super) fn find_document(project: &Project, id: &str) -> Result<usize, ApiError> {
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

#[derive(Debug, Deserialize)]
struct DocumentsQuery {
    /// `1`: survey answers too (a survey of a million answers makes a list of a million).
    #[serde(default)]
    answers: Option<String>,
}

async fn documents(axum::extract::State(state): Shared, Query(query): Query<DocumentsQuery>) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let attrs = &p.document_attributes;
        let with_answers = matches!(query.answers.as_deref(), Some("1" | "true" | "yes"));
        let listed = |d: &crate::corpus::Document| with_answers || d.format != crate::corpus::Format::Survey;
        // Rows per document and coder, counted in one pass (a project may hold thousands).
        let mut counts = vec![vec![0usize; p.coders.len()]; p.documents.len()];
        for s in &p.segments {
            counts[s.document as usize][s.coder as usize] += 1;
        }
        let answers = p
            .documents
            .iter()
            .filter(|d| d.format == crate::corpus::Format::Survey)
            .count();
        let list: Vec<Value> = p
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| listed(d))
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
                    codings.insert(coder.clone(), counts[i][c].into());
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
        Ok(Json(json!({
            "documents": list,
            "answers": answers,
            "coders": p.coders,
            "coder": state.coder,
        })))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct DocumentQuery {
    /// The `text_version` of the text the page holds: the text is left out while it is the same.
    #[serde(default)]
    known: Option<String>,
}

async fn document(
    axum::extract::State(state): Shared,
    Path(id): Path<String>,
    Query(query): Query<DocumentQuery>,
) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let i = find_document(&p, &id)?;
        Ok(Json(document_json(&p, i, query.known.as_deref())))
    })
    .await
}

/// A name for the text of document `i` as it is now. The text changes only with its file: its
/// stamp (and the document's length) stands for it.
pub(super) fn text_version(p: &Project, i: usize) -> String {
    let d = &p.documents[i];
    let stamp = crate::cache::Stamp::of(&p.root.join(&d.path));
    format!(
        "{}-{}-{}",
        d.chars,
        stamp.map_or(0, |s| s.size),
        stamp.map_or(0, |s| s.modified)
    )
}

/// A document as the page draws it: its turns, its codings as the sheets have them, and the
/// versions of the sheets; its text unless the page holds it already (`known`: the
/// `text_version` the page read).
pub(super) fn document_json(p: &Project, i: usize, known: Option<&str>) -> Value {
    let d = &p.documents[i];
    let text_version = text_version(p, i);
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
                "start": t.chars.start(),
                "end": t.chars.end(),
            })
        })
        .collect();
    let codings: Vec<Value> = p
        .segments_of(i)
        .iter()
        .map(|s| {
            let coder = &p.coders[s.coder as usize];
            json!({
                "coder": coder,
                "codes": code_ids(p, &s.codes),
                "memo": s.memo(),
                "exemplar": s.exemplar,
                "quotable": s.quotable,
                "occurrence": s.occurrence,
                "start": s.chars.start(),
                "end": s.chars.end(),
                "line": s.line,
                "quote": p.quote_of(s),
            })
        })
        .collect();
    json!({
        "id": d.id,
        "format": d.format.name(),
        "text": (known != Some(text_version.as_str())).then_some(&d.text[..]),
        "text_version": text_version,
        "chars": d.chars,
        "turns": turns,
        "codings": codings,
        "versions": p.coders.iter().map(|c| (c.clone(), Value::from(changes::sheet_version(p, c)))).collect::<Map<String, Value>>(),
    })
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

fn code_ids<'a>(p: &'a Project, codes: &[usize]) -> Vec<&'a str> {
    codes.iter().map(|&c| p.codebook.codes[c].id.as_str()).collect()
}

/// A number that changes when any input file changes: the page asks for it every few seconds
/// and reads the files again when it differs.
async fn version(axum::extract::State(state): Shared) -> Answer {
    blocking(move || {
        let (v, _) = crate::project::inputs_version(&state.root);
        Ok(Json(json!({ "version": version_name(v) })))
    })
    .await
}

/// What `thematic check` finds in the folder, in its order: a row that does not anchor (its
/// quote not in the document, a code the codebook lacks...) is not drawn, and this says why.
async fn problems(axum::extract::State(state): Shared) -> Answer {
    blocking(move || {
        let (_, diags) = load_with_problems(&state)?;
        let list: Vec<Value> = diags
            .sorted()
            .into_iter()
            .map(|p| {
                json!({
                    "severity": if p.is_error() { "error" } else { "warning" },
                    "file": p.file,
                    "line": p.line,
                    "message": p.message,
                })
            })
            .collect();
        Ok(Json(json!({
            "errors": diags.errors(),
            "warnings": diags.warnings(),
            "problems": list,
        })))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct ExtractsQuery {
    code: String,
}

/// Every passage coded with a code, by every coder, as `thematic extracts --code` lists them.
async fn extracts(axum::extract::State(state): Shared, Query(query): Query<ExtractsQuery>) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let code = p.codebook.code(&query.code).ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                &format!("no code `{}` in the codebook or any coding sheet", query.code),
            )
        })?;
        let request = crate::analysis::extracts::Query {
            nodes: vec![crate::analysis::extracts::code_node(&p, code)],
            coders: Some((0..p.coders.len()).collect()),
            ..Default::default()
        };
        let list: Vec<Value> = crate::analysis::extracts::retrieve(&p, &request)
            .iter()
            .map(|x| {
                let d = &p.documents[x.document];
                json!({
                    "document": d.id,
                    "start": x.chars.start,
                    "end": x.chars.end,
                    "line": x.line,
                    "text": &d.text[x.bytes.clone()],
                    "participants": x.participants.iter().map(|&i| p.participants.get(i).label.as_str()).collect::<Vec<_>>(),
                    "coders": x.coders.iter().map(|&c| p.coders[c].as_str()).collect::<Vec<_>>(),
                    "codes": code_ids(&p, &x.codes),
                    "memo": x.memo,
                })
            })
            .collect();
        Ok(Json(json!({ "code": query.code, "extracts": list })))
    })
    .await
}

/// Every coding with a memo, in sheet order.
async fn memos(axum::extract::State(state): Shared) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let list: Vec<Value> = p
            .segments
            .iter()
            .filter(|s| !s.memo().trim().is_empty())
            .map(|s| {
                let d = &p.documents[s.document as usize];
                json!({
                    "document": d.id,
                    "coder": p.coders[s.coder as usize],
                    "line": s.line,
                    "codes": code_ids(&p, &s.codes),
                    "memo": s.memo(),
                    "start": s.chars.start(),
                    "end": s.chars.end(),
                    "text": crate::text::excerpt(&d.text[s.bytes.range()], 120),
                })
            })
            .collect();
        Ok(Json(json!({ "memos": list })))
    })
    .await
}
