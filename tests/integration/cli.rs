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

/// A duplicate participant id: an error of participants.csv, on line 7.
fn project_with_an_error() -> Dir {
    let d = Dir::project();
    d.write(
        "participants.csv",
        format!("{}S1,staff,Dup,,north\n", crate::util::FIXTURE_PARTICIPANTS),
    );
    d
}

#[test]
fn analysis_commands_stopped_past_load_errors_only_when_allowed() {
    let d = project_with_an_error();
    let before = d.files();
    for args in [
        &["stats"][..],
        &["triangulate"],
        &["extracts", "--code", "trust"],
        &["cooccur"],
        &["saturation"],
        &["map"],
        &["matrix"],
        &["codebook", "--counts"],
        &["agree"],
        &["export", "qdc", "--out", "out.qdc"],
    ] {
        let out = d.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(
            out.stderr.starts_with("error: the project has 1 error (run `thematic check` for every problem; --allow-errors goes on, leaving out what could not be read):\nerror: participants.csv:7: "),
            "{args:?}: {out:#?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: {out:#?}");
        let mut allowed = args.to_vec();
        allowed.push("--allow-errors");
        let out = d.run(&allowed);
        assert_eq!(out.code, 0, "{allowed:?}: {out:#?}");
        assert!(
            out.stderr.contains(
                "warning: the project has 1 error (run `thematic check`); what could not be read is left out"
            ),
            "{allowed:?}: {out:#?}"
        );
    }
    std::fs::remove_file(d.join("out.qdc")).unwrap();
    assert_eq!(d.files(), before);
    // The tree alone shows what could be read; warnings never stop a command.
    d.run(&["codebook"]).ok();
    let d = Dir::project();
    d.write("transcripts/notes.pdf", "not a transcript");
    d.run(&["stats"]).ok();
}

#[test]
fn commands_that_write_refuse_a_thematic_toml_with_errors() {
    let d = Dir::project();
    d.write("thematic.toml", "[coding]\nsheets = \"coding\"\n[coding\n");
    let before: Vec<(String, String)> = d.files().into_iter().map(|f| (f.clone(), d.read(&f))).collect();
    for args in [
        &["code", "S1", "Trust takes time.", "funding", "--coder", "amira"][..],
        &["codebook", "merge", "trust", "funding"],
        &["autocode"],
        &["export", "qdpx", "--out", "x.qdpx", "--allow-errors"],
        &["report", "--allow-errors"],
    ] {
        let out = d.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.contains("thematic.toml:3: "), "{args:?}: {out:#?}");
    }
    d.write("in.qdc", "<?xml version=\"1.0\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=\"1\" name=\"a\" isCodable=\"true\"/></Codes></CodeBook>");
    let out = d.run(&["import", "qdc", "in.qdc", "--replace"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.starts_with(
            "error: thematic.toml has problems to fix first, nothing was written:\nerror: thematic.toml:3: "
        ),
        "{out:#?}"
    );
    d.remove("in.qdc");
    let after: Vec<(String, String)> = d.files().into_iter().map(|f| (f.clone(), d.read(&f))).collect();
    assert_eq!(before, after);
}

#[cfg(unix)]
#[test]
fn a_redactions_file_linked_outside_the_folder_is_not_read_and_not_quoted() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("secret.csv"),
        "term,replacement\nroot:x:0:0:secret words\n",
    )
    .unwrap();
    let d = Dir::project();
    std::os::unix::fs::symlink(outer.path().join("secret.csv"), d.join("redactions.csv")).unwrap();
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stdout
            .contains("error: redactions.csv: a symbolic link that leads outside the project folder (to "),
        "{out:#?}"
    );
    assert!(!out.stdout.contains("secret words") && !out.stderr.contains("secret words"));
    let out = d.run(&["search", "trust"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("redactions.csv: a symbolic link that leads outside"),
        "{out:#?}"
    );
    assert!(!out.stderr.contains("secret words"));
    // Set in thematic.toml, the link is reported on its line and the default is read instead.
    std::fs::remove_file(d.join("redactions.csv")).unwrap();
    std::os::unix::fs::symlink(outer.path().join("secret.csv"), d.join("terms.csv")).unwrap();
    d.write(
        "thematic.toml",
        format!(
            "{}[report]\nredactions = \"terms.csv\"\n",
            crate::util::FIXTURE_TOML
        ),
    );
    let out = d.run(&["check"]);
    assert!(
        out.stdout.contains("error: thematic.toml:9: [report] redactions = \"terms.csv\" leads outside the project folder through a symbolic link"),
        "{out:#?}"
    );
    assert!(!out.stdout.contains("secret words"));
    // A report folder linked elsewhere is not written through; --out may point anywhere.
    d.write("thematic.toml", crate::util::FIXTURE_TOML);
    d.remove("terms.csv");
    std::os::unix::fs::symlink(outer.path(), d.join("report")).unwrap();
    let out = d.run(&["report", "--allow-errors"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("report is a symbolic link that leads outside the project folder"),
        "{out:#?}"
    );
    let elsewhere = outer.path().join("elsewhere");
    d.run(&["report", "--allow-errors", "--out", elsewhere.to_str().unwrap()])
        .ok();
    assert!(elsewhere.join("report.md").exists());
}
