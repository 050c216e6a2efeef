//! CI out of the box: the files `init` and `git-setup` write are valid YAML, the bundled
//! example has them, and every command they run succeeds on a clean analysis repository, with
//! the `thematic` under test on the PATH.

use crate::gitrepo::{commit_all, git, init_repo, path_with_bin};
use crate::util::{run_in, Dir};
use std::path::Path;
use std::process::Command;
use yaml_rust2::{Yaml as Value, YamlLoader};

const FILES: [&str; 3] = [
    ".github/workflows/thematic.yml",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
];

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/partnership-evaluation");

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{} holds one YAML document", path.display());
    docs.remove(0)
}

/// A clean analysis repository (no warnings, the report written) with two commits.
fn repo() -> Dir {
    let d = Dir::project();
    let book = d.read("codebook.md") + "- `kindness` — staff being kind.\n";
    d.write("codebook.md", book);
    init_repo(&d);
    d.run(&["report"]).ok();
    commit_all(&d, "report");
    let sheet = d.read("coding/amira.csv") + "S2,Funding is short.,trust,\n";
    d.write(
        "coding/amira.csv",
        sheet.replace("S2,Funding is short.,funding,\n", ""),
    );
    d.run(&["report"]).ok();
    commit_all(&d, "recode S2");
    let check = d.run(&["check", "--strict"]);
    assert_eq!(check.code, 0, "the repository should check clean: {check:#?}");
    d
}

/// Runs one CI script in `dir` as a CI runner would (`sh -e`), with the binary on the PATH.
#[track_caller]
fn sh(dir: &Path, script: &str, env: &[(&str, &str)]) {
    let out = Command::new("sh")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", path_with_bin())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .envs(env.iter().copied())
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "`{script}` failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn init_and_the_example_have_the_ci_files_as_valid_yaml() {
    let d = Dir::empty();
    run_in(d.path(), &["init", "eval"]).ok();
    for f in FILES {
        let written = d.join("eval").join(f);
        yaml(&written);
        let example = Path::new(EXAMPLE).join(f);
        assert_eq!(
            std::fs::read_to_string(&example).unwrap_or_else(|e| panic!("the example lacks {f}: {e}")),
            std::fs::read_to_string(&written).unwrap(),
            "the example's {f} is the one init writes"
        );
    }
    for f in [".gitattributes", ".gitignore"] {
        assert_eq!(
            std::fs::read_to_string(Path::new(EXAMPLE).join(f)).unwrap(),
            d.read(&format!("eval/{f}"))
        );
    }
    assert!(d.read("eval/.gitignore").contains(".thematic/\n"));
    assert!(d
        .read("eval/.gitattributes")
        .contains("coding/*.csv merge=thematic\n"));
    let driver = git(&d.join("eval"), &["config", "--get", "merge.thematic.driver"]).ok();
    assert_eq!(driver.stdout.trim(), "thematic merge-sheet %O %A %B %P");
}

#[test]
fn the_github_workflow_runs_and_writes_the_job_summary() {
    let d = repo();
    let workflow = yaml(&d.join(".github/workflows/thematic.yml"));
    let steps = workflow["jobs"]["analysis"]["steps"].as_vec().expect("steps");
    let summary = d.join("summary.md");
    let mut ran = Vec::new();
    for step in steps {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        sh(
            d.path(),
            script,
            &[
                ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
                ("GITHUB_BASE_REF", ""),
                ("THEMATIC_GIT", ""),
            ],
        );
        ran.push(script.to_string());
    }
    assert!(
        ran.iter().any(|s| s.contains("thematic check --strict")),
        "{ran:#?}"
    );
    assert!(
        ran.iter().any(|s| s.contains("thematic report --check")),
        "{ran:#?}"
    );
    let summary = std::fs::read_to_string(summary).expect("a job summary");
    assert!(
        summary.starts_with("## What changed in the analysis: `HEAD~1` → `HEAD`\n"),
        "{summary}"
    );
    assert!(summary.contains("| trust | amira | 1 | 0 |"), "{summary}");
}

#[test]
fn the_gitlab_job_runs_and_keeps_the_diff() {
    let d = repo();
    let ci = yaml(&d.join(".gitlab-ci.yml"));
    let job = &ci["thematic"];
    for part in ["before_script", "script", "after_script"] {
        // GitLab runs a part's lines in one shell, one after another.
        let lines: Vec<&str> = job[part]
            .as_vec()
            .expect(part)
            .iter()
            .map(|l| l.as_str().expect("a command"))
            .collect();
        sh(d.path(), &lines.join("\n"), &[("THEMATIC_GIT", "")]);
    }
    let diff = d.read("thematic-diff.md");
    assert!(diff.contains("| funding | amira | 0 | 1 |"), "{diff}");
    assert_eq!(job["artifacts"]["paths"][0].as_str(), Some("thematic-diff.md"));
}

#[test]
fn the_pre_commit_hooks_run() {
    let d = repo();
    let config = yaml(&d.join(".pre-commit-config.yaml"));
    let hooks = config["repos"][0]["hooks"].as_vec().expect("hooks");
    assert_eq!(hooks.len(), 2);
    for hook in hooks {
        assert_eq!(hook["language"].as_str(), Some("system"));
        sh(d.path(), hook["entry"].as_str().expect("entry"), &[]);
    }
    // A sheet with a problem stops the commit.
    d.write(
        "coding/amira.csv",
        d.read("coding/amira.csv") + "S1,Not said anywhere.,trust,\n",
    );
    let out = Command::new("sh")
        .args(["-c", hooks[0]["entry"].as_str().unwrap()])
        .current_dir(d.path())
        .env("PATH", path_with_bin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// The audit: `rust-version = "1.85"` in Cargo.toml while the locked comrak needed 1.89 and zip
/// 1.88. The declared version must cover every locked dependency's own.
#[test]
fn declared_rust_version_covers_every_locked_dependency() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(std::env::var("CI").is_err(), "cargo metadata failed in CI: {why}");
        eprintln!("skipped: cargo metadata could not run offline here: {why}");
        return;
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "thematic")
        .and_then(|p| p["rust_version"].as_str())
        .expect("Cargo.toml declares a rust-version");
    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(ours)).then(|| format!("{} {} needs {needs}", p["name"], p["version"]))
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "rust-version = {ours} in Cargo.toml, but {too_new:?}"
    );
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let short = ours.trim_end_matches(".0");
    assert!(
        readme.contains(&format!("Rust {short} or later")),
        "the README names rust-version {short}"
    );
}
