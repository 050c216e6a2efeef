//! The API's changes: code a passage, change or remove a coding, add a code to the codebook.
//! Each takes the folder's write lock, loads the folder afresh and goes through
//! [`crate::edit`], as `thematic code` does; a change to a sheet that has changed since the page
//! read it is refused (409) and nothing is written.

use super::api::{
    blocking, document_json, find_document, folder_lock, load_for_change, load_versioned, text_version,
    version_name, Answer, ApiError, Shared,
};
use super::State;
use crate::coding::anchor::{is_nfc, occurrence_of};
use crate::edit::{
    add_code, add_coding, change_row, remove_row, NewCode, NewCoding, RemoveError, RowChange, SeenRow,
};
use crate::project::Project;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

/// Codes as a list or as one `;`-separated field.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Codes {
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

/// A sheet's version: a checksum of its bytes (`none` when there is no sheet yet). The page
/// sends back the version it read; a change to a sheet that no longer has it is refused.
pub(super) fn sheet_version(p: &Project, coder: &str) -> String {
    let path = p
        .sheets
        .iter()
        .find(|s| s.coder == coder)
        .map(|s| p.root.join(&s.path))
        .unwrap_or_else(|| p.root.join(&p.config.coding.sheets).join(format!("{coder}.csv")));
    file_version(&path)
}

/// A file's version: a checksum of its bytes and their number (`none` when there is no file).
fn file_version(path: &std::path::Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => format!("{:08x}-{}", crc32fast::hash(&bytes), bytes.len()),
        Err(_) => "none".into(),
    }
}

/// Refuses a change when the sheet is not the version the page read.
fn unchanged_since(p: &Project, coder: &str, seen: Option<&str>) -> Result<(), ApiError> {
    let Some(seen) = seen else { return Ok(()) };
    if sheet_version(p, coder) == seen {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        &format!(
            "{}/{coder}.csv has changed since the page read it (another coder, an editor or git); nothing was written: the page now shows the sheet as it is, try again",
            p.config.coding.sheets
        ),
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct AddCoding {
    document: String,
    /// Unicode scalar values of the document's text.
    #[serde(default)]
    start: usize,
    #[serde(default)]
    end: usize,
    /// Code a survey answer whole (an empty quote, as `thematic code ID ""` writes): `start`
    /// and `end` are not needed.
    #[serde(default)]
    whole: bool,
    codes: Codes,
    #[serde(default)]
    memo: Option<String>,
    #[serde(default)]
    coder: Option<String>,
    #[serde(default)]
    exemplar: bool,
    #[serde(default = "yes")]
    quotable: bool,
    /// The sheet's version as the page read it.
    #[serde(default)]
    version: Option<String>,
}

fn yes() -> bool {
    true
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

/// What a change holds until it has written: the server's own turn (two requests never
/// interleave their writes) and the folder's write lock (nor does a `thematic` command).
struct Held<'a> {
    _writing: std::sync::MutexGuard<'a, ()>,
    _folder: crate::guard::WriteLock,
}

/// Starts a change: takes its turn and the folder's write lock, then loads the folder as it
/// is now (settings with errors stop it, as they stop `thematic code`).
fn begin(state: &State) -> Result<(Held<'_>, std::sync::Arc<Project>), ApiError> {
    let writing = state.writing.lock().unwrap_or_else(|e| e.into_inner());
    let folder = folder_lock(state)?;
    let p = load_for_change(state, |_| false)?;
    Ok((
        Held {
            _writing: writing,
            _folder: folder,
        },
        p,
    ))
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

pub(super) async fn add(axum::extract::State(state): Shared, Json(body): Json<AddCoding>) -> Answer {
    blocking(move || {
        let coder = coder_of(&state, body.coder)?;
        let (_held, p) = begin(&state)?;
        inside(&p)?;
        unchanged_since(&p, &coder, body.version.as_deref())?;
        let i = find_document(&p, &body.document)?;
        let (quote, occurrence) = if body.whole {
            (String::new(), None)
        } else {
            passage(&p, i, body.start, body.end)?
        };
        let new = NewCoding {
            document: p.documents[i].id.to_string(),
            quote,
            codes: body.codes.ids(),
            memo: body.memo.filter(|m| !m.is_empty()),
            new_coder: state.coder.as_deref() == Some(coder.as_str()),
            coder,
            occurrence,
            exemplar: body.exemplar,
            not_quotable: !body.quotable,
            new_code: false,
        };
        let coded = add_coding(&p, &new).map_err(ApiError::bad)?;
        let d = &p.documents[i];
        let start = d.char_at(coded.bytes.start);
        with_read_back(
            &state,
            &d.id,
            json!({
                "file": coded.appended.file,
                "line": coded.appended.line,
                "document": new.document,
                "quote": new.quote,
                "codes": new.codes,
                "occurrence": new.occurrence,
                "start": start,
                "end": start + d.text[coded.bytes.clone()].chars().count(),
            }),
        )
    })
    .await
}

/// The quote of characters `start..end` of document `i`, and its occurrence where it occurs
/// more than once.
fn passage(p: &Project, i: usize, start: usize, end: usize) -> Result<(String, Option<usize>), ApiError> {
    let text: &str = &p.documents[i].text;
    let bytes = char_range(text, start, end).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            &format!(
                "the passage {start}..{end} is not within {} (it has {} characters)",
                p.documents[i].id, p.documents[i].chars
            ),
        )
    })?;
    let Some(occurrence) = occurrence_of(text, is_nfc(text), bytes.clone()) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "this selection cannot be quoted so that it finds its way back here: select whole words",
        ));
    };
    Ok((text[bytes].to_string(), occurrence))
}

