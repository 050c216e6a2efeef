//! `report`: every quote verbatim and attributed, deterministic output, `--check`, redactions,
//! safety against markup in transcripts, a snapshot of report.md, and the page in a browser.

use crate::util::{run_in, Dir};
use std::path::Path;
use thematic::project::Project;

/// The fixture with redactions and exemplars, so that the report has something to redact.
fn fixture() -> Dir {
    let d = Dir::project();
    d.write(
        "redactions.csv",
        "term,replacement\nJo Bloggs,[name]\nvalues with them,[redacted]\n",
    );
    d
}

/// Undoes the report's Markdown escaping.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks that every quote of `report.md` is verbatim from a turn of the person it is
/// attributed to: after undoing escaping, the "…" of a cut, and redactions (each replacement
/// may stand for any words). Returns how many quotes were checked.
pub(crate) fn assert_quotes_verbatim(root: &Path, report_md: &str) -> usize {
    let (project, _) = Project::load(root).unwrap();
    let replacements: Vec<String> = std::fs::read_to_string(root.join("redactions.csv"))
        .map(|t| {
            t.lines()
                .skip(1)
                .filter_map(|l| l.split(',').nth(1))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut checked = 0;
    for line in report_md.lines().filter(|l| l.starts_with("> ")) {
        let line = unescape(&line[2..]);
        let open = line.rfind(" (").expect("an attribution");
        let (quote, label) = (&line[..open], line[open + 2..].trim_end_matches(')'));
        let quote = quote.strip_suffix(" …").unwrap_or(quote);
        let quote = quote.strip_prefix("… ").unwrap_or(quote);
        // A pattern: white space flexible, each replacement any run of text.
        let mut pattern = regex::escape(quote).replace(' ', r"\s+");
        for r in &replacements {
            pattern = pattern.replace(&regex::escape(r).replace(' ', r"\s+"), ".+?");
        }
        let re = regex::Regex::new(&pattern).unwrap();
        // `(Label)`, or `(Label, 2016)` where the template adds a document attribute: then the
        // quote must come from a document with that value.
        let (label, document_value) = match label.split_once(", ") {
            Some((l, v)) => (l, Some(v)),
            None => (label, None),
        };
        let Some(who) = project.participants.list.iter().position(|p| p.label == label) else {
            // A document nobody speaks in, attributed by its attributes (`({source})`): the
            // quote is verbatim in such a document with that value.
            let attributes = &project.document_attributes;
            // Each part of the attribution is the template's own text or one of the document's
            // values: the value after the first comma (as for participants) must be the
            // document's; a bare `(observation)` must be one of its values.
            let has = |i: usize, v: &str| (0..attributes.names.len()).any(|a| attributes.value(i, a) == v);
            let found = project.documents.iter().enumerate().any(|(i, d)| {
                d.participants().is_empty()
                    && match document_value {
                        Some(v) => has(i, v),
                        None => has(i, label),
                    }
                    && re.is_match(&d.text)
            });
            assert!(
                found,
                "quote {quote:?} is from no participant labelled {label:?} nor any document attributed so"
            );
            checked += 1;
            continue;
        };
        let said = project.documents.iter().enumerate().any(|(i, d)| {
            let attributes = &project.document_attributes;
            let fits = document_value
                .is_none_or(|v| (0..attributes.names.len()).any(|a| attributes.value(i, a) == v));
            fits && d
                .turns
                .iter()
                .filter(|t| t.participant() == Some(who))
                .any(|t| re.is_match(&d.text[t.bytes.range()]))
        });
        assert!(said, "quote {quote:?} is not verbatim from a turn of {label}");
        checked += 1;
    }
    checked
}

#[test]
fn every_quote_is_verbatim_and_attributed_in_the_fixture() {
    let d = fixture();
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    assert_eq!(assert_quotes_verbatim(d.path(), &md), 7);
    assert!(md.contains("> We share \\[redacted\\]. (Partner 1)"), "{md}");
}

#[test]
fn every_quote_is_verbatim_and_attributed_in_the_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/partnership-evaluation");
    let md =
        std::fs::read_to_string(root.join("report/report.md")).expect("the example's report is committed");
    assert!(assert_quotes_verbatim(&root, &md) >= 40);
}

#[test]
fn the_example_report_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/partnership-evaluation");
    let out = run_in(&root, &["report", "--check"]);
    assert_eq!(
        out.code, 0,
        "run `cargo run -- report -p examples/partnership-evaluation`:\n{}",
        out.stdout
    );
}

