//! Privacy fails closed: the report is not written when redactions cannot be applied, from a
//! folder that is not an analysis folder, or (unless allowed) from a project with errors; the
//! names people are known by are redacted in quotes; `quotable = no` is counted, never quoted.

use crate::util::*;

/// Every file of the written report, concatenated; a workbook or Word file as the XML inside.
fn report_text(d: &Dir) -> String {
    d.files()
        .iter()
        .filter(|f| f.starts_with("report/"))
        .map(|f| {
            if f.ends_with(".xlsx") || f.ends_with(".docx") {
                zipped_xml(&d.join(f))
            } else if f.ends_with(".png") {
                String::new()
            } else {
                d.read(f)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn zipped_xml(path: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            std::io::Read::read_to_string(&mut entry, &mut out).unwrap();
        }
    }
    out
}

fn no_report(d: &Dir) {
    assert!(
        !d.files().iter().any(|f| f.starts_with("report/")) && !d.join("report").exists(),
        "nothing may be written: {:?}",
        d.files()
    );
}

#[test]
fn report_with_an_invalid_redaction_regex_writes_nothing() {
    let d = Dir::project();
    d.write(
        "redactions.csv",
        "term,replacement\nJo Bloggs,[name]\n/(open/,[x]\n",
    );
    for args in [&["report"][..], &["report", "--allow-errors"][..]] {
        let out = d.run(args);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(
            out.stderr.contains("nothing was written")
                && out
                    .stderr
                    .contains("error: redactions.csv:3: invalid regular expression /(open/: unclosed group"),
            "{out:#?}"
        );
        no_report(&d);
    }
}

#[test]
fn report_with_a_broken_redactions_line_writes_nothing() {
    let d = Dir::project();
    d.write(
        "redactions.csv",
        "term,replacement\nJo Bloggs,[name]\n\"Partner 2,[p]\n",
    );
    let out = d.run(&["report", "--allow-errors"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("redactions.csv"), "{out:#?}");
    no_report(&d);
}

#[test]
fn report_in_a_folder_that_is_not_an_analysis_folder_writes_nothing() {
    let d = Dir::empty();
    d.write("notes.txt", "shopping list\n");
    let out = d.run(&["report"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("is not an analysis folder: it has no thematic.toml"),
        "{out:#?}"
    );
    assert_eq!(d.files(), ["notes.txt"]);
}

#[test]
fn report_on_a_project_with_errors_writes_nothing_unless_allowed() {
    let d = Dir::project();
    d.write(
        "coding/ben.csv",
        format!("{FIXTURE_BEN}S1,Words nobody said,trust,\n"),
    );
    let out = d.run(&["report"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.starts_with("error: nothing was written: the project has 1 error (run `thematic check` for all of them; --allow-errors writes the report anyway and says so in it):\nerror: coding/ben.csv:4: quote not found in S1"),
        "{out:#?}"
    );
    no_report(&d);
    let out = d.run(&["report", "--allow-errors"]).ok();
    assert!(out.stderr.contains("--allow-errors"), "{out:#?}");
    let md = d.read("report/report.md");
    assert!(
        md.contains("## Warnings\n\n- Written with \\-\\-allow\\-errors from a project with 1 error")
            || md.contains("## Warnings\n\n- Written with --allow-errors from a project with 1 error"),
        "{md}"
    );
}

#[test]
fn names_people_are_known_by_are_redacted_inside_quotes() {
    let d = Dir::project();
    // Partner 1 is known as "Jo Bloggs" in the focus group; Partner 2 names them.
    d.write(
        "transcripts/focus.md",
        "Facilitator: Tell me about values.\nJo Bloggs: We share values with them.\nPartner 2: Funding is short, and trust is low. Jo Bloggs keeps us going though.\n",
    );
    d.write(
        "coding/amira.csv",
        FIXTURE_AMIRA.replace(
            "\"Funding is short, and trust is low.\"",
            "\"Funding is short, and trust is low. Jo Bloggs keeps us going though.\"",
        ),
    );
    d.run(&["report"]).ok();
    let all = report_text(&d);
    assert!(
        all.contains("[name] keeps us going") || all.contains("\\[name\\] keeps us going"),
        "{all}"
    );
    assert!(!all.contains("Jo Bloggs"), "an alias leaked into the report");
    assert_eq!(d.run(&["check"]).code, 0);

    // Turned off, the name is quoted and `check` flags it in the written report.
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[report]\nredact_names = false\n"),
    );
    d.run(&["report"]).ok();
    assert!(report_text(&d).contains("Jo Bloggs keeps us going"));
    let out = d.run(&["check"]);
    assert!(
        out.problems().iter().any(|p| p.starts_with("warning: report/report.md:")
            && p.ends_with("`Jo Bloggs`, a name a participant is known by, is in the written report ([report] redact_names = false)")),
        "{out:#?}"
    );
}

#[test]
fn a_participant_marked_not_quotable_is_counted_never_quoted() {
    let d = Dir::project();
    let stats = |d: &Dir| {
        d.run(&["stats", "--by", "participant", "--format", "csv"])
            .ok()
            .stdout
    };
    let before = stats(&d);
    d.run(&["report"]).ok();
    assert!(d.read("report/tables/quotes.csv").contains("Staff 1"));
    d.write(
        "participants.csv",
        FIXTURE_PARTICIPANTS
            .replace(
                "id,group,label,aliases,site\n",
                "id,group,label,aliases,site,quotable\n",
            )
            .replace(",north\n", ",north,\n")
            .replace(",south\n", ",south,\n")
            .replace("S1,staff,Staff 1,,north,", "S1,staff,Staff 1,,north,no"),
    );
    assert_eq!(stats(&d), before, "still counted");
    d.run(&["report"]).ok();
    let all = report_text(&d);
    assert!(!all.contains("(Staff 1)"), "{all}");
    assert!(!d.read("report/tables/quotes.csv").contains("Staff 1"));
    assert!(
        d.read("report/report.md")
            .contains("- Not quoted by consent: 1 participant and 0 coded passages"),
        "{}",
        d.read("report/report.md")
    );
}

#[test]
fn a_coding_row_marked_not_quotable_is_counted_never_quoted() {
    let d = Dir::project();
    d.run(&["report"]).ok();
    assert!(d
        .read("report/tables/quotes.csv")
        .contains("Funding is short, and trust is low."));
    let stats = |d: &Dir| d.run(&["stats", "--format", "csv"]).ok().stdout;
    let before = stats(&d);
    let sheet = FIXTURE_AMIRA
        .replace(
            "document,quote,codes,memo\n",
            "document,quote,codes,memo,quotable\n",
        )
        .replace(",\n", ",,\n")
        .replace(
            "\"Funding is short, and trust is low.\",funding;trust,,",
            "\"Funding is short, and trust is low.\",funding;trust,,no",
        );
    d.write("coding/amira.csv", &sheet);
    assert_eq!(d.run(&["check"]).code, 0, "{:#?}", d.run(&["check"]));
    assert_eq!(stats(&d), before, "still counted");
    d.run(&["report"]).ok();
    assert!(
        !report_text(&d).contains("trust is low"),
        "the withheld passage is quoted"
    );
}

#[test]
fn an_unknown_attribution_placeholder_is_an_error_not_a_literal() {
    let d = Dir::project();
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[report]\nattribution = \"({{lable}}, {{site}})\"\n"),
    );
    let out = d.run(&["check"]);
    let line = FIXTURE_TOML.lines().count() + 3;
    let errors: Vec<&str> = out
        .problems()
        .into_iter()
        .filter(|p| p.starts_with("error"))
        .collect();
    assert_eq!(
        errors,
        [format!("error: thematic.toml:{line}: [report] attribution: unknown placeholder `{{lable}}`: use {{label}}, {{id}}, {{group}}, {{site}}, {{source}} (did you mean `label`?)").as_str()]
    );
    assert_eq!(d.run(&["report"]).code, 2);
    no_report(&d);
    // A participants.csv column is a placeholder.
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[report]\nattribution = \"({{label}}, {{site}})\"\n"),
    );
    d.run(&["report"]).ok();
    assert!(d.read("report/report.md").contains("(Staff 1, north)"));
}