/// A change's answer: what it did, and the document as the files have it now (read back from
/// the sheet just written; its text left out, the page has it) with the folder's version, so
/// the page draws the change without asking again.
fn with_read_back(state: &State, document: &str, mut done: serde_json::Value) -> Answer {
    let (p, _, version) = load_versioned(state)?;
    let i = find_document(&p, document)?;
    let known = text_version(&p, i);
    done["after"] = json!({
        "version": version_name(version),
        "document": document_json(&p, i, Some(&known)),
    });
    Ok(Json(done))
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

/// A row as the page saw it.
#[derive(Debug, Deserialize)]
pub(super) struct Seen {
    document: String,
    coder: String,
    line: usize,
    /// The row's quote and codes as the page saw them.
    quote: String,
    codes: Codes,
}

impl Seen {
    fn row(self) -> SeenRow {
        SeenRow {
            coder: self.coder,
            line: self.line,
            document: self.document,
            quote: self.quote,
            codes: self.codes.ids(),
        }
    }
}

fn refused(e: RemoveError) -> ApiError {
    match e {
        RemoveError::Changed(m) => ApiError::new(StatusCode::CONFLICT, &m),
        RemoveError::Other(e) => ApiError::bad(e),
    }
}

pub(super) async fn remove(axum::extract::State(state): Shared, Json(body): Json<Seen>) -> Answer {
    blocking(move || {
        let (_held, p) = begin(&state)?;
        inside(&p)?;
        let seen = body.row();
        let file = remove_row(&p, &seen).map_err(refused)?;
        with_read_back(
            &state,
            &seen.document,
            json!({ "file": file, "removed": seen.line }),
        )
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct ChangeCoding {
    #[serde(flatten)]
    seen: Seen,
    /// What the row becomes.
    new_codes: Codes,
    #[serde(default)]
    memo: String,
    #[serde(default)]
    exemplar: bool,
    #[serde(default = "yes")]
    quotable: bool,
    #[serde(default)]
    version: Option<String>,
}

pub(super) async fn change(axum::extract::State(state): Shared, Json(body): Json<ChangeCoding>) -> Answer {
    blocking(move || {
        let (_held, p) = begin(&state)?;
        inside(&p)?;
        unchanged_since(&p, &body.seen.coder, body.version.as_deref())?;
        let seen = body.seen.row();
        let change = RowChange {
            codes: body.new_codes.ids(),
            memo: body.memo.trim().to_string(),
            exemplar: body.exemplar,
            quotable: body.quotable,
            new_code: false,
        };
        let file = change_row(&p, &seen, &change).map_err(refused)?;
        with_read_back(
            &state,
            &seen.document,
            json!({ "file": file, "line": seen.line, "codes": change.codes }),
        )
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct AddCode {
    id: String,
    #[serde(default)]
    definition: String,
    /// A category's name; none or empty: before the first heading, in no category.
    #[serde(default)]
    category: Option<String>,
}

pub(super) async fn new_code(axum::extract::State(state): Shared, Json(body): Json<AddCode>) -> Answer {
    blocking(move || {
        let _writing = state.writing.lock().unwrap_or_else(|e| e.into_inner());
        let _folder = folder_lock(&state)?;
        let (p, diags) = super::api::load_with_problems(&state)?;
        let book = p.config.codebook.path.clone();
        crate::edit::refuse_if_broken(&diags, |f| f == book).map_err(ApiError::bad)?;
        let new = NewCode {
            id: body.id.trim().to_string(),
            definition: body.definition,
            category: body.category.filter(|c| !c.trim().is_empty()),
        };
        let (path, added) = add_code(&p, &new).map_err(ApiError::bad)?;
        Ok(Json(json!({
            "file": book,
            "id": new.id,
            "category": new.category,
            "added": added,
            "version": file_version(&path),
        })))
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct TakeOutCode {
    id: String,
    /// Where `POST /api/codes` put it.
    added: crate::edit::AddedCode,
    /// The codebook's version `POST /api/codes` gave: it must not have changed since.
    version: String,
}

/// Undoes `POST /api/codes`: the codebook gets back its bytes from before, if it has not
/// changed since and no row uses the code.
pub(super) async fn take_out_code(
    axum::extract::State(state): Shared,
    Json(body): Json<TakeOutCode>,
) -> Answer {
    blocking(move || {
        let (_held, p) = begin(&state)?;
        let book = p.config.codebook.path.clone();
        if file_version(&p.root.join(&book)) != body.version {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                &format!(
                    "{book} has changed since the code `{}` was added; it stays there, nothing was changed",
                    body.id
                ),
            ));
        }
        crate::edit::remove_added_code(&p, &body.id, &body.added).map_err(refused)?;
        Ok(Json(json!({ "file": book, "removed": body.id })))
    })
    .await
}
