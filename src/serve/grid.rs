//! The survey grid: `GET /api/surveys` lists the surveys of `[surveys]`, and
//! `GET /api/surveys/{name}/grid` one survey's respondents (rows) × questions (columns), each
//! cell an answer (its document id, its text, the codes on it), sorted, filtered by the
//! respondents' attributes and paged on the server, so a survey of a million answers sends a
//! page at a time.

use super::api::{blocking, load, Answer, ApiError, Shared};
use super::State;
use crate::corpus::survey::SurveyTable;
use crate::corpus::Format;
use crate::diagnostics::did_you_mean;
use crate::project::Project;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// Rows a page has unless the request says.
pub const DEFAULT_LIMIT: usize = 100;
/// The most rows one page has.
pub const MAX_LIMIT: usize = 1000;
/// Characters of an answer a cell shows (`chars` gives the whole length).
pub const CELL_CHARS: usize = 300;
/// An attribute with more distinct values than this lists none (the page filters it by a
/// typed value instead of a list).
pub const MAX_VALUES: usize = 200;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/api/surveys", get(surveys))
        .route("/api/surveys/{name}/grid", get(grid))
}

/// A column a grid is sorted or filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// The respondent's id, as the survey file has it.
    Respondent,
    /// The respondent's stakeholder group.
    Group,
    /// One of [`crate::participants::Participants::attributes`].
    Attribute(usize),
}

/// A survey's table with what the grid reads of the project.
struct Grid<'a> {
    p: &'a Project,
    table: &'a SurveyTable,
}