#[test]
fn two_runs_give_identical_files_and_check_notices_changes() {
    let d = fixture();
    d.run(&["report"]).ok();
    let first: Vec<(String, Vec<u8>)> = d
        .files()
        .into_iter()
        .filter(|f| f.starts_with("report/"))
        .map(|f| (f.clone(), std::fs::read(d.join(&f)).unwrap()))
        .collect();
    assert_eq!(
        first.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        [
            "report/figures/heatmap.svg",
            "report/figures/map.svg",
            "report/figures/references.svg",
            "report/report.docx",
            "report/report.html",
            "report/report.md",
            "report/tables.xlsx",
            "report/tables/agreement.csv",
            "report/tables/quotes.csv",
            "report/tables/references-by-group.csv",
            "report/tables/themes.csv",
            "report/tables/triangulation.csv",
        ]
    );
    d.run(&["report"]).ok();
    for (f, bytes) in &first {
        assert_eq!(
            &std::fs::read(d.join(f)).unwrap(),
            bytes,
            "{f} changed between runs"
        );
    }
    assert_eq!(d.run(&["report", "--check"]).code, 0);
    d.write(
        "coding/ben.csv",
        "document,quote,codes\nS2,Funding is short.,funding\n",
    );
    let out = d.run(&["report", "--check"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("report/report.md"), "{}", out.stdout);
    // No absolute paths or dates in any file.
    let tmp = d.path().to_string_lossy().to_string();
    for (f, bytes) in &first {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&tmp),
            "{f} holds an absolute path"
        );
    }
}

#[test]
fn check_finds_redaction_terms_in_the_written_report() {
    let d = fixture();
    d.run(&["report"]).ok();
    assert_eq!(d.run(&["check"]).code, 0);
    d.write(
        "redactions.csv",
        "term,replacement\nJo Bloggs,[name]\nvalues with them,[redacted]\nTrust,[t]\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.problems()
            .iter()
            .any(|p| p.starts_with("error: report/report.md:")
                && p.contains("redaction term `Trust` is in the written report")),
        "{out:#?}"
    );
}

#[test]
fn markup_in_transcripts_and_codebook_renders_as_text() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: What works?\nR: We share values. <script>alert('x')</script> and <img src=x onerror=alert(1)> and **bold** [link](javascript:alert(1)) | pipe\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nS1,\"We share values. <script>alert('x')</script> and <img src=x onerror=alert(1)> and **bold** [link](javascript:alert(1)) | pipe\",shared-values\n",
    );
    d.remove("coding/ben.csv");
    d.write(
        "codebook.md",
        crate::util::FIXTURE_CODEBOOK.replace(
            "About relationships.",
            "About <script>evil()</script> relationships.",
        ),
    );
    d.run(&["report"]).ok();
    let html = d.read("report/report.html");
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an img tag got through");
    assert!(
        !html.contains("href=\"javascript"),
        "a javascript link got through"
    );
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        "the quote's text is shown"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
    assert!(
        html.contains("**bold** [link](javascript:alert(1)) | pipe"),
        "markdown shown as typed"
    );
    assert!(
        html.contains("About &lt;script&gt;evil()&lt;/script&gt; relationships."),
        "codebook text shown as typed"
    );
    let md = d.read("report/report.md");
    assert!(assert_quotes_verbatim(d.path(), &md) > 0);
}

#[test]
fn report_md_snapshot() {
    let d = fixture();
    d.write(
        "triangulation.csv",
        "row,verdict,note\nResources,partial,service users talked about money off the record\n",
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    let snapshot =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots/fixture-report.md");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &md).unwrap();
    }
    let expected =
        std::fs::read_to_string(&snapshot).expect("snapshot exists (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(
        md, expected,
        "report.md differs from the snapshot; review and rerun with UPDATE_SNAPSHOTS=1"
    );
}

