//! `thematic ratings` and `check` on ratings.csv: a maturity matrix per case and wave, the
//! change between waves, and every bad value an error with its line.

use crate::util::*;

fn fixture() -> Dir {
    let d = Dir::project();
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[ratings]\nscale = [1, 5]\n\n[ratings.dimensions]\nleadership = \"Leadership\"\ndata = \"Data sharing\"\n"),
    );
    d.write(
        "ratings.csv",
        "case,dimension,wave,score,rater\nnorth,leadership,1,2,ann\nnorth,leadership,1,3,bob\nnorth,leadership,2,4,ann\nnorth,data,2,1,ann\nsouth,data,1,3,ann\nsouth,data,3,5,ann\n",
    );
    d
}

#[test]
fn ratings_per_case_dimension_and_wave_with_the_change() {
    let d = fixture();
    assert_eq!(d.run(&["check"]).code, 0, "{:#?}", d.run(&["check"]));
    let out = d.run(&["ratings", "--format", "md"]).ok();
    // north leadership: wave 1 is the mean of 2 and 3; +1.5 to wave 2.
    assert_eq!(
        out.stdout,
        "| case | dimension | wave 1 | wave 2 | wave 3 | change |\n|---|---|---:|---:|---:|---|\n\
| north | Leadership | 2.5 | 4 |  | +1.5 |\n\
| north | Data sharing |  | 1 |  |  |\n\
| south | Data sharing | 3 |  | 5 | +2 |\n"
    );
    let csv = d.run(&["ratings", "--format", "csv"]).ok().stdout;
    assert!(
        csv.starts_with("case,dimension,wave,score,rater,note\nnorth,leadership,1,2,ann,\n"),
        "{csv}"
    );
}

#[test]
fn every_bad_rating_is_an_error_with_its_line() {
    let d = fixture();
    d.write(
        "ratings.csv",
        "case,dimension,wave,score\nnorth,leadrship,1,2\nnorth,data,1,7\n",
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
            "error: ratings.csv:2: dimension `leadrship` is not one of [ratings.dimensions] (leadership, data) (did you mean `leadership`?)",
            "error: ratings.csv:3: score 7 is outside the scale 1 to 5",
        ]
    );
    d.write("thematic.toml", "[ratings]\nscale = [5, 1]\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems()
            .iter()
            .any(|p| p.starts_with("error: thematic.toml:2: [ratings] scale should be")),
        "{out:#?}"
    );
}

#[test]
fn the_report_charts_each_case_beside_the_themes() {
    let d = fixture();
    assert_eq!(d.run(&["report"]).code, 0);
    let md = d.read("report/report.md");
    let themes = md.find("## Themes and subthemes").unwrap();
    let ratings = md.find("### Ratings").expect("a ratings section");
    assert!(
        themes < ratings && ratings < md.find("## Triangulation").unwrap(),
        "{md}"
    );
    assert!(md.contains("| north | Leadership | 2.5 | 4 |  | +1.5 |"), "{md}");
    assert!(
        md.contains("![Ratings over time: north](figures/ratings-north.svg)"),
        "{md}"
    );
    assert!(
        md.contains("![Ratings over time: south](figures/ratings-south.svg)"),
        "{md}"
    );
    let north = d.read("report/figures/ratings-north.svg");
    // Two dimensions, each a line where it has two scores or more.
    assert_eq!(north.matches("<polyline").count(), 1, "{north}");
    assert!(north.contains(">Leadership</text>") && north.contains(">Data sharing</text>"));
    assert!(d.read("report/report.html").contains("Ratings over time: south"));
    assert!(d
        .read("report/tables/ratings.csv")
        .starts_with("case,dimension,wave 1"));
    assert!(md.contains("![Thematic map: themes, subthemes and codes](figures/map.svg)"));
    assert!(d.read("report/figures/map.svg").contains("<svg"));
}
