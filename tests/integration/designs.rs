//! Evaluation designs: document attributes (`documents.csv` and front matter), a person
//! interviewed in two waves, a field note with no participant, `--by` two attributes, and
//! `--where`. Every count below is worked out by hand from the fixture.

use crate::util::*;

fn fixture() -> Dir {
    let d = Dir::empty();
    d.write(
        "thematic.toml",
        "[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\n",
    );
    d.write(
        "participants.csv",
        "id,group,label,site\nA,staff,Staff A,north\nB,partner,Partner B,south\n",
    );
    d.write(
        "codebook.md",
        "# Relations\n- `trust` — trust.\n  - polarity: positive\n",
    );
    d.write(
        "transcripts/A-w1.txt",
        "---\nparticipant: A\nwave: 1\n---\nInterviewer: Q?\nR: Trust is good.\n",
    );
    d.write(
        "transcripts/A-w2.txt",
        "---\nparticipant: A\nwave: 2\n---\nInterviewer: Q?\nR: Trust is gone.\n",
    );
    d.write(
        "transcripts/B-w1.txt",
        "---\nparticipant: B\nwave: 1\n---\nInterviewer: Q?\nR: Trust is fine.\n",
    );
    d.write(
        "transcripts/notes.md",
        "---\nturns: false\nteam: red\n---\nObserved: trust was discussed at the meeting.\n",
    );
    d.write("documents.csv", "document,team\nA-w1,red\nA-w2,blue\nB-w1,blue\n");
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nA-w1,Trust is good.,trust\nA-w2,Trust is gone.,trust\nB-w1,Trust is fine.,trust\nnotes,trust was discussed,trust\n",
    );
    d
}

fn stats(d: &Dir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["stats", "--format", "csv"];
    all.extend_from_slice(args);
    let out = d.run(&all).ok();
    out.stdout.lines().skip(1).map(str::to_string).collect()
}

#[test]
fn a_person_in_two_waves_counts_once_per_wave_and_once_overall() {
    let d = fixture();
    assert_eq!(d.run(&["check"]).code, 0, "{:#?}", d.run(&["check"]));
    assert_eq!(stats(&d, &["--by", "all"]), ["code,trust,all,all,4,2,4"]);
    assert_eq!(
        stats(&d, &["--by", "wave"]),
        [
            "code,trust,wave,1,2,2,2",
            "code,trust,wave,2,1,1,1",
            "code,trust,wave,(none),1,0,1"
        ]
    );
    // N per wave: the participants who speak in that wave's documents.
    let out = d
        .run(&[
            "triangulate",
            "--by",
            "wave",
            "--level",
            "code",
            "--format",
            "csv",
        ])
        .ok();
    assert!(out.stdout.contains("code,trust,1,2,2,2,"), "{}", out.stdout);
    assert!(out.stdout.contains("code,trust,2,1,1,1,"), "{}", out.stdout);
}

#[test]
fn a_field_note_with_no_participant_counts_for_its_documents_attributes() {
    let d = fixture();
    assert_eq!(
        stats(&d, &["--by", "team"]),
        ["code,trust,team,blue,2,2,2", "code,trust,team,red,2,1,2"]
    );
    assert_eq!(
        stats(&d, &["--by", "source"]),
        [
            "code,trust,source,document,1,0,1",
            "code,trust,source,interview,3,2,3"
        ]
    );
    // By a participant attribute it counts for no one.
    assert_eq!(
        stats(&d, &["--by", "site"]),
        ["code,trust,site,north,2,1,2", "code,trust,site,south,1,1,1"]
    );
}

