//! The command line itself: help, exit codes, `init`, `codebook`.

use crate::util::{run_in, Dir};

#[test]
fn help_lists_every_command() {
    let d = Dir::empty();
    let out = run_in(d.path(), &["--help"]).ok();
    for cmd in ["init", "check", "code", "codebook", "stats"] {
        assert!(
            out.stdout.contains(&format!("\n  {cmd}")),
            "{cmd} missing:\n{}",
            out.stdout
        );
    }
    let out = run_in(d.path(), &["stats", "--help"]).ok();
    assert!(out.stdout.contains("--by <BY>"), "{}", out.stdout);
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::empty();
    assert_eq!(run_in(d.path(), &["frobnicate"]).code, 2);
    assert_eq!(run_in(d.path(), &["stats", "--level", "sentence"]).code, 2);
}

#[test]
fn init_makes_a_folder_that_checks_clean() {
    let d = Dir::empty();
    let out = run_in(d.path(), &["init", "eval", "--codebook", "starter"]).ok();
    assert!(
        out.stdout.contains("created participants.csv, codebook.md"),
        "{}",
        out.stdout
    );
    let eval = d.path().join("eval");
    for f in [
        "thematic.toml",
        "participants.csv",
        "codebook.md",
        "redactions.csv",
    ] {
        assert!(eval.join(f).is_file(), "{f}");
    }
    let out = run_in(&eval, &["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let out = run_in(&eval, &["codebook"]).ok();
    assert!(
        out.stdout
            .starts_with("Implementation\n  Set-up and delivery\n    delivery-as-planned — "),
        "{}",
        out.stdout
    );
    // A second init refuses, and leaves the folder as it was.
    let out = run_in(d.path(), &["init", "eval"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("already holds an analysis folder"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_project_is_found_upwards() {
    let d = Dir::project();
    let out = run_in(&d.join("transcripts"), &["stats", "--format", "csv"]).ok();
    assert!(out.stdout.contains("code,trust,all,all,4,3,3"), "{}", out.stdout);
}

#[test]
fn codebook_tree_with_counts() {
    let out = Dir::project().run(&["codebook", "--counts"]).ok();
    assert_eq!(
        out.stdout,
        "Relationships          7 refs    5 participants\n  Values               7 refs    5 participants\n    shared-values      3 refs    3 participants\n    trust              4 refs    3 participants\n  Talk                 2 refs    1 participants\n    communication      2 refs    1 participants\nResources              2 refs    2 participants\n  funding              2 refs    2 participants\n(unsorted)             1 refs    1 participants\n  kindness             1 refs    1 participants\n"
    );
    let out = Dir::project().run(&["codebook", "--format", "csv"]).ok();
    assert!(out.stdout.starts_with("level,theme,category,code,definition,polarity,search,regex\ntheme,Relationships,,,,,,\ncategory,Relationships,Values,,,,,\ncode,Relationships,Values,shared-values,values that fit.,positive,,\n"), "{}", out.stdout);
}

#[test]
fn completions_for_every_shell_know_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run_in(std::path::Path::new("."), &["completions", shell]).ok();
        for sub in ["extracts", "search", "autocode", "report"] {
            assert!(out.stdout.contains(sub), "{shell} completions lack {sub}");
        }
    }
    let out = run_in(std::path::Path::new("."), &["completions", "tcsh"]);
    assert_eq!(out.code, 2);
}

#[test]
fn the_manual_page_has_a_page_per_subcommand() {
    let out = run_in(std::path::Path::new("."), &["man"]).ok();
    assert!(out.stdout.contains(".TH thematic 1"), "{}", &out.stdout[..200]);
    for sub in ["check", "search", "extracts", "autocode", "report"] {
        assert!(
            out.stdout.contains(&format!(".TH thematic-{sub} 1")),
            "no page for {sub}"
        );
    }
    assert!(
        out.stdout.contains("stemmed"),
        "the search page carries the query language"
    );
}
