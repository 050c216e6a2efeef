//! `thematic extracts` on the hand-counted fixture: nodes, boolean retrieval on overlapping
//! passages, filters, context and redactions. Positions are worked out by hand from the
//! fixture's S1 transcript:
//! `Interviewer: What works?\nR: We share values. Communication is good.\n\nInterviewer: And
//! trust?\nR: Trust takes time.\n` (We share values. = 28..44, Communication is good. = 45..67,
//! Trust takes time. = 96..113).

use crate::util::*;

const HEADER: &str = "node,level,document,line,start,end,participant,label,group,coder,codes,memo,text\n";

fn csv(d: &Dir, args: &[&str]) -> String {
    let mut all = vec!["extracts", "--format", "csv"];
    all.extend_from_slice(args);
    d.run(&all).ok().stdout
}

#[test]
fn extracts_of_a_code_in_document_order_with_every_coder_in_the_findings() {
    let d = Dir::project();
    assert_eq!(
        csv(&d, &["--code", "trust"]),
        format!(
            "{HEADER}\
trust,code,S1,2,45,67,S1,Staff 1,staff,amira,communication;trust,,Communication is good.\n\
trust,code,S1,5,96,113,S1,Staff 1,staff,amira,trust,,Trust takes time.\n\
trust,code,S1,5,96,113,S1,Staff 1,staff,ben,trust;communication,,Trust takes time.\n\
trust,code,U1,3,42,59,U1,Service user 1,service_user,amira,trust,,Trust takes time.\n\
trust,code,focus,3,84,119,P2,Partner 2,partner,amira,funding;trust,,\"Funding is short, and trust is low.\"\n"
        )
    );
    // With `[coding] analysis`, only amira's coding; --coder picks any sheet.
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[coding]\nanalysis = [\"amira\"]\n"),
    );
    assert!(!csv(&d, &["--code", "trust"]).contains(",ben,"));
    assert_eq!(
        csv(&d, &["--code", "trust", "--coder", "ben"]),
        format!(
            "{HEADER}trust,code,S1,5,96,113,S1,Staff 1,staff,ben,trust;communication,,Trust takes time.\n"
        )
    );
}

#[test]
fn all_of_gives_the_text_coded_with_both_across_coders() {
    let d = Dir::project();
    // amira codes "Communication is good." with both; "Trust takes time." has trust from amira
    // and ben and communication from ben: their overlap is one extract of both coders.
    assert_eq!(
        csv(&d, &["--all-of", "trust,communication"]),
        format!(
            "{HEADER}\
trust & communication,all-of,S1,2,45,67,S1,Staff 1,staff,amira,trust;communication,,Communication is good.\n\
trust & communication,all-of,S1,5,96,113,S1,Staff 1,staff,amira;ben,trust;communication,,Trust takes time.\n"
        )
    );
    // A partial overlap gives only the shared words.
    d.write(
        "coding/ben.csv",
        "document,quote,codes\nS1,values. Communication,trust\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nS1,We share values.,shared-values\n",
    );
    assert_eq!(
        csv(&d, &["--all-of", "shared-values,trust"]),
        format!("{HEADER}shared-values & trust,all-of,S1,2,37,44,S1,Staff 1,staff,amira;ben,shared-values;trust,,values.\n")
    );
    let out = d.run(&["extracts", "--all-of", "trust"]);
    assert_eq!(out.code, 2);
}

#[test]
fn not_leaves_out_passages_that_overlap_another_code() {
    let d = Dir::project();
    let out = csv(&d, &["--code", "trust", "--not", "communication"]);
    assert_eq!(
        out,
        format!(
            "{HEADER}\
trust,code,U1,3,42,59,U1,Service user 1,service_user,amira,trust,,Trust takes time.\n\
trust,code,focus,3,84,119,P2,Partner 2,partner,amira,funding;trust,,\"Funding is short, and trust is low.\"\n"
        )
    );
}

