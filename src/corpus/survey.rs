//! Survey files as sources (`[surveys.NAME]` in `thematic.toml`): a `.csv` (UTF-8, or
//! Windows-1252 with a warning) or `.xlsx` table with one row per respondent. Each respondent
//! is a participant (`NAME/<respondent>`, unless participants.csv already has the respondent);
//! the survey's other columns are the respondent's attributes; each non-empty answer is a
//! document `NAME/<respondent>/<question>` of one turn spoken by the respondent.
//!
//! Rows are numbered as the file's lines (CSV) or as Excel numbers them (the header is row 1),
//! so every problem names `file:row`.

use super::decode::{self, Encoding};
use super::text::Text;
use super::{Document, Format, Speaker, Turn};
use crate::config::SurveySettings;
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::participants::{Participant, ParticipantIdx, Participants};
use crate::text::CsvTable;
use compact_str::CompactString;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What a survey's answers say about where they came from.
pub const SOURCE: &str = "survey";

/// A survey as read: its question and attribute columns and its respondents, in file order.
/// What the browser workspace's grid shows (respondents × questions).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SurveyTable {
    /// The survey's name in `[surveys]`.
    pub name: String,
    /// The question columns found in the header, in the order of `questions`.
    pub questions: Vec<String>,
    /// The other columns (the id column among them, the group column not), each with its
    /// index in [`Participants::attributes`].
    pub attributes: Vec<(String, usize)>,
    /// Each respondent read: the id as the file has it, and the participant.
    #[serde(deserialize_with = "crate::cache::exact_vec")]
    pub respondents: Vec<(CompactString, ParticipantIdx)>,
}

/// Reads every survey of `[surveys]` (in name order). Respondents join `participants`, their
/// columns its attributes; every non-empty answer is returned as a document. Also each
/// survey's table (one per survey, in name order, empty for a file that could not be read).
pub fn read_surveys(
    root: &Path,
    surveys: &BTreeMap<String, SurveySettings>,
    declared_groups: &[String],
    participants: &mut Participants,
    diags: &mut Diagnostics,
) -> (Vec<Document>, Vec<SurveyTable>) {
    let mut out = Vec::new();
    let mut tables = Vec::with_capacity(surveys.len());
    for (index, (name, survey)) in surveys.iter().enumerate() {
        let context = Survey {
            index,
            name,
            settings: survey,
            declared_groups,
        };
        let mut table = SurveyTable {
            name: name.clone(),
            ..SurveyTable::default()
        };
        context.read(root, participants, &mut out, &mut table, diags);
        tables.push(table);
    }
    (out, tables)
}

/// The survey and question of an answer's document id (`staff/1043/q1`).
pub fn survey_and_question(id: &str) -> (&str, &str) {
    let survey = id.split('/').next().unwrap_or(id);
    let question = id.rsplit('/').next().unwrap_or(id);
    (survey, question)
}

/// What makes a CSV survey's columns from its header (here: the header itself).
type Header<'h> = &'h dyn Fn(&[String], &mut Diagnostics) -> Vec<String>;
/// What takes each record of a CSV survey.
type EachRecord<'e> = &'e mut dyn FnMut(&Vec<String>, crate::text::CsvRow, &mut Diagnostics);
/// How a CSV survey's records are read: [`CsvTable::read_rows`] of its text, or
/// [`CsvTable::read_rows_from`] its file.
type Records<'a> = dyn for<'h, 'e> FnOnce(Header<'h>, EachRecord<'e>, &mut Diagnostics) -> Option<(Vec<String>, Vec<String>)>
    + 'a;

/// A survey's columns, found in its header.
struct Plan<'a> {
    /// Each question found, with its column.
    questions: Vec<(&'a str, usize)>,
    id_col: usize,
    group_col: Option<usize>,
    /// (column, index among the participants' attributes).
    attributes: Vec<(usize, usize)>,
}

struct Survey<'a> {
    index: usize,
    name: &'a str,
    settings: &'a SurveySettings,
    declared_groups: &'a [String],
}

