//! `thematic git-setup`: what `thematic init` sets up in git, for an analysis folder that is
//! already in a repository.

use super::{emit, Global, Outcome};
use crate::gitsetup::{setup, toplevel, Done};
use anyhow::{bail, Result};

/// Set up an existing analysis folder's git repository for thematic
///
/// Registers the merge driver for coding sheets, participants.csv and documents.csv
/// (.gitattributes and the repository's config, so two coders' branches merge row by row),
/// adds .thematic/ to .gitignore, and writes a GitHub Actions workflow, a GitLab CI file and a
/// pre-commit configuration that run `thematic check --strict` and `thematic report --check`
/// and show `thematic diff`. Files that exist already are kept (.gitattributes and .gitignore
/// get the lines they lack).
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(global: &Global, _args: Args) -> Result<Outcome> {
    let root = global.root()?;
    if toplevel(&root).is_none() {
        bail!(
            "{} is not in a git repository: run `git init` there first (or `thematic init` for a new folder)",
            root.display()
        );
    }
    let config = {
        let mut diags = crate::diagnostics::Diagnostics::default();
        let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
        let config = crate::config::Config::parse(&text, crate::config::CONFIG_FILE, &mut diags);
        // The git files name the sheets folder and participants file: never from defaults
        // standing in for settings that did not parse.
        crate::edit::refuse_if_broken(&diags, |_| false)?;
        config
    };
    let done = setup(&root, &config.coding.sheets, &config.corpus.participants)?;
    let mut text = if done.files.is_empty() {
        format!("{}: every git file was there already\n", root.display())
    } else {
        format!("wrote {} in {}\n", done.files.join(", "), root.display())
    };
    text.push_str(&explain(&done, true));
    emit(&text)?;
    Ok(Outcome::Done)
}

/// What the set-up means for the analyst, after the list of files: lines of text.
pub(super) fn explain(done: &Done, git_found: bool) -> String {
    if !git_found {
        return "git was not found: install it, then run `thematic git-setup` to register the merge driver\n"
            .into();
    }
    let mut out = String::new();
    if done.registered {
        out.push_str("merge driver registered: coding sheets, participants.csv and documents.csv merge row by row (`thematic` must be on the PATH)\n");
    }
    if let Some(top) = &done.toplevel_elsewhere {
        out.push_str(&format!(
            "note: the repository's top is {}: GitHub and GitLab read .github/workflows/ and .gitlab-ci.yml only there; move them up and run the commands with -p\n",
            top.display()
        ));
    }
    out
}
