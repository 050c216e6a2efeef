//! `thematic search` on the hand-counted fixture plus one interview written for it (P2's):
//! stemming, phrases, boolean operators, prefixes, apostrophes, filters, `--code` and
//! `--uncoded`, keyword-in-context at the edges, interviewer hits, and the index following
//! the files (edits, new sheets, deleted documents, a damaged or foreign index).

use crate::util::*;

const P2: &str = "Interviewer: Tell me about referrals.\nR: Our referral went nowhere. Referrals vanish; they don\u{2019}t come back.\nI refer people weekly. The referee? No.\n";

fn fixture() -> Dir {
    let d = Dir::project();
    d.write("transcripts/P2.txt", P2);
    d
}

/// `document:line label match` of each hit, from the CSV records.
fn hits(d: &Dir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = d.run(&all).ok();
    let records: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).expect("json");
    records
        .iter()
        .map(|r| {
            format!(
                "{}:{} {} {}",
                r["document"].as_str().unwrap(),
                r["line"],
                r["label"].as_str().unwrap(),
                r["match"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn words_are_stemmed_and_case_does_not_matter() {
    let d = fixture();
    let expected = [
        "P2:1 Interviewer referrals",
        "P2:2 Partner 2 referral",
        "P2:2 Partner 2 Referrals",
    ];
    assert_eq!(hits(&d, &["referral"]), expected);
    assert_eq!(hits(&d, &["REFERRALS"]), expected);
}

#[test]
fn prefixes_match_the_start_of_words_unstemmed() {
    let d = fixture();
    assert_eq!(
        hits(&d, &["refer*"]),
        [
            "P2:1 Interviewer referrals",
            "P2:2 Partner 2 referral",
            "P2:2 Partner 2 Referrals",
            "P2:3 Partner 2 refer",
            "P2:3 Partner 2 referee",
        ]
    );
}

#[test]
fn phrases_match_words_in_order() {
    let d = fixture();
    assert_eq!(
        hits(&d, &["\"share values\""]),
        [
            "S1:2 Staff 1 share values",
            "S2:7 Staff 2 share values",
            "focus:2 Partner 1 share values"
        ]
    );
    assert_eq!(hits(&d, &["\"values share\""]), Vec::<String>::new());
}

#[test]
fn boolean_operators_and_parentheses() {
    let d = fixture();
    // Turns with "trust" but not "time": the interviewer's question in S1 and Partner 2.
    let expected = ["S1:4 Interviewer trust", "focus:3 Partner 2 trust"];
    assert_eq!(hits(&d, &["trust AND NOT time"]), expected);
    assert_eq!(hits(&d, &["trust -time"]), expected);
    assert_eq!(
        hits(&d, &["(trust OR funding) group:partner"]),
        ["focus:3 Partner 2 Funding", "focus:3 Partner 2 trust"]
    );
    assert_eq!(
        hits(&d, &["kind OR weekly"]),
        ["P2:3 Partner 2 weekly", "U1:3 Service user 1 kind"]
    );
}

#[test]
fn typographic_and_straight_apostrophes_match_alike() {
    let d = fixture();
    assert_eq!(
        hits(&d, &["\"don't come\""]),
        ["P2:2 Partner 2 don\u{2019}t come"]
    );
    assert_eq!(hits(&d, &["\"don\u{2019}t\""]), ["P2:2 Partner 2 don\u{2019}t"]);
}

#[test]
fn filters_by_group_participant_alias_and_document() {
    let d = fixture();
    assert_eq!(
        hits(&d, &["values", "--participant", "Jo Bloggs"]),
        ["focus:2 Partner 1 values"]
    );
    assert_eq!(
        hits(&d, &["values participant:\"jo bloggs\""]),
        ["focus:2 Partner 1 values"]
    );
    assert_eq!(
        hits(&d, &["trust", "--group", "Service users"]),
        ["U1:3 Service user 1 Trust"]
    );
    assert_eq!(hits(&d, &["values", "--document", "S2"]), ["S2:7 Staff 2 values"]);
    assert_eq!(hits(&d, &["values document:S2"]), ["S2:7 Staff 2 values"]);
}

#[test]
fn code_keeps_only_coded_text_and_uncoded_only_what_nobody_coded() {
    let d = fixture();
    // amira codes trust on S1's "Trust takes time.", Partner 2's funding line and U1's
    // "Trust takes time."; the interviewer's "And trust?" is coded by nobody.
    assert_eq!(
        hits(&d, &["trust", "--code", "trust"]),
        [
            "S1:5 Staff 1 Trust",
            "U1:3 Service user 1 Trust",
            "focus:3 Partner 2 trust"
        ]
    );
    assert_eq!(
        hits(&d, &["trust code:trust"]),
        hits(&d, &["trust", "--code", "trust"])
    );
    assert_eq!(hits(&d, &["trust", "--uncoded"]), ["S1:4 Interviewer trust"]);
    assert_eq!(
        hits(&d, &["referral", "--uncoded"]).len(),
        3,
        "P2 is not coded at all"
    );
}

#[test]
fn keyword_in_context_stops_at_the_edges_of_the_turn() {
    let d = fixture();
    let out = d
        .run(&["search", "time", "--context", "2", "--format", "csv"])
        .ok();
    assert_eq!(
        out.stdout,
        "document,line,start,end,participant,label,group,left,match,right,codes\n\
S1,5,108,112,S1,Staff 1,staff,Trust takes ,time,.,communication;trust\n\
U1,3,54,58,U1,Service user 1,service_user,Trust takes ,time,. Staff,trust\n"
    );
    let table = d.run(&["search", "time", "--context", "2"]).ok().stdout;
    assert_eq!(
        table.lines().take(2).collect::<Vec<_>>(),
        [
            "S1:5  (Staff 1)         Trust takes [time].",
            "U1:3  (Service user 1)  Trust takes [time]. Staff…"
        ]
    );
}

#[test]
fn the_interviewers_words_are_marked() {
    let d = fixture();
    let table = d.run(&["search", "referral"]).ok().stdout;
    assert!(
        table.lines().next().unwrap().starts_with("P2:1  [Interviewer]"),
        "{table}"
    );
    assert!(table.contains("marks words no participant said"), "{table}");
    let out = d.run(&["search", "referral", "--format", "csv"]).ok().stdout;
    assert!(out.contains("\nP2,1,27,36,,Interviewer,,"), "{out}");
}

#[test]
fn count_gives_hits_per_document_and_group() {
    let d = fixture();
    let out = d
        .run(&["search", "values OR trust", "--count", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        out,
        "by,value,hits\ndocument,S1,3\ndocument,S2,1\ndocument,U1,1\ndocument,focus,3\n\
group,staff,3\ngroup,partner,2\ngroup,service_user,1\ngroup,(no participant),2\n"
    );
}

#[test]
fn the_index_follows_edits_new_sheets_and_deleted_documents() {
    let d = fixture();
    assert_eq!(hits(&d, &["funding"]).len(), 2);
    assert!(d.join(".thematic/index").is_dir());
    assert_eq!(d.read(".thematic/.gitignore").lines().last(), Some("*"));
    // An edited transcript: the old word is gone, the new one found.
    d.write(
        "transcripts/S2.md",
        "---\nparticipant: S2\n---\n\n**Interviewer:** What works?\n\n**Staff 2:** Money is short. We share values too.\n",
    );
    d.write(
        "coding/amira.csv",
        FIXTURE_AMIRA.replace("S2,Funding is short.,funding,\n", ""),
    );
    assert_eq!(hits(&d, &["funding"]), ["focus:3 Partner 2 Funding"]);
    assert_eq!(hits(&d, &["money"]), ["S2:7 Staff 2 Money"]);
    // A new sheet: its coding counts for --code at once.
    assert_eq!(hits(&d, &["money", "--code", "funding"]), Vec::<String>::new());
    d.write(
        "coding/carol.csv",
        "document,quote,codes\nS2,Money is short.,funding\n",
    );
    assert_eq!(hits(&d, &["money", "--code", "funding"]), ["S2:7 Staff 2 Money"]);
    // A deleted document leaves no hit behind.
    d.remove("transcripts/P2.txt");
    assert_eq!(hits(&d, &["referral"]), Vec::<String>::new());
    d.write("transcripts/P2.txt", P2);
    assert_eq!(hits(&d, &["referral"]).len(), 3);
}

#[test]
fn a_damaged_or_foreign_index_is_rebuilt_without_an_error() {
    let d = fixture();
    let expected = hits(&d, &["trust"]);
    // Truncate every file of the index.
    for e in std::fs::read_dir(d.join(".thematic/index")).unwrap().flatten() {
        if e.path().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            std::fs::write(e.path(), &bytes[..bytes.len() / 2]).unwrap();
        }
    }
    let out = d.run(&["search", "trust", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(hits(&d, &["trust"]), expected);
    // A manifest from another version of thematic.
    let manifest = d.read(".thematic/search.json");
    d.write(
        ".thematic/search.json",
        manifest.replace("\"thematic\":\"", "\"thematic\":\"0.0.0-"),
    );
    assert_eq!(hits(&d, &["trust"]), expected);
    // Garbage where the manifest was.
    d.write(".thematic/search.json", "{not json");
    assert_eq!(hits(&d, &["trust"]), expected);
    // No cache at all.
    d.remove(".thematic");
    assert_eq!(hits(&d, &["trust"]), expected);
}

#[test]
fn hits_are_redacted_unless_asked() {
    let d = fixture();
    d.write("redactions.csv", "term,replacement\nvalues with,[redacted]\n");
    d.write(
        "transcripts/S2.md",
        "---\nparticipant: S2\n---\n\n**Staff 2:** Jo Bloggs shares values too.\n",
    );
    let out = d.run(&["search", "values", "--format", "csv"]).ok().stdout;
    assert!(
        out.contains("[redacted]") && !out.contains("values with"),
        "{out}"
    );
    assert!(
        out.contains(",[name] shares ,values,") && !out.contains("Jo Bloggs"),
        "{out}"
    );
    let raw = d
        .run(&["search", "values", "--format", "csv", "--unredacted"])
        .ok()
        .stdout;
    assert!(raw.contains("Jo Bloggs shares "), "{raw}");
}

#[test]
fn a_query_that_cannot_be_read_says_why() {
    let d = fixture();
    for (q, message) in [
        ("(trust", "error: a `(` has no matching `)`\n"),
        (
            "\"open",
            "error: the phrase opened at character 1 has no closing quote\n",
        ),
        ("...", "error: `...` has no letters or digits to search for\n"),
    ] {
        let out = d.run(&["search", q]);
        assert_eq!((out.code, out.stderr.as_str()), (2, message), "{q}");
    }
}