/// The page in headless Chromium (`apt-get install chromium`; `.ci/run` installs it): the
/// heat map, the chart and the quotes are in the rendered DOM.
#[test]
fn the_html_renders_in_a_browser() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium (see .ci/run)"
        );
        eprintln!("skipped: no chromium on this machine");
        return;
    };
    let d = fixture();
    d.run(&["report"]).ok();
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", d.join("report/report.html").display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<svg"), "no SVG in the rendered page:\n{dom}");
    assert!(
        dom.contains("Share of each group's participants coded, by theme"),
        "no heat map"
    );
    assert!(dom.contains("Coded passages per theme, by group"), "no bar chart");
    assert!(dom.contains("<blockquote>"), "no quotes");
    assert!(
        dom.contains("We share values. (Staff 1)"),
        "a quote is missing:\n{dom}"
    );
}

/// The quote rule on the bundled examples: no passage twice, no one past 15% of the quotes.
#[test]
fn no_passage_is_quoted_twice_and_no_one_supplies_more_than_their_share() {
    for example in [
        "partnership-evaluation",
        "health-wellbeing-boards",
        "staff-survey",
    ] {
        let md = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{example}/report/report.md")),
        )
        .unwrap();
        let quotes: Vec<&str> = md.lines().filter(|l| l.starts_with("> ")).collect();
        let mut seen = std::collections::HashSet::new();
        for q in &quotes {
            let text = &q[..q.rfind(" (").unwrap()];
            assert!(seen.insert(text), "{example}: quoted twice: {q}");
        }
        let mut per: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for q in &quotes {
            let who = q[q.rfind(" (").unwrap() + 2..].split(", ").next().unwrap();
            *per.entry(who.trim_end_matches(')')).or_default() += 1;
        }
        let most = per.values().max().copied().unwrap_or(0);
        assert!(
            most as f64 <= (quotes.len() as f64 * 0.15).ceil(),
            "{example}: one participant supplies {most} of {} quotes",
            quotes.len()
        );
    }
}

/// `report/tables.xlsx`: every table of the report, one worksheet each, the header frozen,
/// formula characters neutralised as in the CSVs.
#[test]
fn the_workbook_holds_every_table_with_frozen_headers() {
    use calamine::{Reader, Xlsx};
    let d = fixture();
    // A theme name a spreadsheet would run as a formula.
    d.write(
        "codebook.md",
        crate::util::FIXTURE_CODEBOOK.replace("# Resources", "# =HYPERLINK(\"x\")"),
    );
    assert_eq!(d.run(&["report"]).code, 0);
    let bytes = std::fs::read(d.join("report/tables.xlsx")).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    let csvs: Vec<String> = std::fs::read_dir(d.join("report/tables"))
        .unwrap()
        .flatten()
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".csv")
                .to_string()
        })
        .collect();
    assert_eq!(names.len(), csvs.len(), "{names:?} {csvs:?}");
    for c in &csvs {
        assert!(names.contains(c), "{c} has no worksheet: {names:?}");
    }
    assert_eq!(names[0], "themes");
    let themes = book.worksheet_range("themes").unwrap();
    assert_eq!(themes.get_value((0, 0)).unwrap().to_string(), "theme");
    assert_eq!(
        themes.get_value((2, 0)).unwrap().to_string(),
        "'=HYPERLINK(\"x\")"
    );
    // Each worksheet's header row is frozen.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    for i in 1..=names.len() {
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(
            xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
            "{xml}"
        );
    }
    // Two runs, the same bytes.
    assert_eq!(d.run(&["report"]).code, 0);
    assert_eq!(std::fs::read(d.join("report/tables.xlsx")).unwrap(), bytes);
}

