//! The cache of the loaded folder (`.thematic/corpus.bin`, `coding.bin`, `texts.bin`): every command gives the same
//! bytes with no cache, a cold one, a warm one and one made before a file changed; a damaged
//! or foreign cache is ignored and rebuilt; commands at once do not corrupt it; a file changed
//! within a clock tick of the cache is read again.

use crate::util::*;

const OFF: &[(&str, &str)] = &[("THEMATIC_CACHE", "off")];

/// What every reading command prints, and the report it writes.
fn outputs(d: &Dir, env: &[(&str, &str)]) -> Vec<String> {
    let runs: [&[&str]; 9] = [
        &["check"],
        &["stats", "--by", "participant", "--format", "csv"],
        &["stats", "--level", "theme", "--by", "site", "--format", "json"],
        &["triangulate", "--level", "code", "--format", "csv"],
        &["codebook", "--counts", "--format", "csv"],
        &["agree", "--unit", "sentence", "--format", "csv"],
        &["extracts", "--format", "csv", "--context", "3"],
        &["report", "--out", "out"],
        &["export", "qdc", "--out", "out/codebook.qdc"],
    ];
    let mut out: Vec<String> = runs
        .iter()
        .map(|args| {
            let o = d.run_env(args, env);
            format!("{args:?} exit {}\n{}{}", o.code, o.stdout, o.stderr)
        })
        .collect();
    for f in ["out/report.md", "out/tables/quotes.csv", "out/codebook.qdc"] {
        out.push(d.read(f));
    }
    out
}

fn cache_file(d: &Dir) -> std::path::PathBuf {
    d.join(".thematic/coding.bin")
}

fn corpus_file(d: &Dir) -> std::path::PathBuf {
    d.join(".thematic/corpus.bin")
}

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn outputs_are_the_same_with_no_cache_a_cold_a_warm_and_a_stale_one() {
    let d = Dir::project();
    d.write("redactions.csv", "term,replacement\nJo Bloggs,[name]\n");
    d.settle(60);
    let reference = outputs(&d, OFF);
    assert!(!cache_file(&d).exists(), "THEMATIC_CACHE=off writes no cache");
    let cold = outputs(&d, &[]);
    assert!(cache_file(&d).exists(), "a settled folder is cached");
    assert_eq!(cold, reference);
    let stamp = std::fs::metadata(cache_file(&d)).unwrap().modified().unwrap();
    let warm = outputs(&d, &[]);
    assert_eq!(warm, reference);
    assert_eq!(
        std::fs::metadata(cache_file(&d)).unwrap().modified().unwrap(),
        stamp,
        "a warm run reads the cache and does not write it"
    );
    // A file changes after the cache was made: the cache is not used for it.
    d.write(
        "transcripts/S1.txt",
        "Interviewer: What works?\nR: We share values. Communication is good.\n\nInterviewer: And trust?\nR: Trust takes a long time.\n",
    );
    d.write(
        "coding/ben.csv",
        "document,quote,codes,memo\nS1,Trust takes a long time.,trust,\n",
    );
    d.settle(30);
    let changed = outputs(&d, OFF);
    assert_ne!(changed, reference, "the change shows");
    assert_eq!(outputs(&d, &[]), changed);
    assert_eq!(outputs(&d, &[]), changed);
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_rebuilt() {
    let d = Dir::project();
    d.settle(60);
    let reference = outputs(&d, OFF);
    outputs(&d, &[]);
    for file in [cache_file(&d), corpus_file(&d)] {
        damage_and_rebuild(&d, &file, &reference);
    }
    // The texts are kept apart and read only when wanted: damaged or gone, they are read from
    // the transcripts again.
    let texts = d.join(".thematic/texts.bin");
    let intact = std::fs::read(&texts).unwrap();
    std::fs::write(&texts, &intact[..intact.len() - 7]).unwrap();
    assert_eq!(outputs(&d, &[]), reference);
    std::fs::remove_file(&texts).unwrap();
    assert_eq!(outputs(&d, &[]), reference);
    damage_and_rebuild(&d, &texts, &reference);
}

fn damage_and_rebuild(d: &Dir, file: &std::path::Path, reference: &[String]) {
    let good = std::fs::read(file).unwrap();
    let mut flipped = good.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x55;
    let mut foreign = good.clone();
    foreign[8] ^= 1; // the version field of the header
    for bad in [
        good[..good.len() / 3].to_vec(),
        flipped,
        foreign,
        b"not a cache".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(file, &bad).unwrap();
        assert_eq!(outputs(d, &[]), reference);
        assert_eq!(
            std::fs::read(file).unwrap(),
            good,
            "{} rebuilt as it was",
            file.display()
        );
    }
}

#[test]
fn a_changed_sheet_reads_the_sheets_again_not_the_transcripts() {
    let d = Dir::project();
    d.settle(60);
    outputs(&d, &[]);
    let (corpus, coding) = (modified(&corpus_file(&d)), modified(&cache_file(&d)));
    d.write(
        "coding/ben.csv",
        "document,quote,codes,memo\nS1,Trust takes time.,communication,\n",
    );
    // Only the sheet is new: the transcripts keep their stamps.
    let sheet = std::fs::OpenOptions::new()
        .write(true)
        .open(d.join("coding/ben.csv"))
        .unwrap();
    sheet
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(30))
        .unwrap();
    let changed = outputs(&d, OFF);
    assert_eq!(outputs(&d, &[]), changed);
    assert_eq!(
        modified(&corpus_file(&d)),
        corpus,
        "the corpus was read from the cache"
    );
    assert_ne!(modified(&cache_file(&d)), coding, "the coding was read again");
    // The people are the corpus's: a new label is read again, and shows.
    let before = d.read("participants.csv");
    d.write(
        "participants.csv",
        before.replacen(",Partner", ",Partner organisation", 1),
    );
    d.settle(30);
    let relabelled = outputs(&d, OFF);
    assert_ne!(relabelled, changed, "the new label shows");
    assert_eq!(outputs(&d, &[]), relabelled);
    assert_ne!(modified(&corpus_file(&d)), corpus, "the corpus was read again");
}

