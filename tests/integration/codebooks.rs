//! The codebooks `init` starts from: each is listed, and parses with no problem.

use crate::util::{run_in, Dir};

const NAMES: [&str; 6] = [
    "starter",
    "blank",
    "cfir",
    "npt",
    "partnership",
    "partnership-evaluation",
];

#[test]
fn init_codebook_alone_lists_them_with_a_line_each() {
    let d = Dir::empty();
    let out = run_in(d.path(), &["init", "--codebook"]).ok();
    assert_eq!(out.stdout.lines().count(), 1 + NAMES.len(), "{}", out.stdout);
    for name in NAMES {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{name} "))),
            "{name}"
        );
    }
    assert!(out.stdout.contains("CFIR 2.0 (Damschroder et al. 2022)"));
    assert!(d.files().is_empty(), "listing writes nothing");
    let out = run_in(d.path(), &["init", "--codebook", "cfir2"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("possible values: starter, blank, cfir"),
        "{}",
        out.stderr
    );
}

#[test]
fn every_codebook_checks_with_no_problem() {
    for (name, codes) in [
        ("cfir", 48),
        ("npt", 18),
        ("partnership", 19),
        ("partnership-evaluation", 21),
    ] {
        let d = Dir::empty();
        run_in(d.path(), &["init", "--codebook", name]).ok();
        let out = d.run(&["check"]);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        assert!(
            out.stdout.ends_with(&format!("0 participants, 0 documents, {codes} codes (0 unsorted), 0 coders, 0 coded segments: 0 errors, 0 warnings\n")),
            "{name}: {}",
            out.stdout
        );
        // The sources are cited at the top, before the first theme.
        let book = d.read("codebook.md");
        let head = &book[..book.find("\n# ").unwrap()];
        assert!(
            head.contains("https://doi.org/") || head.contains("Hardy, B."),
            "{name}"
        );
    }
}