#[test]
fn names_in_a_documents_speaker_map_are_redacted_inside_quotes() {
    let d = Dir::project();
    d.write(
        "participants.csv",
        format!("{FIXTURE_PARTICIPANTS}AF1,partner,Ashford 1,,north\nAF2,partner,Ashford 2,,north\n"),
    );
    d.write(
        "transcripts/ashford.md",
        "---\nspeakers: Sue = AF1; Tom = AF2\n---\nFacilitator: Values?\nSue: We share values here, Tom knows.\nTom: Sue keeps us honest about trust.\n",
    );
    d.write(
        "coding/amira.csv",
        format!("{FIXTURE_AMIRA}ashford,\"We share values here, Tom knows.\",shared-values,\nashford,Sue keeps us honest about trust.,trust,\n"),
    );
    let out = d.run(&["check"]);
    assert!(out.problems().iter().all(|p| !p.starts_with("error")), "{out:#?}");
    d.run(&["report"]).ok();
    let quotes = d.read("report/tables/quotes.csv");
    assert!(
        quotes.contains("[name] keeps us honest about trust.")
            || quotes.contains("\"We share values here, [name] knows.\""),
        "{quotes}"
    );
    let all = report_text(&d);
    assert!(
        !all.contains("Sue") && !all.contains("Tom "),
        "a speaker-map name leaked:\n{quotes}"
    );
    // The extracts command redacts them too.
    let out = d
        .run(&["extracts", "--document", "ashford", "--format", "csv"])
        .ok();
    assert!(
        out.stdout.contains("[name] keeps us honest") && !out.stdout.contains("Sue"),
        "{}",
        out.stdout
    );
}

