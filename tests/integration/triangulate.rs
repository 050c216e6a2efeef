//! `triangulate` on a folder built so that each verdict is reached, worked out by hand.
//!
//! Groups A (a1, a2, a3) and B (b1, b2, b3); sites x (a1, a2, b1) and y (a3, b2, b3).
//! - Agree: `good` (positive) for a1 and b1: 1/3 each, both lean positive → agreement.
//! - Partial: `topic` (no polarity) for a1, a2, a3 and b1: 3/3 against 1/3 → partial.
//! - Silence: `only-a` for a1 → silence (B says nothing); the analyst overrides it.
//! - Dissonance: `plus` (positive) for a2, `minus` (negative) for b2 → dissonance.

use crate::util::Dir;

fn folder() -> Dir {
    let d = Dir::empty();
    d.write("thematic.toml", "[groups]\nA = \"Group A\"\nB = \"Group B\"\n");
    d.write(
        "participants.csv",
        "id,group,site\na1,A,x\na2,A,x\na3,A,y\nb1,B,x\nb2,B,y\nb3,B,y\n",
    );
    d.write(
        "codebook.md",
        "# Agree\n- `good` — good.\n  - polarity: positive\n\n# Partial\n- `topic` — a topic.\n\n# Silence\n- `only-a` — only A.\n\n# Dissonance\n- `plus` — for.\n  - polarity: positive\n- `minus` — against.\n  - polarity: negative\n",
    );
    for p in ["a1", "a2", "a3", "b1", "b2", "b3"] {
        d.write(
            &format!("transcripts/{p}.txt"),
            format!("Interviewer: Tell me.\nR: Good things from {p}. A topic from {p}. Only {p}. For it says {p}. Against it says {p}.\n"),
        );
    }
    d.write(
        "coding/coder.csv",
        "document,quote,codes\n\
         a1,Good things from a1.,good\n\
         b1,Good things from b1.,good\n\
         a1,A topic from a1.,topic\n\
         a2,A topic from a2.,topic\n\
         a3,A topic from a3.,topic\n\
         b1,A topic from b1.,topic\n\
         a1,Only a1.,only-a\n\
         a2,For it says a2.,plus\n\
         b2,Against it says b2.,minus\n",
    );
    d
}

#[test]
fn every_verdict_by_group() {
    let d = folder();
    let out = d.run(&["triangulate", "--format", "csv"]).ok();
    assert_eq!(
        out.stdout,
        "level,node,group,participants,of,references,verdict,computed,note,positive,negative,lean\n\
         theme,Agree,A,1,3,1,agreement,agreement,,1,0,1\n\
         theme,Agree,B,1,3,1,agreement,agreement,,1,0,1\n\
         theme,Partial,A,3,3,3,partial,partial,,0,0,0\n\
         theme,Partial,B,1,3,1,partial,partial,,0,0,0\n\
         theme,Silence,A,1,3,1,silence,silence,,0,0,0\n\
         theme,Silence,B,0,3,0,silence,silence,,0,0,0\n\
         theme,Dissonance,A,1,3,1,dissonance,dissonance,,1,0,1\n\
         theme,Dissonance,B,1,3,1,dissonance,dissonance,,0,1,-1\n"
    );
    let out = d.run(&["triangulate"]).ok();
    assert_eq!(
        out.stdout,
        "theme       Group A        Group B        verdict\n\
         ----------  -------------  -------------  ----------\n\
         Agree       1/3 (1) +1 -0  1/3 (1) +1 -0  agreement\n\
         Partial     3/3 (3)        1/3 (1)        partial\n\
         Silence     1/3 (1)        0/3 (0)        silence\n\
         Dissonance  1/3 (1) +1 -0  1/3 (1) +0 -1  dissonance\n"
    );
}

#[test]
fn the_analysts_verdict_overrides_and_says_so() {
    let d = folder();
    d.write(
        "triangulation.csv",
        "row,verdict,note\nSilence,agreement,B agreed off the record\n",
    );
    let out = d.run(&["triangulate", "--format", "csv"]).ok();
    assert!(
        out.stdout
            .contains("theme,Silence,B,0,3,0,agreement,silence,B agreed off the record,0,0,0\n"),
        "{}",
        out.stdout
    );
    let out = d.run(&["triangulate"]).ok();
    assert!(
        out.stdout
            .contains("Silence     1/3 (1)        0/3 (0)        agreement*\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("* Silence: agreement by the analyst (computed: silence): B agreed off the record\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn bad_overrides_are_check_errors() {
    let d = folder();
    d.write(
        "triangulation.csv",
        "row,verdict,note\nSilense,agreement,\nPartial,maybe,\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(
        out.problems(),
        [
            "error: triangulation.csv:2: `Silense` is no theme, category or code of the codebook (did you mean `Silence`?)",
            "error: triangulation.csv:3: verdict `maybe` is not agreement, partial, silence or dissonance",
        ]
    );
}

#[test]
fn an_attribute_stands_in_for_group() {
    let d = folder();
    let out = d
        .run(&[
            "triangulate",
            "--by",
            "site",
            "--level",
            "code",
            "--format",
            "csv",
        ])
        .ok();
    // `topic`: site x has a1, a2, b1 (3/3); site y has a3 (1/3) → partial.
    assert!(
        out.stdout.contains("code,topic,x,3,3,3,partial,partial,,0,0,0\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("code,topic,y,1,3,1,partial,partial,,0,0,0\n"),
        "{}",
        out.stdout
    );
    // `plus` (a2, site x) and `minus` (b2, site y) are separate codes: each is silent somewhere.
    assert!(
        out.stdout.contains("code,plus,y,0,3,0,silence,silence,,0,0,0\n"),
        "{}",
        out.stdout
    );
    // Individual cases compare too (paired interviews, case studies).
    let out = d
        .run(&[
            "triangulate",
            "--by",
            "participant",
            "--level",
            "code",
            "--format",
            "csv",
        ])
        .ok();
    assert!(
        out.stdout
            .contains("code,topic,a1,1,1,1,silence,silence,,0,0,0\n"),
        "{}",
        out.stdout
    );
    let out = d.run(&["triangulate", "--by", "all"]);
    assert_eq!(out.code, 2);
}

#[test]
fn thresholds_are_settings() {
    let d = folder();
    d.write(
        "thematic.toml",
        "[groups]\nA = \"Group A\"\nB = \"Group B\"\n\n[triangulation]\nprominence_ratio = 0.3\n",
    );
    let out = d.run(&["triangulate", "--format", "csv"]).ok();
    // 1/3 is no longer under 0.3 × 3/3.
    assert!(
        out.stdout
            .contains("theme,Partial,B,1,3,1,agreement,agreement,,0,0,0\n"),
        "{}",
        out.stdout
    );
}
