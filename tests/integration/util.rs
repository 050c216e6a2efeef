//! The fixture: an analysis folder in a temporary directory, and a way to run the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Dir {
    tmp: tempfile::TempDir,
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Problem lines (`error: ...`, `warning: ...`) of `check`'s output.
    pub fn problems(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
            .collect()
    }

    #[track_caller]
    pub fn ok(self) -> Output {
        assert_eq!(self.code, 0, "expected success:\n{self:#?}");
        self
    }
}

impl Dir {
    pub fn empty() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The standard small project whose counts the tests work out by hand.
    pub fn project() -> Dir {
        let d = Dir::empty();
        d.write("thematic.toml", FIXTURE_TOML);
        d.write("participants.csv", FIXTURE_PARTICIPANTS);
        d.write("codebook.md", FIXTURE_CODEBOOK);
        d.write("transcripts/S1.txt", "Interviewer: What works?\nR: We share values. Communication is good.\n\nInterviewer: And trust?\nR: Trust takes time.\n");
        d.write(
            "transcripts/S2.md",
            "---\nparticipant: S2\n---\n\n**Interviewer:** What works?\n\n**Staff 2:** Funding is short. We share values too.\n",
        );
        d.write(
            "transcripts/focus.md",
            "Facilitator: Tell me about values.\nJo Bloggs: We share values with them.\nPartner 2: Funding is short, and trust is low.\n",
        );
        d.write(
            "transcripts/U1.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>How was it?</v>\n\n00:00:02.000 --> 00:00:04.000\n<v Service user 1>Trust takes time.</v>\n\n00:00:04.000 --> 00:00:06.000\n<v Service user 1>Staff were kind.</v>\n",
        );
        d.write("coding/amira.csv", FIXTURE_AMIRA);
        d.write("coding/ben.csv", FIXTURE_BEN);
        d
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap()
    }

    pub fn remove(&self, rel: &str) {
        let path = self.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
    }

    /// Runs `thematic ARGS -p DIR`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.path().to_str().unwrap().to_string();
        all.push("-p");
        all.push(&root);
        run_in(self.path(), &all)
    }

    /// `thematic ARGS -p DIR` without the cache, reading the sheets and surveys over `over`
    /// bytes from their files as they are parsed: (exit code, standard output, standard error).
    pub fn run_streamed(&self, over: &str, args: &[&str]) -> (i32, String, String) {
        let out = self.run_env(args, &[("THEMATIC_STREAM_OVER", over), ("THEMATIC_CACHE", "off")]);
        (out.code, out.stdout, out.stderr)
    }

    /// Runs `thematic ARGS -p DIR` with environment variables set.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.path().to_str().unwrap().to_string();
        all.push("-p");
        all.push(&root);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thematic"));
        cmd.args(&all)
            .current_dir(self.path())
            .env_remove("THEMATIC_CODER");
        for (k, v) in env {
            cmd.env(k, v);
        }
        output(cmd)
    }

    /// Dates every file of the folder (the cache aside) `seconds` back, as files look a while
    /// after they were saved: the cache trusts only stamps that have settled.
    pub fn settle(&self, seconds: u64) {
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds);
        for f in self.files() {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(self.join(&f))
                .unwrap();
            file.set_modified(when).unwrap();
        }
    }

    /// The names of every file under the folder, for checking nothing stray was left. The
    /// cache (`.thematic/`) is not the user's: it is left out.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                if e.file_name() == ".thematic" {
                    continue;
                }
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    out.push(
                        e.path()
                            .strip_prefix(self.path())
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        out.sort();
        out
    }
}

/// Runs the binary with `args` in `cwd`, with no coder set in the environment.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thematic"));
    cmd.args(args).current_dir(cwd).env_remove("THEMATIC_CODER");
    output(cmd)
}

fn output(mut cmd: Command) -> Output {
    let out = cmd.output().expect("the binary runs");
    let o = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 errors"),
    };
    assert!(!o.stderr.contains("panicked"), "the binary panicked: {o:#?}");
    o
}

/// The REFI-QDA files kept in the repository, those whose licences allow it (NOTICE.md there).
pub const REFI_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/refi-qda");

/// The shared REFI-QDA reference folder beside a development checkout, with every sample.
pub const REFI_SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/refi-qda");

/// The shared REFI-QDA folder, for a test that needs `what` from it. A fresh clone has no
/// `../shared`: then `None`, and the test says so on stderr and passes (returning early or
/// leaving those files out), unless THEMATIC_REQUIRE_SHARED is set (as `.ci/run` does), when
/// it fails. The one place that decides whether a missing `../shared` is a skip or a failure.
pub fn shared_refi(what: &str) -> Option<PathBuf> {
    let required = std::env::var_os("THEMATIC_REQUIRE_SHARED").is_some();
    match shared_refi_at(Path::new(REFI_SHARED), what, required) {
        Ok(dir) => Some(dir),
        Err(Absent::Skip(reason)) => {
            eprintln!("{reason}");
            None
        }
        Err(Absent::Fail(reason)) => panic!("{reason}"),
    }
}