/// What a survey's rows are read into: the file's name and encoding (for messages and the
/// documents), the people, the survey's table, the respondents seen so far (by id, with their
/// row) and the documents made.
struct Reading<'a> {
    file: &'a str,
    encoding: Encoding,
    participants: &'a mut Participants,
    read: &'a mut SurveyTable,
    seen: HashMap<CompactString, usize>,
    out: &'a mut Vec<Document>,
}

impl Survey<'_> {
    fn read(
        &self,
        root: &Path,
        participants: &mut Participants,
        out: &mut Vec<Document>,
        read: &mut SurveyTable,
        diags: &mut Diagnostics,
    ) {
        let file = self.settings.path.as_str();
        if crate::fsutil::reported_outside(root, file, diags) {
            return;
        }
        let mut required = vec![self.settings.id.as_str()];
        required.extend(self.settings.group.as_deref());
        let path = root.join(file);
        let csv = !file.to_lowercase().ends_with(".xlsx");
        let big = csv && std::fs::metadata(&path).is_ok_and(|m| m.len() > decode::stream_over());
        // A CSV survey is read a row at a time, each answer's text moving into its document: a
        // million answers are never held twice. One too big to hold is read from its file as
        // it is parsed, as it would read decoded whole (its line ends made LF).
        let text: String;
        let (records, encoding): (Box<Records>, Encoding) =
            match big.then(|| decode::plain_utf8(&path)).flatten() {
                Some(plain) => {
                    // Room for an answer to every question of every line, made at once (what
                    // is not used is never touched).
                    out.reserve(plain.lines * self.settings.questions.len());
                    let Ok(opened) = std::fs::File::open(&path) else {
                        diags.error(file, None, "cannot read the survey file");
                        return;
                    };
                    let source = decode::LineEndsLf::new(std::io::BufReader::with_capacity(1 << 20, opened));
                    // The delimiter is the header line's, its line ends made LF as the text's.
                    let delimiter =
                        crate::coding::sheet::delimiter_of(&decode::normalize_line_ends(plain.head.clone()));
                    let encoding = if plain.bom {
                        Encoding::Utf8Bom
                    } else {
                        Encoding::Utf8
                    };
                    let records = Box::new(move |h: Header, r: EachRecord, d: &mut Diagnostics| {
                        CsvTable::read_rows_from(source, file, &required, delimiter, d, h, r)
                    });
                    (records, encoding)
                }
                None => {
                    let bytes = match std::fs::read(&path) {
                        Ok(b) => b,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            diags.error(
                                file,
                                None,
                                format!("survey file not found ([surveys.{}] path)", self.name),
                            );
                            return;
                        }
                        Err(e) => {
                            diags.error(file, None, format!("cannot read: {e}"));
                            return;
                        }
                    };
                    if !csv {
                        let reading = Reading {
                            file,
                            encoding: Encoding::Utf8,
                            participants,
                            read,
                            seen: HashMap::new(),
                            out,
                        };
                        self.read_xlsx(bytes, &required, reading, diags);
                        return;
                    }
                    let Some((decoded, encoding)) = decode_csv(bytes, file, diags) else {
                        return;
                    };
                    text = decoded;
                    let delimiter = crate::coding::sheet::delimiter_of(&text);
                    let records = Box::new(move |h: Header, r: EachRecord, d: &mut Diagnostics| {
                        CsvTable::read_rows(&text, file, &required, delimiter, d, h, r)
                    });
                    (records, encoding)
                }
            };
        let reading = Reading {
            file,
            encoding,
            participants,
            read,
            seen: HashMap::new(),
            out,
        };
        self.read_csv(records, reading, diags);
    }

    /// An `.xlsx` survey's rows: its first worksheet, with its merged cells and formulas
    /// reported.
    fn read_xlsx(&self, bytes: Vec<u8>, required: &[&str], mut reading: Reading, diags: &mut Diagnostics) {
        let table = crate::coding::sheet::xlsx_table(bytes.clone(), reading.file, required, diags);
        workbook_problems(bytes, reading.file, diags);
        let Some(table) = table else {
            return;
        };
        let plan = self.plan(&table.headers, &mut reading, diags);
        reading.read.respondents.reserve(table.rows.len());
        for row in table.rows {
            self.row(&plan, row, &mut reading, diags);
        }
    }

    /// A CSV survey's rows as `records` reads them ([`CsvTable::read_rows`] of the text, or
    /// [`CsvTable::read_rows_from`] the file), each answer's text moving into its document.
    fn read_csv(&self, records: Box<Records>, mut reading: Reading, diags: &mut Diagnostics) {
        let mut plan = None;
        let read_header = records(
            &|headers, _| headers.to_vec(),
            &mut |headers, row, diags| {
                let plan = plan.get_or_insert_with(|| self.plan(headers, &mut reading, diags));
                self.row(plan, row, &mut reading, diags);
            },
            diags,
        );
        if let (Some((headers, _)), None) = (read_header, &plan) {
            // A survey with a header and no rows: its columns are still checked.
            self.plan(&headers, &mut reading, diags);
        }
    }

    /// What the rows are read with, from the header: the question columns (a missing one is
    /// an error), the id and group columns, and every other column as an attribute of the
    /// respondents.
    fn plan<'s>(&'s self, headers: &[String], reading: &mut Reading, diags: &mut Diagnostics) -> Plan<'s> {
        let (file, participants, read) = (reading.file, &mut *reading.participants, &mut *reading.read);
        let column = |name: &str| headers.iter().position(|h| h == name);
        let mut questions = Vec::with_capacity(self.settings.questions.len());
        for q in &self.settings.questions {
            match column(q) {
                Some(c) => questions.push((q.as_str(), c)),
                None => diags.error(
                    file,
                    Some(1),
                    format!(
                        "question column `{q}` ([surveys.{}] questions) is not in the header{} (found: {})",
                        self.name,
                        did_you_mean(q, headers.iter().map(String::as_str)),
                        headers.join(",")
                    ),
                ),
            }
        }
        for q in self.settings.labels.keys() {
            if !self.settings.questions.contains(q) {
                diags.warning(
                    crate::config::CONFIG_FILE,
                    None,
                    format!(
                        "[surveys.{}.labels] names `{q}`, which is no question of the survey{}: its label is not used",
                        self.name,
                        did_you_mean(q, self.settings.questions.iter().map(String::as_str))
                    ),
                );
            }
        }
        let id_col = column(&self.settings.id).unwrap_or(0);
        let group_col = self.settings.group.as_deref().and_then(column);
        // Every other column is an attribute of the respondent; the id column too, so that an
        // attribution can say `(Respondent {respondent})`.
        let attributes: Vec<(usize, usize)> = (0..headers.len())
            .filter(|&c| Some(c) != group_col && !questions.iter().any(|&(_, q)| q == c))
            .filter(|&c| !headers[c].is_empty())
            .map(|c| (c, participants.attribute_column(&headers[c])))
            .collect();
        // An attribute named as a respondent's own fields is never read by that name: `--by
        // group`, a filter or an attribution's `{group}` give the respondent's group.
        for &(c, _) in &attributes {
            let what = match headers[c].as_str() {
                "group" => "the respondent's stakeholder group",
                "label" => "how the respondent's quotes are attributed",
                "id" | "participant" if c != id_col => "the respondent's participant id",
                _ => continue,
            };
            let hint = if headers[c] == "group" {
                format!(
                    "; if it is their group, write `group = \"group\"` under [surveys.{}]",
                    self.name
                )
            } else {
                String::new()
            };
            diags.warning(
                file,
                Some(1),
                format!(
                    "column `{}` is read as an attribute, but `{}` means {what} in counts, filters and attributions, so its values are never used: rename the column{hint}",
                    headers[c], headers[c]
                ),
            );
        }
        read.questions = questions.iter().map(|&(q, _)| q.to_string()).collect();
        read.attributes = attributes.iter().map(|&(c, a)| (headers[c].clone(), a)).collect();
        Plan {
            questions,
            id_col,
            group_col,
            attributes,
        }
    }

    /// One row: its respondent, then a document for each answer given.
    fn row(&self, plan: &Plan, mut row: crate::text::CsvRow, reading: &mut Reading, diags: &mut Diagnostics) {
        let (file, encoding) = (reading.file, reading.encoding);
        let Reading {
            participants,
            read,
            seen,
            out,
            ..
        } = reading;
        let raw: CompactString = row.fields[plan.id_col].trim().into();
        let raw = raw.as_str();
        if raw.is_empty() {
            diags.error(
                file,
                Some(row.line),
                format!(
                    "no respondent id in column `{}`: this row is not read",
                    self.settings.id
                ),
            );
            return;
        }
        if let Some(first) = seen.insert(raw.into(), row.line) {
            diags.error(
                file,
                Some(row.line),
                format!("duplicate respondent `{raw}` (first on row {first}): this row is not read"),
            );
            seen.insert(raw.into(), first);
            return;
        }
        let Some(p) = self.respondent(
            raw,
            &row,
            plan.group_col,
            &plan.attributes,
            participants,
            file,
            diags,
        ) else {
            return;
        };
        read.respondents.push((raw.into(), p));
        for &(question, col) in &plan.questions {
            let cell = std::mem::take(&mut row.fields[col]);
            if let Some(doc) = answer(self.name, raw, question, file, row.line, cell, p, encoding) {
                out.push(doc);
            }
        }
    }

    /// The participant a row's respondent is: one of participants.csv (by the respondent's id,
    /// or by `NAME/<respondent>`), or a new one with the row's attributes.
    #[allow(clippy::too_many_arguments)]
    fn respondent(
        &self,
        raw: &str,
        row: &crate::text::CsvRow,
        group_col: Option<usize>,
        attributes: &[(usize, usize)],
        participants: &mut Participants,
        file: &str,
        diags: &mut Diagnostics,
    ) -> Option<ParticipantIdx> {
        let id = compact_str::format_compact!("{}/{raw}", self.name);
        let known = participants.by_id(raw).or_else(|| participants.by_id(&id));
        if let Some(p) = known {
            if participants.get(p).survey.is_some() {
                diags.error(
                    file,
                    Some(row.line),
                    format!(
                        "respondent `{raw}` is `{}` of another survey already: give the surveys different names or respondent ids",
                        participants.get(p).id
                    ),
                );
                return None;
            }
            // A person of participants.csv keeps their group and values; the survey fills the
            // values they lack, and says where the two disagree.
            if let Some(c) = group_col {
                let group = row.fields[c].trim();
                let have = &participants.get(p).group;
                if !group.is_empty() && group != have {
                    diags.error(
                        file,
                        Some(row.line),
                        format!(
                            "the group of `{raw}` is `{group}` here but `{have}` in participants.csv: keep one"
                        ),
                    );
                }
            }
            for &(c, a) in attributes {
                let value = row.fields[c].trim();
                let have = &participants.get(p).attributes[a];
                if have.is_empty() {
                    participants.set_attribute(p, a, value);
                } else if !value.is_empty() && have != value {
                    diags.error(
                        file,
                        Some(row.line),
                        format!(
                            "`{}` of `{raw}` is `{value}` here but `{have}` in participants.csv: keep one",
                            participants.attributes[a]
                        ),
                    );
                }
            }
            return Some(p);
        }
        let group: CompactString = match group_col {
            None => self.name.into(),
            Some(c) => {
                let group = row.fields[c].trim();
                let column = self.settings.group.as_deref().unwrap_or_default();
                if group.is_empty() {
                    diags.error(
                        file,
                        Some(row.line),
                        format!("respondent `{raw}` has no group (column `{column}` is empty)"),
                    );
                } else if !self.declared_groups.is_empty() && !self.declared_groups.iter().any(|g| g == group)
                {
                    diags.error(
                        file,
                        Some(row.line),
                        format!(
                            "unknown group `{group}` for respondent `{raw}`: thematic.toml [groups] has {}{}",
                            self.declared_groups.join(", "),
                            did_you_mean(group, self.declared_groups.iter().map(String::as_str))
                        ),
                    );
                }
                group.into()
            }
        };
        let mut values = vec![CompactString::default(); participants.attributes.len()];
        for &(c, a) in attributes {
            values[a] = row.fields[c].trim().into();
        }
        Some(participants.add_respondent(Participant {
            label: id.clone(),
            id,
            group,
            aliases: Vec::new(),
            quotable: true,
            attributes: crate::participants::Values::of(values.iter().map(CompactString::as_str)),
            line: crate::corpus::to_u32(row.line),
            survey: Some(crate::corpus::to_u32(self.index)),
        }))
    }
}

