//! `thematic import`: a REFI-QDA project or codebook from NVivo, ATLAS.ti, MAXQDA, QualCoder,
//! qc and others.

use super::{emit, Global, Outcome};
use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::Diagnostics;
use crate::fsutil::write_atomic;
use crate::refi::{self, archive::Limits};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Import a REFI-QDA project (.qdpx, .qde) or codebook (.qdc)
///
/// From NVivo, ATLAS.ti, MAXQDA, QualCoder, qc... Nothing is written unless the whole file
/// could be read.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// A project (.qdpx, or a bare .qde) into a new analysis folder: transcripts, participants
    /// from cases, codebook from the code tree, one coding sheet per user, memos
    Qdpx(QdpxArgs),
    /// A codebook (.qdc) into the project's codebook.md
    Qdc(QdcArgs),
}

#[derive(Debug, clap::Args)]
struct QdpxArgs {
    /// The .qdpx (or .qde) file
    file: PathBuf,
    /// The folder to create (or an empty one) [default: the --project folder, else a folder
    /// named after FILE in the current folder]
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct QdcArgs {
    /// The .qdc file
    file: PathBuf,
    /// Replace an existing codebook.md
    #[arg(long)]
    replace: bool,
}

impl Args {
    /// Whether the import changes the analysis folder (a codebook into it); a project import
    /// makes a new folder.
    pub(super) fn writes_into_project(&self) -> bool {
        matches!(self.what, What::Qdc(_))
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    match args.what {
        What::Qdpx(a) => qdpx(global, a),
        What::Qdc(a) => qdc(global, a),
    }
}

fn qdpx(global: &Global, args: QdpxArgs) -> Result<Outcome> {
    let target = match args.into.or_else(|| global.project.clone()) {
        Some(dir) => dir,
        None => {
            let stem = args
                .file
                .file_stem()
                .map(|s| refi::names::file_safe(&s.to_string_lossy(), false, "imported"))
                .unwrap_or_else(|| "imported".into());
            PathBuf::from(stem)
        }
    };
    refi::check_target(&target)?;
    // Three steps, shown only when they take longer than a second on a terminal.
    let bar = crate::progress::Bar::new("importing: read, convert, write");
    bar.start(3);
    let mut container = refi::open(&args.file, Limits::default())?;
    bar.inc();
    let (folder, summary) = refi::import::project(&mut container)?;
    bar.inc();
    refi::write_folder(&target, &folder)?;
    bar.inc();
    bar.finish();
    let into = target.display().to_string();
    let mut out = summary.render_project(&into);
    out.push_str(&format!("next: thematic check -p {}\n", shell_word(&into)));
    emit(&out)?;
    Ok(Outcome::Done)
}

fn qdc(global: &Global, args: QdcArgs) -> Result<Outcome> {
    let root = crate::project::find_root(global.project.as_deref())?;
    let book_file = codebook_path(&root)?;
    let path = root.join(&book_file);
    if path.exists() && !args.replace {
        bail!(
            "{} exists: add --replace to overwrite it with the imported codebook (nothing was written)",
            path.display()
        );
    }
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {file}"))?;
    if bytes.starts_with(b"PK\x03\x04") {
        bail!("{file} is a zip archive (a .qdpx project): use `thematic import qdpx`");
    }
    let (markdown, summary) = refi::import::codebook(&bytes, &file)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_atomic(&path, markdown.as_bytes())?;
    emit(&summary.render_codebook(&path.display().to_string()))?;
    Ok(Outcome::Done)
}

/// The project's codebook file, from thematic.toml when there is one.
fn codebook_path(root: &Path) -> Result<String> {
    match std::fs::read_to_string(root.join(CONFIG_FILE)) {
        Ok(text) => {
            let mut diags = Diagnostics::default();
            let config = Config::parse(&text, CONFIG_FILE, &mut diags);
            // `[codebook] path` may be among the settings that did not parse.
            crate::edit::refuse_if_broken(&diags, |_| false)?;
            Ok(config.codebook.path)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default().codebook.path),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", root.join(CONFIG_FILE).display())),
    }
}

/// A path as one shell word, quoted when it needs to be.
fn shell_word(s: &str) -> String {
    if s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