impl<'a> Grid<'a> {
    fn find(p: &'a Project, name: &str) -> Result<Grid<'a>, ApiError> {
        match p.surveys.iter().find(|t| t.name == name) {
            Some(table) => Ok(Grid { p, table }),
            None => {
                let names: Vec<&str> = p.surveys.iter().map(|t| t.name.as_str()).collect();
                Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    &format!(
                        "no survey `{name}` in thematic.toml [surveys] (surveys: {}){}",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        },
                        did_you_mean(name, names.iter().copied())
                    ),
                ))
            }
        }
    }

    /// The key an attribute's name stands for: a column of the survey (the id column among
    /// them), else `respondent` or `group`.
    fn key(&self, name: &str) -> Result<Key, ApiError> {
        if let Some(&(_, a)) = self.table.attributes.iter().find(|(h, _)| h == name) {
            return Ok(Key::Attribute(a));
        }
        match name {
            "respondent" => Ok(Key::Respondent),
            "group" => Ok(Key::Group),
            _ => {
                let known = self.key_names();
                Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    &format!(
                        "survey `{}` has no attribute `{name}` (use one of {}){}",
                        self.table.name,
                        known.join(", "),
                        did_you_mean(name, known.iter().copied())
                    ),
                ))
            }
        }
    }

    /// Every name [`Grid::key`] takes.
    fn key_names(&self) -> Vec<&str> {
        let mut names = vec!["respondent", "group"];
        for (h, _) in &self.table.attributes {
            if !names.contains(&h.as_str()) {
                names.push(h);
            }
        }
        names
    }

    /// Respondent `r`'s value of `key`.
    fn value(&self, r: usize, key: Key) -> &'a str {
        let (raw, p) = &self.table.respondents[r];
        let person = self.p.participants.get(*p);
        match key {
            Key::Respondent => raw,
            Key::Group => &person.group,
            Key::Attribute(a) => person.attributes.get(a).unwrap_or(""),
        }
    }

    /// The documents of the survey's answers (ids `NAME/...`), found by their sorted ids.
    fn answers(&self) -> usize {
        let prefix = format!("{}/", self.table.name);
        let docs = &self.p.documents;
        let from = docs.partition_point(|d| d.id.as_str() < prefix.as_str());
        docs[from..]
            .iter()
            .take_while(|d| d.id.starts_with(&prefix))
            .filter(|d| d.format == Format::Survey)
            .count()
    }

    fn questions(&self) -> Vec<Value> {
        let labels = self.p.config.surveys.get(&self.table.name).map(|s| &s.labels);
        self.table
            .questions
            .iter()
            .map(|q| {
                let label = labels.and_then(|l| l.get(q)).unwrap_or(q);
                json!({ "column": q, "label": label })
            })
            .collect()
    }

    /// The attributes and the respondents' group, each with its values (sorted; none when
    /// there are more than [`MAX_VALUES`]) and how many distinct values it has.
    fn attributes(&self) -> Vec<Value> {
        let mut columns: Vec<(&str, Key)> = self
            .table
            .attributes
            .iter()
            .map(|(h, a)| (h.as_str(), Key::Attribute(*a)))
            .collect();
        if !columns.iter().any(|(h, _)| *h == "group") {
            columns.push(("group", Key::Group));
        }
        columns
            .into_iter()
            .map(|(name, key)| {
                let distinct: HashSet<&str> = (0..self.table.respondents.len())
                    .map(|r| self.value(r, key))
                    .collect();
                let count = distinct.len();
                let values = (count <= MAX_VALUES).then(|| {
                    let mut values: Vec<&str> = distinct.into_iter().collect();
                    values.sort_unstable_by(|a, b| natural(a, b));
                    values
                });
                json!({
                    "name": name,
                    "distinct": count,
                    "values": values,
                })
            })
            .collect()
    }

    /// One answer: its document, its words (the first [`CELL_CHARS`] characters), and the
    /// codes on it, each with the coders who applied it. `None`: a blank answer.
    fn cell(&self, raw: &str, question: &str) -> Option<Value> {
        let id = format!("{}/{raw}/{question}", self.table.name);
        let d = self.p.document(&id)?;
        let doc = &self.p.documents[d];
        let words = doc
            .turns
            .first()
            .map_or(&doc.text[..], |t| &doc.text[t.bytes.range()]);
        let chars = words.chars().count();
        let shown: String = words.chars().take(CELL_CHARS).collect();
        // By code (in codebook order), each with its coders (sorted, as the coders are).
        let segments = self.p.segments_of(d);
        let mut codes: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for s in segments {
            for &c in &s.codes {
                codes.entry(c).or_default().insert(s.coder as usize);
            }
        }
        Some(json!({
            "document": id,
            "text": shown,
            "chars": chars,
            "truncated": chars > CELL_CHARS,
            "codings": segments.len(),
            "codes": codes.iter().map(|(&c, by)| json!({
                "code": self.p.codebook.codes[c].id,
                "coders": by.iter().map(|&k| self.p.coders[k].as_str()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))
    }
}

/// Every survey: its name and file, its questions (`column`, `label`), its attributes (with
/// their values), and how many respondents and answers it has.
async fn surveys(axum::extract::State(state): Shared) -> Answer {
    blocking(move || {
        let p = load(&state)?;
        let list: Vec<Value> = p
            .surveys
            .iter()
            .map(|table| {
                let g = Grid { p: &p, table };
                let settings = p.config.surveys.get(&table.name);
                json!({
                    "name": table.name,
                    "path": settings.map(|s| s.path.as_str()),
                    "id": settings.map(|s| s.id.as_str()),
                    "group": settings.and_then(|s| s.group.as_deref()),
                    "questions": g.questions(),
                    "attributes": g.attributes(),
                    "respondents": table.respondents.len(),
                    "answers": g.answers(),
                })
            })
            .collect();
        Ok(Json(json!({ "surveys": list })))
    })
    .await
}

/// A grid request: `sort`, `desc`, `filter` (repeatable), `offset`, `limit`.
#[derive(Debug, Default)]
struct Request {
    sort: Option<String>,
    desc: bool,
    filters: Vec<(String, String)>,
    offset: usize,
    limit: usize,
}

impl Request {
    fn parse(pairs: Vec<(String, String)>) -> Result<Request, ApiError> {
        let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, &m);
        let number = |k: &str, v: &str| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| bad(format!("{k}={v}: give a whole number")))
        };
        let mut r = Request {
            limit: DEFAULT_LIMIT,
            ..Request::default()
        };
        for (k, v) in pairs {
            match k.as_str() {
                "sort" => r.sort = Some(v).filter(|v| !v.is_empty()),
                "desc" => {
                    r.desc = match v.as_str() {
                        "" | "1" | "true" | "yes" => true,
                        "0" | "false" | "no" => false,
                        _ => return Err(bad(format!("desc={v}: give 1 or 0"))),
                    }
                }
                "filter" => match v.split_once('=') {
                    Some((a, value)) if !a.trim().is_empty() => {
                        r.filters.push((a.trim().to_string(), value.trim().to_string()))
                    }
                    _ => return Err(bad(format!("filter={v}: write filter=<attribute>=<value>"))),
                },
                "offset" => r.offset = number(&k, &v)?,
                "limit" => r.limit = number(&k, &v)?.min(MAX_LIMIT),
                // The page's token comes in the query too; the guard has checked it.
                "token" => {}
                _ => {
                    return Err(bad(format!(
                        "unknown parameter `{k}` (use sort, desc, filter, offset, limit)"
                    )))
                }
            }
        }
        Ok(r)
    }
}

async fn grid(
    axum::extract::State(state): Shared,
    Path(name): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    blocking(move || {
        let Query(pairs) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, &e.body_text()))?;
        let request = Request::parse(pairs)?;
        let p = load(&state)?;
        let g = Grid::find(&p, &name)?;
        let sort_name = request.sort.clone().unwrap_or_else(|| "respondent".into());
        let sort = g.key(&sort_name)?;
        // Values asked of one attribute are alternatives; of several, all must hold.
        let mut filters: Vec<(Key, Vec<&str>)> = Vec::new();
        for (attribute, value) in &request.filters {
            let key = g.key(attribute)?;
            match filters.iter_mut().find(|(k, _)| *k == key) {
                Some((_, values)) => values.push(value),
                None => filters.push((key, vec![value])),
            }
        }
        let mut rows: Vec<usize> = (0..g.table.respondents.len())
            .filter(|&r| filters.iter().all(|(k, values)| values.contains(&g.value(r, *k))))
            .collect();
        let total = rows.len();
        // The respondents' order: by the value (empty values last, whichever the direction),
        // then by respondent id, so that every request gives the same order.
        let order = |&a: &usize, &b: &usize| {
            let (x, y) = (g.value(a, sort), g.value(b, sort));
            let by_value = match (x.is_empty(), y.is_empty()) {
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ if request.desc => natural(y, x),
                _ => natural(x, y),
            };
            by_value
                .then_with(|| natural(g.value(a, Key::Respondent), g.value(b, Key::Respondent)))
                .then(a.cmp(&b))
        };
        // Only the rows up to the page's end need to be in order.
        let end = request.offset.saturating_add(request.limit).min(total);
        if end > 0 && end < total {
            rows.select_nth_unstable_by(end - 1, order);
            rows.truncate(end);
        }
        rows.sort_unstable_by(order);
        let page: Vec<Value> = rows
            .iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|&r| {
                let (raw, who) = &g.table.respondents[r];
                let person = p.participants.get(*who);
                let attributes: Map<String, Value> = g
                    .table
                    .attributes
                    .iter()
                    .map(|(h, a)| (h.clone(), Value::from(g.value(r, Key::Attribute(*a)))))
                    .collect();
                let cells: Vec<Value> = g
                    .table
                    .questions
                    .iter()
                    .map(|q| g.cell(raw, q).unwrap_or(Value::Null))
                    .collect();
                json!({
                    "respondent": raw,
                    "participant": person.id,
                    "label": person.label,
                    "group": person.group,
                    "attributes": attributes,
                    "cells": cells,
                })
            })
            .collect();
        let filters: Vec<Value> = request
            .filters
            .iter()
            .map(|(a, v)| json!({ "attribute": a, "value": v }))
            .collect();
        Ok(Json(json!({
            "survey": g.table.name,
            "questions": g.questions(),
            "attributes": g.table.attributes.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>(),
            "coders": p.coders,
            "sort": sort_name,
            "desc": request.desc,
            "filters": filters,
            "total": total,
            "offset": request.offset,
            "limit": request.limit,
            "rows": page,
        })))
    })
    .await
}

