//! `[report] template`: the analyst's own report calling evidence functions; hand-typed
//! quotes checked verbatim; template errors naming the file and line; the title block.

use crate::util::Dir;

fn with_template(template: &str) -> Dir {
    let d = Dir::project();
    d.write(
        "thematic.toml",
        format!(
            "{}\n[report]\ntemplate = \"report.md.j2\"\n",
            crate::util::FIXTURE_TOML
        ),
    );
    d.write("report.md.j2", template);
    d
}

#[test]
fn every_function_renders_in_the_analysts_template() {
    let d = with_template(
        "# {{ title }}\n\n{{ summary() }}\n\n{{ themes_table() }}\n\n\
Relationships came up for {{ count(\"Relationships\", group=\"partner\") }} partners and {{ count(\"trust\") }} people.\n\n\
{{ triangulation(by=\"site\", level=\"category\") }}\n\n\
{{ quotes(\"Values\", 2) }}\n\n{{ quotes(\"funding\", n=1) }}\n\n\
{{ matrix(rows=\"group\", cols=\"theme\") }}\n\n{{ cooccur() }}\n\n{{ figure(\"cooccur\") }}\n\n\
{{ saturation(base=1, run=1) }}\n\n{{ figure(\"saturation\") }}\n\n{{ ratings() }}\n\n\
{{ figure(\"heatmap\") }}\n\n{{ methods() }}\n\n{{ warnings() }}\n",
    );
    let out = d.run(&["report"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = d.read("report/report.md");
    assert!(md.starts_with("# Fixture\n\n"), "{md}");
    assert!(md.contains("| Theme | Subthemes | Codes |"), "{md}");
    assert!(md.contains("for 2 of 2 partners and 3 of 5 people"), "{md}");
    assert!(md.contains("| Subtheme | north | south | Verdict |"), "{md}");
    assert_eq!(md.matches("\n> ").count(), 3, "{md}");
    assert!(md.contains("| group | Relationships | Resources |"), "{md}");
    assert!(
        md.contains("![Co-occurrence of codes](figures/cooccur.svg)"),
        "{md}"
    );
    assert!(md.contains("*No ratings.*"), "{md}");
    assert!(md.contains("- Approach:"), "{md}");
    // The quotes the template placed are the report's quotes, and every one is verbatim.
    assert!(crate::report::assert_quotes_verbatim(d.path(), &md) == 3);
    assert_eq!(d.read("report/tables/quotes.csv").lines().count(), 4);
    for file in [
        "figures/cooccur.svg",
        "figures/saturation.svg",
        "tables/cooccur-code-passage.csv",
        "tables/saturation.csv",
        "tables/matrix-group-theme.csv",
        "tables/triangulation-site-category.csv",
    ] {
        assert!(d.join("report").join(file).exists(), "{file}");
    }
    let html = d.read("report/report.html");
    assert!(html.contains("<figure><svg"), "figures inlined");
    // Two runs, same bytes.
    let first: Vec<(String, Vec<u8>)> = files(&d);
    assert_eq!(d.run(&["report"]).code, 0);
    assert_eq!(first, files(&d));
}

fn files(d: &Dir) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["report", "report/tables", "report/figures"] {
        let mut names: Vec<_> = std::fs::read_dir(d.join(dir))
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.path())
            .collect();
        names.sort();
        for p in names {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn a_hand_typed_quote_that_is_not_verbatim_is_an_error_naming_the_line() {
    let d = with_template(
        "# Findings\n\nStaff put it plainly:\n\n> \"We share values.\" (Staff 1)\n\nPartners less so:\n\n> We share all our values with them. (Partner 1)\n",
    );
    let out = d.run(&["report"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("report.md.j2:9: the quote \"We share all our values with them.\" is not verbatim in any turn of (Partner 1)"),
        "{}",
        out.stderr
    );
    assert!(!d.join("report/report.md").exists(), "nothing written");
    let check = d.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains("report.md.j2:9:"), "{}", check.stdout);
    assert!(!check.stdout.contains("report.md.j2:5:"), "{}", check.stdout);
    // Attributed to someone who did not say it.
    d.write("report.md.j2", "> Trust takes time. (Partner 2)\n");
    let out = d.run(&["report"]);
    assert!(out.stderr.contains("report.md.j2:1:"), "{}", out.stderr);
    // Verbatim, with a cut marked and typographic quotes: written.
    d.write(
        "report.md.j2",
        "> “… trust is low.” (Partner 2)\n\n> Trust takes time. (Service user 1)\n",
    );
    let out = d.run(&["report"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn template_errors_name_the_file_and_line() {
    for (template, expected) in [
        ("# A\n\n{{ summary( }}\n", "report.md.j2:3:"),
        ("# A\n\n{{ sumary() }}\n", "report.md.j2:3: unknown function"),
        (
            "# A\n\n\n{{ quotes(\"Nothing\") }}\n",
            "report.md.j2:4: quotes(): `Nothing` is no theme, category or code",
        ),
        (
            "{{ triangulation(by=\"colour\") }}\n",
            "report.md.j2:1: triangulation():",
        ),
        (
            "\n{{ quotes(\"trust\", m=2) }}\n",
            "report.md.j2:2: quotes(): has no argument `m`",
        ),
        (
            "{{ figure(\"maps\") }}\n",
            "report.md.j2:1: figure(): no figure `maps`",
        ),
    ] {
        let d = with_template(template);
        let out = d.run(&["report"]);
        assert_eq!(out.code, 2, "{template}: {}", out.stdout);
        assert!(out.stderr.contains(expected), "{template}: {}", out.stderr);
        let check = d.run(&["check"]);
        assert_eq!(check.code, 1, "{template}");
        assert!(check.stdout.contains(expected), "{template}: {}", check.stdout);
    }
    let d = with_template("x");
    d.remove("report.md.j2");
    let out = d.run(&["report"]);
    assert!(
        out.stderr
            .contains("[report] template = \"report.md.j2\" cannot be read"),
        "{}",
        out.stderr
    );
}

#[test]
fn authors_and_date_fill_the_title_block() {
    let d = Dir::project();
    d.write(
        "thematic.toml",
        "[project]\ntitle = \"Fixture\"\nauthors = [\"A. Evaluator\", \"B. Analyst\"]\ndate = \"March 2026\"\n",
    );
    assert_eq!(d.run(&["report"]).code, 0);
    let md = d.read("report/report.md");
    assert!(
        md.starts_with("# Fixture\n\nA. Evaluator, B. Analyst  \nMarch 2026\n\n## Summary"),
        "{md}"
    );
}

#[test]
fn where_filters_the_reports_evidence_and_the_methods_say_so() {
    let d = Dir::project();
    let out = d.run(&["report", "--where", "site=north"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = d.read("report/report.md");
    // North: Staff 1, Partner 1, Service user 1; the quotes are theirs only.
    assert!(md.contains("| Relationships | 1/1 ("), "{md}");
    for line in md.lines().filter(|l| l.starts_with("> ")) {
        assert!(
            line.ends_with("(Staff 1)")
                || line.ends_with("(Partner 1)")
                || line.ends_with("(Service user 1)"),
            "{line}"
        );
    }
    assert!(
        md.contains("- Evidence filtered: only people and documents where `site=north`"),
        "{md}"
    );
    // The same from thematic.toml, and a bad condition is an error check names.
    d.write(
        "thematic.toml",
        format!(
            "{}\n[report]\nwhere = [\"site=north\"]\n",
            crate::util::FIXTURE_TOML
        ),
    );
    assert_eq!(d.run(&["report"]).code, 0);
    assert_eq!(d.read("report/report.md"), md);
    d.write(
        "thematic.toml",
        format!(
            "{}\n[report]\nwhere = [\"colour=red\"]\n",
            crate::util::FIXTURE_TOML
        ),
    );
    let check = d.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains("thematic.toml:10: [report] where:"),
        "{}",
        check.stdout
    );
    assert_eq!(d.run(&["report"]).code, 2);
    let bad = d.run(&["report", "--where", "nonsense"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("KEY=VALUE"), "{}", bad.stderr);
}

#[test]
fn the_analysts_own_words_are_redacted_and_images_are_not_fetched() {
    let d = with_template(
        "Jo Bloggs told us about values.\n\n> We share values with them. (Partner 1)\n\n![tracker](https://example.org/t.png)\n",
    );
    let out = d.run(&["report"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = d.read("report/report.md");
    assert!(md.starts_with("[name] told us about values."), "{md}");
    assert!(!md.contains("Jo Bloggs"), "{md}");
    let html = d.read("report/report.html");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("example.org/t.png\""), "{html}");
}