#[test]
fn filters_by_group_participant_alias_document_and_theme() {
    let d = Dir::project();
    let rows = |args: &[&str]| csv(&d, args).lines().count() - 1;
    assert_eq!(rows(&["--code", "trust", "--group", "service_user"]), 1);
    assert_eq!(
        rows(&["--code", "trust", "--group", "Service users"]),
        1,
        "a group's label works"
    );
    assert_eq!(
        rows(&["--code", "shared-values", "--participant", "Jo Bloggs"]),
        1,
        "an alias works"
    );
    assert_eq!(rows(&["--code", "trust", "--document", "S1"]), 3);
    // The theme holds shared-values, trust and communication: 9 coded rows carry one of them
    // (7 of amira's, 2 of ben's), each listed once.
    assert_eq!(rows(&["--theme", "relationships"]), 9);
    assert_eq!(rows(&["--category", "Talk"]), 2);
    let out = d.run(&["extracts", "--code", "trsut"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: unknown code `trsut` (did you mean `trust`?)\n")
    );
    let out = d.run(&["extracts", "--group", "staf"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean `staff`?"), "{out:#?}");
}

#[test]
fn context_words_around_an_extract_stop_at_the_document_edges() {
    let d = Dir::project();
    let out = csv(
        &d,
        &[
            "--code",
            "shared-values",
            "--document",
            "S1",
            "--context",
            "2",
            "--coder",
            "amira",
        ],
    );
    assert_eq!(
        out,
        format!("{}\
shared-values,code,S1,2,28,44,S1,Staff 1,staff,amira,shared-values,,We share values.,\"works?\nR: \", Communication is\n", HEADER.replace("text\n", "text,before,after\n"))
    );
    // At the end of the document there is nothing after.
    let out = csv(&d, &["--code", "kindness", "--context", "3"]);
    assert!(out.ends_with(",Staff were kind.,Trust takes time. ,\n"), "{out}");
    let table = d
        .run(&[
            "extracts",
            "--code",
            "shared-values",
            "--document",
            "S1",
            "--context",
            "2",
        ])
        .ok()
        .stdout;
    assert!(
        table.contains("\"…works? R: [We share values.] Communication is…\""),
        "{table}"
    );
}

#[test]
fn extracts_are_redacted_unless_asked_and_the_interviewer_is_no_participant() {
    let d = Dir::project();
    d.write("redactions.csv", "term,replacement\nvalues with,[redacted]\n");
    d.write(
        "coding/amira.csv",
        format!("{FIXTURE_AMIRA}focus,Tell me about values.,shared-values,\nfocus,We share values with them.,trust,\n"),
    );
    let out = csv(&d, &["--code", "shared-values", "--document", "focus"]);
    assert!(
        out.contains("shared-values,code,focus,1,13,34,,,,amira,shared-values,,Tell me about values.\n"),
        "{out}"
    );
    assert!(out.contains(",We share [redacted] them.\n"), "{out}");
    let table = d
        .run(&["extracts", "--code", "shared-values", "--document", "focus"])
        .ok()
        .stdout;
    assert!(table.contains("(no participant)"), "{table}");
    let raw = csv(
        &d,
        &["--code", "shared-values", "--document", "focus", "--unredacted"],
    );
    assert!(raw.contains(",We share values with them.\n"), "{raw}");
    // Names people are known by are replaced too, even across the edge of the context.
    d.write("transcripts/focus.md", "Facilitator: Tell me about values.\nJo Bloggs: We share values with them.\nPartner 2: Funding is short, and trust is low. Jo Bloggs helps.\n");
    let out = csv(
        &d,
        &["--code", "funding", "--document", "focus", "--context", "2"],
    );
    assert!(!out.contains("Jo") && !out.contains("Bloggs"), "{out}");
}

#[test]
fn markdown_groups_theme_category_and_code_for_a_review_meeting() {
    let d = Dir::project();
    let md = d
        .run(&[
            "extracts",
            "--theme",
            "Relationships",
            "--code",
            "funding",
            "--format",
            "md",
        ])
        .ok()
        .stdout;
    assert!(md.starts_with("# Resources\n\n### `funding` (2 extracts)\n\n> Funding is short. (Staff 2)\n>\n> — S2:7, funding; coded by amira\n"), "{md}");
    assert!(md.contains("\n# Relationships\n\n*9 extracts*\n\n> "), "{md}");
    assert!(
        md.contains("> Trust takes time. (Service user 1)\n>\n> — U1:3, trust; coded by amira\n"),
        "{md}"
    );
}