/// Orders text as people read numbers in it: `2` before `10`, `r9` before `r10`; letters
/// without regard to case first, then with it, so that the order is total.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.chars().next(), y.chars().next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, rest_x) = split_digits(x);
                let (n, rest_y) = split_digits(y);
                let (m0, n0) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let by_number = m0.len().cmp(&n0.len()).then_with(|| m0.cmp(n0));
                if by_number != Ordering::Equal {
                    return by_number;
                }
                (x, y) = (rest_x, rest_y);
            }
            (Some(c), Some(d)) => {
                let by_letter = c.to_lowercase().cmp(d.to_lowercase());
                if by_letter != Ordering::Equal {
                    return by_letter;
                }
                (x, y) = (&x[c.len_utf8()..], &y[d.len_utf8()..]);
            }
        }
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut ids = vec!["r10", "r9", "R2", "r2", "1043", "999", "007", "7", "", "b", "A"];
        ids.sort_by(|a, b| natural(a, b));
        assert_eq!(
            ids,
            vec!["", "007", "7", "999", "1043", "A", "b", "R2", "r2", "r9", "r10"]
        );
        assert_eq!(natural("x01", "x1"), "x01".cmp("x1"));
    }

    #[test]
    fn requests_are_read_and_refused_with_reasons() {
        let pairs = |q: &[(&str, &str)]| q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let r = Request::parse(pairs(&[
            ("sort", "region"),
            ("desc", "1"),
            ("filter", "region=North"),
            ("filter", "role = staff "),
            ("limit", "5000"),
            ("token", "x"),
        ]))
        .unwrap();
        assert_eq!(r.sort.as_deref(), Some("region"));
        assert!(r.desc);
        assert_eq!(
            r.filters,
            vec![("region".into(), "North".into()), ("role".into(), "staff".into())]
        );
        assert_eq!((r.offset, r.limit), (0, MAX_LIMIT));
        assert_eq!(Request::parse(vec![]).unwrap().limit, DEFAULT_LIMIT);
        for bad in [
            ("filter", "region"),
            ("limit", "-1"),
            ("desc", "maybe"),
            ("sortby", "x"),
        ] {
            assert!(Request::parse(pairs(&[bad])).is_err(), "{bad:?}");
        }
    }
}