/// The tool a test needs, or `None` with the reason printed; under CI (`CI=true`) a missing
/// tool fails the test instead (`.ci/run` installs them).
fn tool(names: &[&str], package: &str) -> Option<String> {
    // Found when it runs at all (pdftotext -v exits non-zero on some versions).
    let found = names
        .iter()
        .find(|n| std::process::Command::new(n).arg("-v").output().is_ok());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must have {} (apt-get install {package}; see .ci/run)",
            names.join(" or ")
        );
        eprintln!(
            "skipped: no {} on this machine (apt-get install {package})",
            names.join(" or ")
        );
    }
    found.map(|n| n.to_string())
}

/// report.docx opens in LibreOffice without repair: converted to PDF, its text holds every
/// quote of the report with its attribution.
#[test]
fn the_word_file_opens_in_libreoffice_and_holds_every_quote() {
    let Some(office) = tool(&["libreoffice", "soffice"], "libreoffice-writer-nogui") else {
        return;
    };
    let Some(pdftotext) = tool(&["pdftotext"], "poppler-utils") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/partnership-evaluation");
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let converted = std::process::Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(out.path())
        .arg(root.join("report/report.docx"))
        .output()
        .unwrap();
    let pdf = out.path().join("report.pdf");
    assert!(
        converted.status.success() && pdf.exists(),
        "LibreOffice could not convert report.docx:\n{}\n{}",
        String::from_utf8_lossy(&converted.stdout),
        String::from_utf8_lossy(&converted.stderr)
    );
    let text = std::process::Command::new(pdftotext)
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    let flat = |s: &str| {
        use unicode_normalization::UnicodeNormalization;
        s.nfkc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let pdf_text = flat(&String::from_utf8_lossy(&text.stdout));
    let md = std::fs::read_to_string(root.join("report/report.md")).unwrap();
    let mut quotes = 0;
    for line in md.lines().filter(|l| l.starts_with("> ")) {
        let quote = flat(&unescape(&line[2..]));
        assert!(pdf_text.contains(&quote), "the PDF lacks the quote {quote:?}");
        quotes += 1;
    }
    assert!(quotes >= 40, "{quotes} quotes");
    assert!(pdf_text.contains("Contents"), "the contents field");
}

/// tables.xlsx opens in LibreOffice Calc: every worksheet, exported back to CSV, holds the same
/// cells as the report's CSV of that table (floats to the CSV's six places: the workbook keeps
/// them whole).
#[test]
fn the_workbook_opens_in_libreoffice_with_every_table() {
    let Some(office) = tool(&["libreoffice", "soffice"], "libreoffice-calc-nogui") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/partnership-evaluation/report");
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    // Comma-separated, quoted, UTF-8 (76), every sheet (-1) to a file of its own.
    let converted = std::process::Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(out.path())
        .arg(root.join("tables.xlsx"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&converted.stdout).to_string();
    let stderr = String::from_utf8_lossy(&converted.stderr).to_string();
    if stderr.contains("no export filter") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must have LibreOffice Calc (apt-get install libreoffice-calc-nogui; see .ci/run)"
        );
        eprintln!("skipped: LibreOffice has no Calc here (apt-get install libreoffice-calc-nogui)");
        return;
    }
    assert!(converted.status.success(), "{stdout}\n{stderr}");
    let read = |p: &Path| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(p)
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let same = |a: &str, b: &str| {
        a == b
            || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if (x - y).abs() <= 1e-6 * x.abs().max(1.0))
    };
    let mut sheets = 0;
    for entry in std::fs::read_dir(root.join("tables")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let exported = out.path().join(format!("tables-{name}"));
        assert!(exported.exists(), "no worksheet for {name}: {stdout}");
        let (ours, calc) = (read(&entry.path()), read(&exported));
        assert_eq!(ours.len(), calc.len(), "{name}: rows");
        for (r, (a, b)) in ours.iter().zip(&calc).enumerate() {
            // Calc leaves out trailing empty cells of a row.
            let width = a.len().max(b.len());
            for c in 0..width {
                let (x, y) = (
                    a.get(c).map_or("", String::as_str),
                    b.get(c).map_or("", String::as_str),
                );
                assert!(
                    same(x, y),
                    "{name}: row {r}, column {c}: {x:?} in the CSV, {y:?} in Calc"
                );
            }
        }
        sheets += 1;
    }
    assert!(sheets >= 5, "{sheets} worksheets");
}