/// One answer as a document: the cell's text, one turn (its words without the white space
/// around them) spoken by the respondent. `None` for an empty answer.
#[allow(clippy::too_many_arguments)]
fn answer(
    survey: &str,
    respondent: &str,
    question: &str,
    file: &str,
    line: usize,
    cell: String,
    p: ParticipantIdx,
    encoding: Encoding,
) -> Option<Document> {
    let text = if cell.contains('\r') {
        decode::normalize_line_ends(cell)
    } else {
        cell
    };
    let words = super::turns::trim_range(&text, 0..text.len());
    if words.is_empty() {
        return None;
    }
    let start = text[..words.start].chars().count();
    let chars = text.chars().count();
    let end = start + text[words.clone()].chars().count();
    Some(Document {
        id: compact_str::format_compact!("{survey}/{respondent}/{question}"),
        path: file.into(),
        format: Format::Survey,
        encoding,
        text: Text::from(text),
        chars: super::to_u32(chars),
        meta: Box::default(),
        front_matter: 0,
        participant: Some(p),
        plain: true,
        turns: smallvec::smallvec![Turn {
            label: Box::default(),
            speaker: Speaker::participant(p),
            time: None,
            line: super::to_u32(line),
            bytes: words.into(),
            chars: (start..end).into(),
        }],
    })
}

