//! `thematic diff` between commits of a repository made in the test, one commit per kind of
//! change, and the Markdown of the whole history as a snapshot (`UPDATE_SNAPSHOTS=1` rewrites
//! it).

use crate::gitrepo::{commit_all, git, init_repo};
use crate::util::{Dir, Output};
use serde_json::Value;

/// The standard project in a repository, with one commit per change: `c1` the base, then a
/// coding added and one removed (`c2`), `trust` renamed (`c3`), `communication` moved to
/// another category (`c4`), `communication` merged into `trust-building` (`c5`), and a code
/// added to the codebook (`c6`).
fn history() -> Dir {
    let d = Dir::project();
    init_repo(&d);
    git(d.path(), &["tag", "c1"]).ok();
    let sheet = d.read("coding/amira.csv");
    let sheet =
        sheet.replace("S1,Trust takes time.,trust,\n", "") + "focus,We share values with them.,trust,\n";
    d.write("coding/amira.csv", sheet);
    commit_all(&d, "c2");
    git(d.path(), &["tag", "c2"]).ok();
    d.run(&["codebook", "rename", "trust", "trust-building"]).ok();
    commit_all(&d, "c3");
    git(d.path(), &["tag", "c3"]).ok();
    let book = d.read("codebook.md");
    let book = book
        .replace("## Talk\n- `communication` — keeping in touch.\n\n", "")
        .replace(
            "# Resources\n",
            "# Resources\n- `communication` — keeping in touch.\n",
        );
    d.write("codebook.md", book);
    commit_all(&d, "c4");
    git(d.path(), &["tag", "c4"]).ok();
    d.run(&["codebook", "merge", "communication", "trust-building"])
        .ok();
    commit_all(&d, "c5");
    git(d.path(), &["tag", "c5"]).ok();
    let book = d.read("codebook.md") + "- `staffing` — having enough staff.\n";
    d.write("codebook.md", book);
    commit_all(&d, "c6");
    git(d.path(), &["tag", "c6"]).ok();
    d
}

fn json(d: &Dir, args: &[&str]) -> Value {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out: Output = d.run(&all).ok();
    serde_json::from_str(&out.stdout).expect("JSON")
}

#[test]
fn each_kind_of_change_is_named() {
    let d = history();
    let v = json(&d, &["c1", "c2"]);
    assert_eq!(v["codes"], serde_json::json!([]));
    assert_eq!(
        v["codings"],
        serde_json::json!([{"code": "trust", "coder": "amira", "added": 1, "removed": 1}])
    );
    let counts = v["counts"].as_array().unwrap();
    assert!(
        counts.iter().any(|c| c["level"] == "code"
            && c["node"] == "trust"
            && c["group"] == "partner"
            && c["references"] == serde_json::json!([1, 2])),
        "{counts:#?}"
    );

    let v = json(&d, &["c2", "c3"]);
    assert_eq!(
        v["codes"],
        serde_json::json!([{"change": "renamed", "from": "trust", "to": "trust-building"}])
    );
    assert_eq!(v["codings"], serde_json::json!([]), "a rename moves no coding");
    assert_eq!(v["counts"], serde_json::json!([]), "a rename changes no count");

    let v = json(&d, &["c3", "c4"]);
    assert_eq!(
        v["codes"],
        serde_json::json!([{"change": "moved", "code": "communication", "from": "Relationships > Talk", "to": "Resources"}])
    );
    assert!(!v["counts"].as_array().unwrap().is_empty());

    let v = json(&d, &["c4", "c5"]);
    assert_eq!(
        v["codes"],
        serde_json::json!([{"change": "merged", "from": "communication", "into": "trust-building"}])
    );

    let v = json(&d, &["c5", "c6"]);
    assert_eq!(
        v["codes"],
        serde_json::json!([{"change": "added", "code": "staffing", "place": "Resources"}])
    );
    assert_eq!(v["counts"], serde_json::json!([]));
}

#[test]
fn verdicts_and_quotes_that_changed() {
    let d = history();
    // Service user 1 loses the only Resources coding... give them one: the theme's verdict
    // moves from silence to another, and a quote enters the report.
    let sheet = d.read("coding/amira.csv") + "U1,Staff were kind.,funding,\n";
    d.write("coding/amira.csv", sheet);
    let v = json(&d, &["HEAD"]);
    assert_eq!(v["to"], "working tree");
    let verdicts = v["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 1, "{verdicts:#?}");
    assert_eq!(verdicts[0]["node"], "Resources");
    assert_eq!(verdicts[0]["before"], "silence");
    let quotes = v["quotes"].as_array().unwrap();
    assert!(
        quotes
            .iter()
            .any(|q| q["entered"] == true && q["document"] == "U1" && q["quote"] == "Staff were kind."),
        "{quotes:#?}"
    );
}

#[test]
fn the_whole_history_in_markdown_matches_the_snapshot() {
    let d = history();
    let md = d.run(&["diff", "c1", "c6", "--format", "md"]).ok().stdout;
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots/diff.md");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &md).unwrap();
    }
    let expected =
        std::fs::read_to_string(&snapshot).expect("snapshot exists (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(
        md, expected,
        "the diff differs from the snapshot; review and rerun with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn no_change_and_the_working_tree_is_left_alone() {
    let d = history();
    let before = d.files();
    let out = d.run(&["diff"]).ok();
    assert!(out.stdout.contains("No change"), "{}", out.stdout);
    assert_eq!(d.files(), before, "diff leaves nothing behind");
    assert_eq!(git(d.path(), &["status", "--porcelain"]).stdout, "");
}

#[test]
fn a_revision_that_is_not_a_commit_exits_2_in_plain_words() {
    let d = history();
    let out = d.run(&["diff", "nonsense"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`nonsense` is not a commit of the repository"),
        "{}",
        out.stderr
    );
    let plain = Dir::project();
    let out = plain.run(&["diff"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not in a git repository"),
        "{}",
        out.stderr
    );
}