/// Why the shared REFI-QDA folder cannot be used, as [`shared_refi_at`] decides.
#[derive(Debug, PartialEq)]
pub enum Absent {
    /// The test passes, saying so.
    Skip(String),
    /// THEMATIC_REQUIRE_SHARED is set: the test fails.
    Fail(String),
}

/// [`shared_refi`] with the folder and the requirement given, so a test can try both.
pub fn shared_refi_at(dir: &Path, what: &str, required: bool) -> Result<PathBuf, Absent> {
    if dir.join("samples").is_dir() {
        return Ok(dir.to_path_buf());
    }
    // libtest names each test's thread after the test.
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    Err(if required {
        Absent::Fail(format!(
            "{test}: {what} needs ../shared/refi-qda ({}), which is missing, and THEMATIC_REQUIRE_SHARED is set",
            dir.display()
        ))
    } else {
        Absent::Skip(format!(
            "skipped: {test}: {what} needs ../shared/refi-qda (not in a fresh clone)"
        ))
    })
}

/// A REFI-QDA reference file by its path in the reference folder (`samples/NAME`,
/// `xsd/NAME`): the copy in tests/fixtures/refi-qda when there is one, else the one in
/// `../shared/refi-qda`; `None` (the test skips) as [`shared_refi`] decides.
pub fn refi_file(rel: &str) -> Option<PathBuf> {
    let kept = Path::new(REFI_FIXTURES).join(rel);
    if kept.is_file() {
        return Some(kept);
    }
    let file = shared_refi(rel)?.join(rel);
    assert!(
        file.is_file(),
        "{} is missing from ../shared/refi-qda",
        file.display()
    );
    Some(file)
}

/// Every REFI-QDA sample ending `.EXT`: those in tests/fixtures/refi-qda, and those in
/// `../shared/refi-qda` when it is there (a file of the same name once), sorted by name.
pub fn refi_samples(ext: &str) -> Vec<PathBuf> {
    let mut dirs = vec![Path::new(REFI_FIXTURES).join("samples")];
    if let Some(shared) = shared_refi(&format!("every .{ext} sample not kept in tests/fixtures")) {
        dirs.push(shared.join("samples"));
    }
    let mut out: std::collections::BTreeMap<std::ffi::OsString, PathBuf> = Default::default();
    for dir in dirs {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for p in entries.flatten().map(|e| e.path()) {
            if p.extension().is_some_and(|e| e == ext) {
                out.entry(p.file_name().unwrap().to_owned()).or_insert(p);
            }
        }
    }
    out.into_values().collect()
}

/// A minimal .docx holding `paragraphs`.
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut body = String::new();
    for p in paragraphs {
        let esc = p.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{esc}</w:t></w:r></w:p>"
        ));
    }
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(doc.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

pub const FIXTURE_TOML: &str = "[project]\ntitle = \"Fixture\"\n\n[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\nservice_user = \"Service users\"\n";

pub const FIXTURE_PARTICIPANTS: &str = "id,group,label,aliases,site\nS1,staff,Staff 1,,north\nS2,staff,Staff 2,,south\nP1,partner,Partner 1,Jo Bloggs,north\nP2,partner,Partner 2,,south\nU1,service_user,Service user 1,,north\n";

pub const FIXTURE_CODEBOOK: &str = "# Relationships\nAbout relationships.\n\n## Values\nWhat people value.\n\n- `shared-values` — values that fit.\n  - polarity: positive\n- `trust` — trust between partners.\n\n## Talk\n- `communication` — keeping in touch.\n\n# Resources\n- `funding` — money.\n  - polarity: negative\n";

pub const FIXTURE_AMIRA: &str = "document,quote,codes,memo\nS1,We share values.,shared-values,\nS1,Communication is good.,communication;trust,\nS1,Trust takes time.,trust,\nS2,Funding is short.,funding,\nS2,We share values too.,shared-values,\nfocus,We share values with them.,shared-values,\nfocus,\"Funding is short, and trust is low.\",funding;trust,\nU1,Trust takes time.,trust,\nU1,Staff were kind.,kindness,\n";

pub const FIXTURE_BEN: &str = "document,quote,codes,memo\nS1,We share values.,shared-values,\nS1,Trust takes time.,trust;communication,\n";

/// Knuth's MMIX linear congruential generator: deterministic test data without a crate.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Copies a folder and everything under it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
