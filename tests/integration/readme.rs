//! The README's walk-through, run as written: every `thematic ...` command it shows (after
//! `$ ` in a console block, or on its own line in a `sh` block) runs on a copy of the example,
//! from a folder where `examples/partnership-evaluation` is, or inside the example when the
//! command has no `-p`, and exits 0 as the README says. The output shown is not compared (it
//! is abridged with `...`), but its first line is.

use crate::gitrepo::path_with_bin;
use std::path::Path;
use std::process::Command;

const README: &str = include_str!("../../README.md");
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/partnership-evaluation");

/// The commands of the walk-through, each with the first line the README shows after it.
fn walk_through() -> Vec<(String, Option<String>)> {
    let start = README
        .find("## A walk through the example")
        .expect("the walk-through");
    let end = start + README[start..].find("\n## Commands").expect("the section after");
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut block: Option<&str> = None;
    let mut expect_output = false;
    for line in README[start..end].lines() {
        if let Some(lang) = line.strip_prefix("```") {
            block = if block.is_some() { None } else { Some(lang) };
            expect_output = false;
            continue;
        }
        match block {
            Some("console") => {
                if let Some(cmd) = line.strip_prefix("$ ") {
                    out.push((cmd.to_string(), None));
                    expect_output = true;
                } else if expect_output && !line.is_empty() {
                    out.last_mut().unwrap().1 = Some(line.to_string());
                    expect_output = false;
                }
            }
            Some("sh") if line.starts_with("thematic ") => out.push((line.to_string(), None)),
            _ => {}
        }
    }
    out
}

#[test]
fn every_command_of_the_readme_walk_through_runs_as_written() {
    let commands = walk_through();
    assert!(commands.len() >= 6, "{commands:#?}");
    let tmp = tempfile::tempdir().unwrap();
    let example = tmp.path().join("examples/partnership-evaluation");
    crate::util::copy_dir(Path::new(EXAMPLE), &example);
    for (cmd, first_line) in commands {
        assert!(cmd.starts_with("thematic "), "{cmd}");
        let cwd = if cmd.contains(" -p ") {
            tmp.path()
        } else {
            example.as_path()
        };
        let out = Command::new("sh")
            .args(["-c", &cmd])
            .current_dir(cwd)
            .env("PATH", path_with_bin())
            .env_remove("THEMATIC_CODER")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "`{cmd}` exited {:?}:\n{stdout}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(first) = first_line {
            let shown = stdout.lines().next().unwrap_or("");
            assert_eq!(
                shown.trim_end(),
                first.trim_end(),
                "`{cmd}`'s first line differs from the README's"
            );
        }
    }
}
