//! `thematic serve` end to end in headless Chromium: `tests/e2e/serve.js` (Node and
//! playwright-core, `npm ci --prefix tests/e2e`) codes a copy of the bundled example as a coder
//! would, and sorts, filters and codes the survey grid of the survey fixture
//! (tests/integration/surveys.rs); these tests check the files it leaves. Skipped, saying why,
//! when Node, Chromium or playwright-core is missing; with `CI=true` a missing one fails.

use crate::serve::serve_at;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/partnership-evaluation");
const E2E: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e");

/// Node, Chromium and playwright-core, or why not.
fn browser() -> Result<PathBuf, String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("no node on this machine (apt-get install nodejs npm)".into());
    }
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Err(format!("no {} (apt-get install chromium)", chromium.display()));
    }
    if !Path::new(E2E).join("node_modules/playwright-core").is_dir() {
        return Err("no playwright-core in tests/e2e (npm ci --prefix tests/e2e)".into());
    }
    Ok(chromium)
}

/// Chromium, or `None` when this machine has none (a skip, said; a failure under `CI=true`).
fn browser_or_skip() -> Option<PathBuf> {
    match browser() {
        Ok(c) => Some(c),
        Err(why) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must run the browser test: {why} (see .ci/run)"
            );
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// Runs `tests/e2e/serve.js` in `mode` on a folder served with `--coder ben`; fails with what
/// the script printed.
fn run_script(chromium: &Path, project: &Path, mode: &str, screenshot: Option<&Path>) {
    let server = serve_at(project);
    let url = format!("http://127.0.0.1:{}/?token={}", server.port, server.token);
    let mut command = Command::new("node");
    command
        .arg(Path::new(E2E).join("serve.js"))
        .env("THEMATIC_URL", &url)
        .env("THEMATIC_PROJECT", project)
        .env("THEMATIC_BIN", env!("CARGO_BIN_EXE_thematic"))
        .env("CHROMIUM", chromium)
        .env("MODE", mode);
    if let Some(png) = screenshot {
        command.env("SCREENSHOT", png);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser script failed:\n{stdout}\n{stderr}"
    );
}

#[test]
fn a_coder_codes_undoes_and_sees_outside_edits_in_chromium() {
    let Some(chromium) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("partnership-evaluation");
    crate::util::copy_dir(Path::new(EXAMPLE), &project);
    // The test run takes the screenshot; it replaces the one in docs/ (which the README shows)
    // only when asked, `THEMATIC_UPDATE_SCREENSHOT=1`, so an ordinary run leaves the clone as
    // it found it (Chromium's pixels differ a little from run to run).
    let screenshot = if std::env::var_os("THEMATIC_UPDATE_SCREENSHOT").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/serve-screenshot.png")
    } else {
        tmp.path().join("serve-screenshot.png")
    };
    run_script(&chromium, &project, "test", Some(&screenshot));
    // What the page did is in the files, as plain rows.
    let sheet = std::fs::read_to_string(project.join("coding/ben.csv")).unwrap();
    let original = std::fs::read_to_string(Path::new(EXAMPLE).join("coding/ben.csv")).unwrap();
    let added: Vec<&str> = sheet.lines().skip(original.lines().count()).collect();
    assert!(
        added.iter().any(|l| l.starts_with(
            r#"HS02,"wellbeing coordinator, based at Eastgate",co-location;warm-handover,"role first, place second",yes"#
        )),
        "{added:#?}"
    );
    assert!(
        added
            .iter()
            .any(|l| l.starts_with("HS02,lot of chasing,workload-pressure,,") && l.ends_with(",2")),
        "{added:#?}"
    );
    let codebook = std::fs::read_to_string(project.join("codebook.md")).unwrap();
    assert!(codebook.contains("- `named-services` — Services named as places people are sent."));
    let png = std::fs::read(&screenshot).expect("the screenshot was taken");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real screenshot"
    );
}

#[test]
fn a_filter_being_typed_in_the_survey_grid_survives_an_outside_edit_in_chromium() {
    let Some(chromium) = browser_or_skip() else {
        return;
    };
    let dir = crate::surveys::survey_project();
    // 214 respondents, each with a postcode of its own: more values than the grid lists, so
    // the postcode is filtered with a box typed in.
    let mut survey = String::from("respondent,role,region,postcode,worked,change\n");
    survey.push_str("1043,staff,North,N1,Trust between teams has grown.,More funding for outreach.\n");
    survey.push_str("1044,staff,South,N2,Regular communication.,\n");
    survey.push_str("1045,partner,North,N3,We trust the staff. Communication is open.,Funding is short.\n");
    survey.push_str("1046,partner,South,N4,,Less paperwork.\n");
    for r in 2001..=2210 {
        survey.push_str(&format!("{r},staff,North,P{:03},Fine.,\n", r - 2000));
    }
    dir.write("surveys/pulse.csv", &survey);
    run_script(&chromium, dir.path(), "typing", None);
}

#[test]
fn a_coder_sorts_filters_and_codes_the_survey_grid_in_chromium() {
    let Some(chromium) = browser_or_skip() else {
        return;
    };
    let dir = crate::surveys::survey_project();
    run_script(&chromium, dir.path(), "grid", None);
    // The whole answer (coded, undone, redone) and the passage coded in the document view.
    assert_eq!(
        dir.read("coding/ben.csv"),
        "document,quote,codes,memo\npulse/1045/change,,funding,\npulse/1043/worked,Trust between teams,communication,\n"
    );
    let check = dir.run(&["check"]).ok();
    assert!(check.stdout.contains("0 errors, 0 warnings"), "{}", check.stdout);
}