#[test]
fn redactions_apply_where_output_leaves_the_program_in_every_command() {
    // The audit: redactions applied in `agree` but not in `stats`, `triangulate` or `codebook`
    // output. A site named after a small village, a code defined with a manager's name.
    let d = Dir::project();
    d.write(
        "codebook.md",
        FIXTURE_CODEBOOK.replace("`funding` — money.", "`funding` — money, as Mrs Hughes put it."),
    );
    d.write(
        "redactions.csv",
        "term,replacement\nnorth,[site]\nHughes,[name]\ntakes time,[t]\n",
    );
    let stats = d.run(&["stats", "--by", "site"]).ok();
    assert!(
        stats.stdout.contains("[site]") && !stats.stdout.contains("north"),
        "{}",
        stats.stdout
    );
    let tri = d.run(&["triangulate", "--by", "site", "--format", "csv"]).ok();
    assert!(
        tri.stdout.contains("[site]") && !tri.stdout.contains("north"),
        "{}",
        tri.stdout
    );
    for format in ["table", "csv", "json"] {
        let book = d.run(&["codebook", "--format", format]).ok();
        assert!(
            book.stdout.contains("Mrs [name]") && !book.stdout.contains("Hughes"),
            "{format}: {}",
            book.stdout
        );
    }
    // The analyst may still ask for the words as written.
    let shown = d.run(&["extracts", "--code", "trust"]).ok();
    assert!(
        shown.stdout.contains("Trust [t]") && !shown.stdout.contains("takes time"),
        "{}",
        shown.stdout
    );
    let plain = d.run(&["extracts", "--code", "trust", "--unredacted"]).ok();
    assert!(plain.stdout.contains("Trust takes time."), "{}", plain.stdout);
}