/// A CSV survey's text and how its bytes were read (a Windows-1252 file is read with a
/// warning, as coding sheets are).
fn decode_csv(bytes: Vec<u8>, file: &str, diags: &mut Diagnostics) -> Option<(String, Encoding)> {
    if crate::diagnostics::workbook_not_csv(&bytes, file, diags) {
        return None;
    }
    let (text, encoding) = match decode::decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.error(file, None, format!("{e}: save the survey as CSV UTF-8"));
            return None;
        }
    };
    match encoding {
        Encoding::Windows1252 => diags.warning(
            file,
            None,
            "not UTF-8: read as Windows-1252 (save it as CSV UTF-8 to be sure)",
        ),
        Encoding::Utf16LeNoBom | Encoding::Utf16BeNoBom => diags.warning(
            file,
            None,
            "UTF-16 without a byte-order mark: read as UTF-16 (save it as CSV UTF-8 to be sure)",
        ),
        _ => {}
    }
    Some((text, encoding))
}

/// What a workbook holds that a survey table cannot: merged cells (the value sits in the
/// first cell only, so the other rows would lose it) and formulas (a computed value is not
/// what a respondent wrote). Each is an error naming its cells and rows.
fn workbook_problems(bytes: Vec<u8>, file: &str, diags: &mut Diagnostics) {
    use calamine::{Reader, Xlsx};
    let Ok(mut book) = Xlsx::new(std::io::Cursor::new(bytes)) else {
        return;
    };
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return;
    };
    let cell = |row: u32, col: u32| {
        format!(
            "{}{}",
            crate::coding::sheet::column_letters(col as usize),
            row + 1
        )
    };
    if book.load_merged_regions().is_ok() {
        for (_, _, d) in book.merged_regions_by_sheet(&sheet) {
            if d.end.0 > d.start.0 {
                diags.error(
                    file,
                    Some(d.start.0 as usize + 1),
                    format!(
                        "cells {}:{} are merged across rows {} to {}: the value belongs to row {} only; unmerge them and fill each row",
                        cell(d.start.0, d.start.1),
                        cell(d.end.0, d.end.1),
                        d.start.0 + 1,
                        d.end.0 + 1,
                        d.start.0 + 1
                    ),
                );
            }
        }
    }
    if let Ok(formulas) = book.worksheet_formula(&sheet) {
        let (row0, col0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            if f.is_empty() {
                continue;
            }
            let (row, col) = (row0 + r as u32, col0 + c as u32);
            diags.error(
                file,
                Some(row as usize + 1),
                format!(
                    "cell {} holds a formula (={f}), not what a respondent wrote: paste the values (Paste Special > Values)",
                    cell(row, col)
                ),
            );
        }
    }
}