#[test]
fn two_attributes_cross_and_where_filters() {
    let d = fixture();
    assert_eq!(
        stats(&d, &["--by", "site,wave"]),
        [
            "code,trust,\"site,wave\",north / 1,1,1,1",
            "code,trust,\"site,wave\",north / 2,1,1,1",
            "code,trust,\"site,wave\",south / 1,1,1,1"
        ]
    );
    assert_eq!(
        stats(&d, &["--by", "group", "--where", "wave=1"]),
        ["code,trust,group,staff,1,1,1", "code,trust,group,partner,1,1,1"]
    );
    assert_eq!(
        stats(&d, &["--by", "all", "--where", "team!=red"]),
        ["code,trust,all,all,2,2,2"]
    );
    let out = d.run(&["stats", "--where", "wav=1"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no attribute `wav`") && out.stderr.contains("did you mean `wave`?"),
        "{out:#?}"
    );
    let out = d.run(&["stats", "--where", "wave"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("write KEY=VALUE"), "{out:#?}");
}

#[test]
fn document_attributes_in_two_places_must_agree() {
    let d = fixture();
    d.write(
        "documents.csv",
        "document,team,wave\nA-w1,red,2\nA-w9,blue,1\nB-w1,blue,\nB-w1,red,\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    let errors: Vec<&str> = out
        .problems()
        .into_iter()
        .filter(|p| p.starts_with("error"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: documents.csv:2: `wave` of `A-w1` is `2` here but `1` in its front matter (transcripts/A-w1.txt): keep one",
            "error: documents.csv:3: no document `A-w9` in the transcripts folder (did you mean `A-w1`?)",
            "error: documents.csv:5: a second row for `B-w1` (first on line 4)",
        ]
    );
}

#[test]
fn an_analysts_verdict_applies_only_to_its_comparison() {
    let d = fixture();
    d.write(
        "triangulation.csv",
        "row,verdict,note,by\ntrust,dissonance,waves differ,wave\ntrust,agreement,,\n",
    );
    let verdict = |by: &str| {
        let out = d
            .run(&["triangulate", "--by", by, "--level", "code", "--format", "csv"])
            .ok();
        out.stdout
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .skip(6)
            .take(3)
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(verdict("wave"), "dissonance,agreement,waves differ");
    assert_eq!(verdict("group"), "agreement,agreement,");
    assert_eq!(
        verdict("site"),
        "agreement,agreement,",
        "no override for site: the computed verdict"
    );
    d.write("triangulation.csv", "row,verdict,by\ntrust,partial,wav\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().iter().any(|p| p
            .starts_with("error: triangulation.csv:2: `by` names `wav`, which is no attribute")
            && p.ends_with("(did you mean `wave`?)")),
        "{out:#?}"
    );
}

#[test]
fn a_rows_own_polarity_changes_the_lean_and_the_verdict() {
    let d = fixture();
    let verdict = |d: &Dir| {
        let out = d.run(&["triangulate", "--level", "code", "--format", "csv"]).ok();
        out.stdout.lines().skip(1).map(str::to_string).collect::<Vec<_>>()
    };
    // `trust` is positive: staff (A) and partners (B) both lean positive.
    assert_eq!(
        verdict(&d),
        [
            "code,trust,staff,1,1,2,agreement,agreement,,2,0,2",
            "code,trust,partner,1,1,1,agreement,agreement,,1,0,1"
        ]
    );
    // B's passage is a barrier: the row says so, and the groups now lean opposite ways.
    d.write(
        "coding/amira.csv",
        "document,quote,codes,polarity\nA-w1,Trust is good.,trust,\nA-w2,Trust is gone.,trust,0\nB-w1,Trust is fine.,trust,-\nnotes,trust was discussed,trust,\n",
    );
    assert_eq!(
        verdict(&d),
        [
            "code,trust,staff,1,1,2,dissonance,dissonance,,1,0,1",
            "code,trust,partner,1,1,1,dissonance,dissonance,,0,1,-1"
        ]
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes,polarity\nA-w1,Trust is good.,trust,sideways\n",
    );
    let out = d.run(&["check"]);
    assert!(
        out.problems().contains(&"error: coding/amira.csv:2: polarity `sideways` is not +, - or 0 (positive, negative, neutral; empty: the code's own)"),
        "{out:#?}"
    );
}

#[test]
fn change_over_waves_emerged_faded_and_the_panel() {
    let d = fixture();
    d.write(
        "codebook.md",
        "# Relations\n- `trust` — trust.\n  - polarity: positive\n- `change` — change.\n- `past` — the past.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nA-w1,Trust is good.,trust;past\nA-w2,Trust is gone.,trust;change\nB-w1,Trust is fine.,trust\nnotes,trust was discussed,trust\n",
    );
    let out = d.run(&["stats", "--over", "wave", "--format", "csv"]).ok();
    // Wave 1: A and B speak (N = 2); wave 2: A only (N = 1). The panel (people in every wave):
    // A. The field note has no wave: left out.
    assert_eq!(
        out.stdout,
        "level,node,over,value,participants,of,references,panel,panel_of,trend\n\
code,trust,wave,1,2,2,2,1,1,steady\n\
code,trust,wave,2,1,1,1,1,1,steady\n\
code,change,wave,1,0,2,0,0,1,emerged\n\
code,change,wave,2,1,1,1,1,1,emerged\n\
code,past,wave,1,1,2,1,1,1,faded\n\
code,past,wave,2,0,1,0,0,1,faded\n"
    );
    let table = d.run(&["stats", "--over", "wave"]).ok().stdout;
    assert!(
        table.contains("trust   2/2 (2) 100%  1/1 (1) 100%  steady   1 → 1"),
        "{table}"
    );
    let svg = d.run(&["stats", "--over", "wave", "--format", "svg"]).ok().stdout;
    assert!(
        svg.starts_with("<svg") && svg.contains(">change</text>") && svg.contains(">2/2</text>"),
        "{svg}"
    );
    let out = d.run(&["stats", "--format", "svg"]);
    assert_eq!(out.code, 2);
}

#[test]
fn attributions_take_document_attributes() {
    let d = fixture();
    d.write(
        "thematic.toml",
        "[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\n\n[report]\nquotes_per_subtheme = 4\nattribution = \"({label}, {site}, wave {wave})\"\n",
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    assert!(md.contains("Trust is good. (Staff A, north, wave 1)"), "{md}");
    assert!(md.contains("Trust is gone. (Staff A, north, wave 2)"), "{md}");
}

#[test]
fn attribute_values_read_with_their_labels() {
    let d = fixture();
    d.write(
        "thematic.toml",
        "[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\n\n[labels.site]\nnorth = \"Northvale\"\nsouth = \"Southby\"\n\n[labels.wave]\n1 = \"2015\"\n",
    );
    let table = d.run(&["stats", "--by", "site,wave"]).ok().stdout;
    assert!(
        table.contains("Northvale / 2015")
            && table.contains("Southby / 2015")
            && table.contains("Northvale / 2"),
        "{table}"
    );
    // Files and scripts keep the values.
    let csv = d.run(&["stats", "--by", "site", "--format", "csv"]).ok().stdout;
    assert!(
        csv.contains(",site,north,") && !csv.contains("Northvale"),
        "{csv}"
    );
    let tri = d.run(&["triangulate", "--by", "site"]).ok().stdout;
    assert!(tri.lines().next().unwrap().contains("Northvale"), "{tri}");
    let over = d.run(&["stats", "--over", "wave"]).ok().stdout;
    assert!(over.starts_with("code   wave 2015     wave 2 "), "{over}");
    let matrix = d.run(&["matrix", "--rows", "site"]).ok().stdout;
    assert!(matrix.contains("\nNorthvale  "), "{matrix}");
    d.write("thematic.toml", "[labels.sitee]\nnorth = \"N\"\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().iter().any(|p| p.starts_with(
            "warning: thematic.toml:1: [labels.sitee] names no attribute (did you mean `site`?)"
        )),
        "{out:#?}"
    );
}

#[test]
fn where_filters_extracts_and_the_codebook_counts() {
    let d = fixture();
    let out = d
        .run(&[
            "extracts", "--code", "trust", "--where", "wave=2", "--format", "csv",
        ])
        .ok()
        .stdout;
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains(",A-w2,") && out.contains("Trust is gone."), "{out}");
    // The field note has no participant but has a team.
    let out = d
        .run(&[
            "extracts", "--code", "trust", "--where", "team=red", "--format", "csv",
        ])
        .ok()
        .stdout;
    assert_eq!(out.lines().count(), 3, "{out}");
    let out = d
        .run(&["codebook", "--counts", "--where", "site=south", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        out.contains("code,Relations,,trust,trust.,1,1,positive,,"),
        "{out}"
    );
}

#[test]
fn the_report_follows_the_design() {
    let d = fixture();
    d.write(
        "thematic.toml",
        "[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\n\n[report]\ncompare = [\"group\", \"site\"]\nover = \"wave\"\n\n[labels.site]\nnorth = \"Northvale\"\n",
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    assert!(
        md.contains("### By site\n\n| Theme | Northvale | south | Verdict |"),
        "{md}"
    );
    assert!(md.contains("## Change over time\n"), "{md}");
    assert!(
        md.contains("| Relations | 2/2 (2) 100% | 1/1 (1) 100% | steady | 1 → 1 |"),
        "{md}"
    );
    assert!(
        md.contains("- Participants per wave (people, not interviews): 1 2, 2 1.\n"),
        "{md}"
    );
    let files = d.files();
    assert!(
        files.contains(&"report/figures/over.svg".to_string())
            && files.contains(&"report/tables/over.csv".to_string())
    );
    // Values read with their labels, and what has no wave noted, as `stats --over` does.
    d.write(
        "thematic.toml",
        "[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\n\n[report]\nover = \"wave\"\n\n[labels.wave]\n1 = \"2015\"\n2 = \"2017\"\n",
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    assert!(md.contains("| theme | wave 2015 | wave 2017 | trend |"), "{md}");
    assert!(md.contains("Note: left out, no wave: notes\n"), "{md}");
    d.write("thematic.toml", "[report]\ncompare = [\"group\", \"sitee\"]\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().iter().any(|p| p
            .starts_with("error: thematic.toml:2: [report] compare names `sitee`, which is no attribute")),
        "{out:#?}"
    );
}

#[test]
fn field_notes_are_quoted_and_attributed_to_the_document() {
    let d = fixture();
    d.write(
        "thematic.toml",
        "[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\n\n[report]\nquotes_per_subtheme = 5\nattribution_document = \"(field notes, {team} team, {document})\"\n",
    );
    d.write(
        "transcripts/notes.md",
        "---\nturns: false\nteam: red\n---\nObserved: trust was discussed at length at the meeting by all.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nA-w1,Trust is good.,trust\nnotes,trust was discussed at length at the meeting by all.,trust\n",
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    assert!(
        md.contains("> trust was discussed at length at the meeting by all. (field notes, red team, notes)"),
        "{md}"
    );
    let quotes = d.read("report/tables/quotes.csv");
    assert!(quotes.contains(",notes,,,no,trust was discussed"), "{quotes}");
    d.write("thematic.toml", "[report]\nattribution_document = \"({teem})\"\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().iter().any(|p| p
            .contains("[report] attribution_document: unknown placeholder `{teem}`")
            && p.ends_with("(did you mean `team`?)")),
        "{out:#?}"
    );
}

#[test]
fn triangulate_over_waves_crosses_the_comparison_with_time() {
    let d = fixture();
    let over = d
        .run(&[
            "triangulate",
            "--over",
            "wave",
            "--level",
            "code",
            "--format",
            "csv",
        ])
        .ok()
        .stdout;
    let crossed = d
        .run(&[
            "triangulate",
            "--by",
            "group,wave",
            "--level",
            "code",
            "--format",
            "csv",
        ])
        .ok()
        .stdout;
    assert_eq!(over, crossed);
    assert!(
        over.contains("code,trust,staff / 1,1,1,1,") && over.contains("code,trust,staff / 2,1,1,1,"),
        "{over}"
    );
    assert_eq!(
        d.run(&["triangulate", "--by", "group,site", "--over", "wave"])
            .code,
        2
    );
}

/// Minutes whose `Present:`, `Apologies:` and `Action:` lines are not speakers, made plain text
/// by `documents.csv` (not front matter): regression for the column being refused there, and
/// read after the transcripts had been split into turns.
fn with_minutes(d: &Dir, turns: &str) {
    d.write(
        "transcripts/minutes.txt",
        "Present: Ann Lee, Bob Roy\nApologies: Cy Dean\nItem 1. Trust between the teams was discussed.\nAction: AL to circulate the trust paper.\nAction: BR to book the next meeting.\n",
    );
    d.write(
        "documents.csv",
        format!("document,team,turns\nA-w1,red,\nA-w2,blue,\nB-w1,blue,\nminutes,blue,{turns}\n"),
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nA-w1,Trust is good.,trust\nA-w2,Trust is gone.,trust\nB-w1,Trust is fine.,trust\nnotes,trust was discussed,trust\nminutes,Trust between the teams was discussed.,trust\nminutes,Action: AL to circulate the trust paper.,trust\n",
    );
}

#[test]
fn minutes_made_plain_text_in_documents_csv_count_by_team_with_no_participant() {
    let d = fixture();
    with_minutes(&d, "false");
    let out = d.run(&["check", "--strict"]);
    assert_eq!(out.code, 0, "{out:#?}");
    // blue: A-w2 (A), B-w1 (B) and the minutes' two passages (no one): 4 references, 2
    // participants, 3 documents. red: A-w1 (A) and the field note: 2, 1, 2.
    assert_eq!(
        stats(&d, &["--by", "team"]),
        ["code,trust,team,blue,4,2,3", "code,trust,team,red,2,1,2"]
    );
    // The minutes have no speaker: a document, like the field note (3 passages, 2 documents).
    assert_eq!(
        stats(&d, &["--by", "source"]),
        [
            "code,trust,source,document,3,0,2",
            "code,trust,source,interview,3,2,3"
        ]
    );
    // Read as turns, the same lines are speakers nobody knows.
    with_minutes(&d, "");
    let out = d.run(&["check"]);
    assert!(
        out.problems()
            .iter()
            .any(|p| p
                .starts_with("error: transcripts/minutes.txt:2: speaker `Apologies` maps to no participant")),
        "{out:#?}"
    );
    with_minutes(&d, "TRUE");
    assert_eq!(d.run(&["check"]).code, 1, "true splits turns as before");
}

#[test]
fn turns_takes_true_or_false_and_one_value() {
    let d = fixture();
    with_minutes(&d, "maybe");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.problems().contains(&"error: documents.csv:5: `turns` of `minutes` is `maybe`: write true or false (false reads the document as plain text, `Label:` lines and all)"),
        "{out:#?}"
    );
    // The field note's front matter says `turns: false`; documents.csv says otherwise.
    d.write("documents.csv", "document,team,turns\nA-w1,red,\nnotes,,true\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().contains(&"error: documents.csv:3: `turns` of `notes` is `true` here but `false` in its front matter (transcripts/notes.md): keep one"),
        "{out:#?}"
    );
    d.write("documents.csv", "document,team\nA-w1,red\n");
    d.write(
        "transcripts/notes.md",
        "---\nturns: no\nteam: red\n---\nObserved: trust was discussed at the meeting.\n",
    );
    let out = d.run(&["check"]);
    assert!(
        out.problems().contains(&"error: transcripts/notes.md:2: front matter `turns: no`: write true or false (false reads the document as plain text, `Label:` lines and all)"),
        "{out:#?}"
    );
}

/// The fixture with a second code: `change` on A-w1, A-w2 and the field note, not on B-w1.
fn two_codes() -> Dir {
    let d = fixture();
    d.write(
        "codebook.md",
        "# Relations\n- `trust` — trust.\n  - polarity: positive\n- `change` — change.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nA-w1,Trust is good.,trust;change\nA-w2,Trust is gone.,trust;change\nB-w1,Trust is fine.,trust\nnotes,trust was discussed,trust;change\n",
    );
    d
}

#[test]
fn where_filters_cooccurrence() {
    let d = two_codes();
    let pair = |args: &[&str]| {
        let mut all = vec!["cooccur", "--format", "csv"];
        all.extend_from_slice(args);
        d.run(&all).ok().stdout.lines().nth(1).unwrap().to_string()
    };
    // All four passages: trust 4, change 3, both 3: c = 3 / (4 + 3 - 3).
    assert_eq!(pair(&[]), "code,passage,trust,change,4,3,3,0.75");
    // Wave 1: A-w1 (both) and B-w1 (trust); the field note has no wave.
    assert_eq!(
        pair(&["--where", "wave=1"]),
        "code,passage,trust,change,2,1,1,0.5"
    );
    // Not wave 1: A-w2 and the field note (its blank wave is not 1).
    assert_eq!(pair(&["--where", "wave!=1"]), "code,passage,trust,change,2,2,2,1");
    // A participant attribute: B only.
    assert_eq!(
        pair(&["--where", "site=south"]),
        "code,passage,trust,change,1,0,0,0"
    );
    // By document: the field note counts for its team.
    assert_eq!(
        pair(&["--unit", "document", "--where", "team=red"]),
        "code,document,trust,change,2,2,2,1"
    );
}

#[test]
fn where_filters_saturation_and_it_orders_by_document_attributes() {
    let d = two_codes();
    let out = d
        .run(&[
            "saturation",
            "--base",
            "1",
            "--run",
            "1",
            "--order",
            "wave",
            "--where",
            "site=north",
            "--format",
            "csv",
        ])
        .ok();
    // A's two interviews in wave order: A-w1 brings both codes, A-w2 none.
    assert_eq!(
        out.stdout,
        "position,document,order,new_codes,cumulative_codes,part,run,run_new_codes,base_codes,ratio,at_or_below\n\
1,A-w1,1,2,2,base,,,,,\n\
2,A-w2,2,0,2,run,2-2,0,2,0,yes\n"
    );
    assert_eq!(out.stderr, "note: --where leaves out 2 documents\n");
    // `team` is set only in documents.csv (and the field note's front matter).
    let out = d.run(&["saturation", "--order", "team", "--format", "csv"]).ok();
    let order: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(order, ["blue", "blue", "red", "red"]);
}

#[test]
fn where_filters_the_map_and_a_rows_polarity_colours_it() {
    let d = two_codes();
    let map = |args: &[&str]| {
        let mut all = vec!["map", "--format", "mermaid"];
        all.extend_from_slice(args);
        d.run(&all).ok().stdout
    };
    let all = map(&[]);
    assert!(
        all.contains("k1(\"trust (4)\")") && all.contains("k2(\"change (3)\")") && all.contains("|\"0.75\"|"),
        "{all}"
    );
    // The red team: A-w1 and the field note, each coded with both.
    let red = map(&["--where", "team=red"]);
    assert!(
        red.contains("t0([\"Relations (2)\"])")
            && red.contains("k1(\"trust (2)\")")
            && red.contains("k2(\"change (2)\")")
            && red.contains("|\"1.00\"|"),
        "{red}"
    );
    // A-w2's passage is a barrier by its row: in wave 2 alone `trust` leans negative.
    d.write(
        "coding/amira.csv",
        "document,quote,codes,polarity\nA-w1,Trust is good.,trust;change,\nA-w2,Trust is gone.,trust;change,-\nB-w1,Trust is fine.,trust,\nnotes,trust was discussed,trust;change,\n",
    );
    assert!(map(&[]).contains("class k1 positive"));
    let w2 = map(&["--where", "wave=2"]);
    assert!(
        w2.contains("class k1 negative") && w2.contains("class k2 negative"),
        "{w2}"
    );
}

#[test]
fn where_filters_the_framework_matrix() {
    let d = two_codes();
    let matrix = |args: &[&str]| {
        let mut all = vec!["matrix", "--rows", "team", "--cols", "code", "--format", "csv"];
        all.extend_from_slice(args);
        d.run(&all).ok().stdout
    };
    // blue: A-w2 (A: both), B-w1 (B: trust); red: A-w1 (A: both), the field note (both).
    assert_eq!(
        matrix(&[]),
        "row,column,level,references,participants,summary\n\
blue,trust,code,2,2,\nblue,change,code,1,1,\nred,trust,code,2,1,\nred,change,code,2,1,\n"
    );
    assert_eq!(
        matrix(&["--where", "wave=1"]),
        "row,column,level,references,participants,summary\n\
blue,trust,code,1,1,\nblue,change,code,0,0,\nred,trust,code,1,1,\nred,change,code,1,1,\n"
    );
    // A summary of a row --where leaves out is not an error; one of no row is.
    d.write(
        "summaries.csv",
        "row,column,summary\nred,trust,Red trusts\nblue,trust,Blue trusts\n",
    );
    let out = matrix(&["--where", "team=red", "--cell", "summary"]);
    assert!(
        out.contains("red,trust,code,2,1,Red trusts") && !out.contains("blue"),
        "{out}"
    );
    d.write("summaries.csv", "row,column,summary\nyellow,trust,x\n");
    let out = d.run(&["matrix", "--rows", "team", "--where", "team=red"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("summaries.csv:2: `yellow` is no row of this matrix"),
        "{out:#?}"
    );
}

#[test]
fn where_names_an_unknown_attribute_in_every_command() {
    let d = two_codes();
    for command in [
        "stats",
        "triangulate",
        "extracts",
        "codebook",
        "cooccur",
        "saturation",
        "map",
        "matrix",
    ] {
        let out = d.run(&[command, "--where", "wav=1"]);
        assert_eq!(out.code, 2, "{command}: {out:#?}");
        assert!(
            out.stderr.contains("no attribute `wav`: use one of group, participant, document, site, source, team, wave (did you mean `wave`?)"),
            "{command}: {out:#?}"
        );
    }
}

#[test]
fn paired_case_studies_compare_case_by_case() {
    // Two boroughs, a health and a council manager interviewed in each; `case` is a
    // documents.csv column.
    let d = Dir::empty();
    d.write(
        "thematic.toml",
        "[groups]\nhealth = \"Health\"\ncouncil = \"Council\"\n",
    );
    d.write(
        "participants.csv",
        "id,group\nH1,health\nC1,council\nH2,health\nC2,council\n",
    );
    d.write(
        "codebook.md",
        "# Joint work\n- `trust` — trust.\n  - polarity: positive\n- `budget` — pooled budgets.\n",
    );
    for (id, words) in [
        ("H1", "We trust them."),
        ("C1", "Trust took years. The pooled budget helps."),
        ("H2", "Trust is there."),
        ("C2", "We meet monthly."),
    ] {
        d.write(
            &format!("transcripts/{id}.txt"),
            format!("Interviewer: Q?\nR: {words}\n"),
        );
    }
    d.write(
        "documents.csv",
        "document,case\nH1,Northby\nC1,Northby\nH2,Southby\nC2,Southby\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nH1,We trust them.,trust\nC1,Trust took years.,trust\nC1,The pooled budget helps.,budget\nH2,Trust is there.,trust\n",
    );
    assert_eq!(d.run(&["check"]).code, 0);
    let rows = |by: &str| {
        d.run(&["triangulate", "--by", by, "--level", "code", "--format", "csv"])
            .ok()
            .stdout
            .lines()
            .skip(1)
            .map(|l| l.split(',').take(7).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    // Northby: both managers on trust (2/2), C1 on budget (1/2); Southby: H2 on trust (1/2),
    // nobody on budget. 1/2 is not under half of 2/2: agreement; budget is silent in Southby.
    assert_eq!(
        rows("case"),
        [
            "code,trust,Northby,2,2,2,agreement",
            "code,trust,Southby,1,2,1,agreement",
            "code,budget,Northby,1,2,1,silence",
            "code,budget,Southby,0,2,0,silence",
        ]
    );
    // Document by document (one interview each, in id order): N is its one speaker.
    assert_eq!(
        rows("document")[..4],
        [
            "code,trust,C1,1,1,1,silence",
            "code,trust,C2,0,1,0,silence",
            "code,trust,H1,1,1,1,silence",
            "code,trust,H2,1,1,1,silence",
        ]
    );
    // Crossed with the group: who says what within each case (C2 is silent on trust).
    assert_eq!(
        rows("case,group")[..4],
        [
            "code,trust,Northby / health,1,1,1,silence",
            "code,trust,Northby / council,1,1,1,silence",
            "code,trust,Southby / health,1,1,1,silence",
            "code,trust,Southby / council,0,1,0,silence",
        ]
    );
}

#[test]
fn stats_prints_each_values_n_and_over_notes_what_has_no_value() {
    let d = fixture();
    // Waves: A and B speak in wave 1, A in wave 2, nobody in the field note.
    let table = d.run(&["stats", "--by", "wave"]).ok().stdout;
    assert!(
        table.ends_with("\nnote: N per wave (the participants who speak in documents with each value): 1 = 2, 2 = 1, (none) = 0\n"),
        "{table}"
    );
    let table = d.run(&["stats", "--by", "site", "--format", "md"]).ok().stdout;
    assert!(
        table.ends_with("\nNote: N per site (the participants with each value): north = 1, south = 1\n"),
        "{table}"
    );
    // The field note has no wave: change over waves leaves it out, and says so.
    let table = d.run(&["stats", "--over", "wave"]).ok().stdout;
    assert!(table.ends_with("\nnote: left out, no wave: notes\n"), "{table}");
    let out = d.run(&["stats", "--over", "wave", "--format", "csv"]).ok();
    assert_eq!(out.stderr, "note: left out, no wave: notes\n");
}
