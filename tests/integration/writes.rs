//! Writes that cannot lose work (issue 12): one writer at a time, multi-file changes finished
//! after a kill, no temporary files left behind.

use crate::util::{run_in, Dir};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thematic"));
    cmd.env_remove("THEMATIC_CODER");
    cmd
}

/// The ids the codebook and every sheet use for `trust` after a rename that may have been cut
/// short: all old or all new, never a mixture.
fn trust_ids(d: &Dir) -> Vec<bool> {
    vec![
        d.read("codebook.md").contains("`mutual-trust`"),
        d.read("coding/amira.csv").contains("mutual-trust"),
        d.read("coding/ben.csv").contains("mutual-trust"),
    ]
}

fn temporaries(d: &Dir) -> Vec<String> {
    d.files()
        .into_iter()
        .filter(|f| f.rsplit('/').next().is_some_and(|n| n.starts_with(".thematic-")))
        .collect()
}

#[test]
fn concurrent_code_commands_keep_every_row() {
    // The audit lost 19 of 40 rows to forty `thematic code` at once on one sheet.
    let d = Dir::project();
    let words: Vec<String> = (1..=40).map(|i| format!("token{i:02}")).collect();
    d.write("transcripts/many.txt", format!("R: {}.\n", words.join(" ")));
    let root = d.path().to_str().unwrap().to_string();
    let children: Vec<_> = words
        .iter()
        .map(|w| {
            bin()
                .args(["code", "many", w, "trust", "--coder", "amira", "-p", &root])
                .env("THEMATIC_LOCK_WAIT", "120")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let sheet = d.read("coding/amira.csv");
    for w in &words {
        assert_eq!(
            sheet.matches(&format!("many,{w},trust")).count(),
            1,
            "{w} in\n{sheet}"
        );
    }
    assert_eq!(sheet.lines().count(), 1 + 9 + 40, "{sheet}");
    assert!(temporaries(&d).is_empty(), "{:?}", temporaries(&d));
}

#[test]
fn a_second_writer_waits_then_says_who_holds_the_folder() {
    let d = Dir::project();
    d.write(".thematic/write.lock", "");
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(d.join(".thematic/write.lock"))
        .unwrap();
    held.lock().unwrap();
    std::fs::write(d.join(".thematic/write.lock"), "4242\t0\treport --allow-errors\n").unwrap();
    let before = d.read("coding/ben.csv");
    let out = d.run_env(
        &[
            "code",
            "S1",
            "Communication is good.",
            "communication",
            "--coder",
            "ben",
        ],
        &[("THEMATIC_LOCK_WAIT", "0.2")],
    );
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("busy: `thematic report --allow-errors` (process 4242"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was changed"), "{}", out.stderr);
    assert_eq!(d.read("coding/ben.csv"), before);
    // Readers do not wait for writers.
    d.run_env(&["stats"], &[("THEMATIC_LOCK_WAIT", "0")]).ok();
    drop(held);
    d.run_env(
        &[
            "code",
            "S1",
            "Communication is good.",
            "communication",
            "--coder",
            "ben",
        ],
        &[("THEMATIC_LOCK_WAIT", "0")],
    )
    .ok();
}

#[test]
fn a_rename_killed_between_two_files_is_finished_by_the_next_command() {
    // The audit: `codebook rename` killed between two file renames left a half-renamed
    // project that `check` passed.
    let d = Dir::project();
    let out = d.run_env(
        &["codebook", "rename", "trust", "mutual-trust"],
        &[("THEMATIC_CRASH_AFTER_MOVES", "1")],
    );
    assert_ne!(out.code, 0, "the command was stopped: {out:#?}");
    let ids = trust_ids(&d);
    assert!(
        ids.contains(&true) && ids.contains(&false),
        "half changed: {ids:?}"
    );

    let check = d.run(&["check"]);
    assert_eq!(check.code, 1, "{check:#?}");
    assert!(
        check.stdout.contains("error: .thematic/journal.json: a change was interrupted (codebook: renamed `trust` to `mutual-trust`): 2 of 3 files are not in place yet"),
        "{}",
        check.stdout
    );
    assert!(trust_ids(&d).contains(&false), "check changes nothing");

    let stats = d.run(&["stats"]).ok();
    assert!(
        stats.stderr.contains("note: finished an interrupted change first (codebook: renamed `trust` to `mutual-trust`: 3 files)"),
        "{}",
        stats.stderr
    );
    assert_eq!(trust_ids(&d), vec![true, true, true]);
    let check = d.run(&["check"]);
    assert_eq!(check.code, 0, "{check:#?}");
    assert!(temporaries(&d).is_empty(), "{:?}", temporaries(&d));
}

#[test]
fn renames_killed_at_random_moments_leave_all_or_nothing() {
    // A small version of the audit's 800 kills: whenever the process dies, the next command
    // sees the codebook and both sheets with one id.
    // Kill moments spread over the time a whole rename takes on this machine.
    let timed = Dir::project();
    let start = std::time::Instant::now();
    timed.run(&["codebook", "rename", "trust", "mutual-trust"]).ok();
    let full = (start.elapsed().as_millis() as u64).max(1) + 5;
    let mut rng = crate::util::Lcg(12);
    for round in 0..16 {
        let d = Dir::project();
        d.run(&["check"]).ok();
        let root = d.path().to_str().unwrap().to_string();
        let mut child = bin()
            .args(["codebook", "rename", "trust", "mutual-trust", "-p", &root])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wait = rng.next() % full;
        std::thread::sleep(Duration::from_millis(wait));
        let _ = child.kill();
        let _ = child.wait();
        d.run(&["stats"]).ok();
        let ids = trust_ids(&d);
        assert!(
            ids.iter().all(|&b| b) || ids.iter().all(|&b| !b),
            "round {round} (killed after {wait} ms): {ids:?}"
        );
        assert_eq!(d.run(&["check"]).code, 0, "round {round}");
        // The next writer sweeps what the killed one staged.
        d.run(&[
            "code",
            "S1",
            "Communication is good.",
            "communication",
            "--coder",
            "ben",
        ])
        .ok();
        assert!(temporaries(&d).is_empty(), "round {round}: {:?}", temporaries(&d));
    }
}

#[test]
fn the_next_writer_removes_temporary_files_a_killed_command_left() {
    let d = Dir::project();
    d.write("coding/.thematic-a1b2c3.tmp", "half a sheet");
    d.write("report/tables/.thematic-d4e5f6.tmp", "half a table");
    d.run(&["stats"]).ok();
    assert_eq!(temporaries(&d).len(), 2, "readers leave them");
    d.run(&[
        "code",
        "S1",
        "Communication is good.",
        "communication",
        "--coder",
        "ben",
    ])
    .ok();
    assert!(temporaries(&d).is_empty(), "{:?}", temporaries(&d));
}

#[test]
fn an_import_into_an_empty_folder_killed_midway_is_finished() {
    let d = Dir::project();
    let qdpx = d.join("project.qdpx");
    d.run(&["export", "qdpx", "--out", qdpx.to_str().unwrap()]).ok();
    let parent = tempfile::tempdir().unwrap();
    let clean = parent.path().join("clean");
    let cut = parent.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    let (q, c, k) = (
        qdpx.to_str().unwrap(),
        clean.to_str().unwrap(),
        cut.to_str().unwrap(),
    );
    run_in(parent.path(), &["import", "qdpx", q, "--into", c]).ok();
    let mut cmd = bin();
    cmd.args(["import", "qdpx", q, "--into", k])
        .env("THEMATIC_CRASH_AFTER_MOVES", "2");
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    let check = run_in(parent.path(), &["check", "-p", k]);
    assert_eq!(check.code, 1, "{check:#?}");
    assert!(
        check.stdout.contains("a change was interrupted (import)"),
        "{}",
        check.stdout
    );
    let stats = run_in(parent.path(), &["stats", "-p", k]).ok();
    assert!(
        stats
            .stderr
            .contains("finished an interrupted change first (import"),
        "{}",
        stats.stderr
    );
    assert_eq!(
        run_in(parent.path(), &["stats", "-p", c]).ok().stdout,
        stats.stdout,
        "the finished import is the clean one"
    );
    let listing = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".thematic")
            .collect();
        names.sort();
        names
    };
    assert_eq!(listing(&clean), listing(&cut));
}

#[test]
fn a_crafted_journal_cannot_move_files_out_of_the_folder() {
    let d = Dir::project();
    d.write(
        ".thematic/journal.json",
        r#"{"what":"x","moves":[{"from":"../../.thematic-x.tmp","to":"../../victim"}]}"#,
    );
    let out = d.run(&["stats"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("lists a move thematic would never make"),
        "{}",
        out.stderr
    );
    let check = d.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("error: .thematic/journal.json: .thematic/journal.json lists a move"),
        "{}",
        check.stdout
    );
}