#[test]
fn commands_at_once_do_not_corrupt_the_cache() {
    let d = Dir::project();
    d.settle(60);
    let reference = d
        .run_env(&["stats", "--by", "participant", "--format", "csv"], OFF)
        .ok()
        .stdout;
    let children: Vec<std::process::Child> = (0..8)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_thematic"))
                .args(["stats", "--by", "participant", "--format", "csv", "-p"])
                .arg(d.path())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), reference);
    }
    let warm = d
        .run(&["stats", "--by", "participant", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(warm, reference);
    assert!(
        d.read(".thematic/.gitignore").contains('*'),
        "the cache is never committed"
    );
}

#[test]
fn a_file_changed_within_a_clock_tick_of_the_cache_is_read_again() {
    let d = Dir::project();
    // Files just written have not settled: nothing is cached from them.
    d.run(&["check"]).ok();
    assert!(!cache_file(&d).exists());
    d.settle(60);
    d.run(&["check"]).ok();
    assert!(cache_file(&d).exists());
    // The same size, the same (settled) time: only then could a change hide. A real change
    // moves the time, and the new stamp is not trusted until it settles.
    let sheet = d.read("coding/ben.csv");
    let same_size = sheet.replace("trust;communication", "communication;trust");
    assert_eq!(same_size.len(), sheet.len());
    d.write("coding/ben.csv", &same_size);
    let fresh = d
        .run_env(&["extracts", "--coder", "ben", "--format", "csv"], OFF)
        .ok()
        .stdout;
    assert_eq!(
        d.run(&["extracts", "--coder", "ben", "--format", "csv"])
            .ok()
            .stdout,
        fresh
    );
    assert!(fresh.contains("trust;communication") || fresh.contains("communication;trust"));
}

#[test]
fn a_sheet_just_written_is_kept_by_its_contents_and_read_from_the_cache_next() {
    let d = Dir::project();
    d.settle(60);
    outputs(&d, &[]);
    // Written now, as `autocode` or `code` would just before the next command.
    d.write(
        "coding/ben.csv",
        "document,quote,codes,memo\nS1,Trust takes time.,communication,\n",
    );
    let reference = outputs(&d, OFF);
    let first = d.run(&["stats", "--format", "csv"]).ok().stdout;
    let kept = modified(&cache_file(&d));
    assert_eq!(outputs(&d, &[]), reference);
    assert_eq!(modified(&cache_file(&d)), kept, "the coding came from the cache");
    assert_eq!(d.run(&["stats", "--format", "csv"]).ok().stdout, first);
    // The same length and the same second, other words: the contents decide.
    d.write(
        "coding/ben.csv",
        "document,quote,codes,memo\nS1,Trust takes time.,shared-values,\n",
    );
    assert_ne!(outputs(&d, OFF), reference, "the change shows");
    assert_eq!(outputs(&d, &[]), outputs(&d, OFF));
}
