//! `thematic completions SHELL` and `thematic man`: shell completions and the manual page,
//! both made from the command-line definition itself, so they never fall behind it.

use super::{Cli, Outcome};
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

/// Print shell completions
///
/// For example `thematic completions bash > ~/.local/share/bash-completion/completions/thematic`,
/// or `thematic completions zsh > ~/.zfunc/_thematic`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    shell: clap_complete::Shell,
}

pub fn completions(args: CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "thematic", &mut out);
    write_out(&out)
}

/// Print the manual page (roff)
///
/// For example `thematic man > ~/.local/share/man/man1/thematic.1` (then `man thematic`),
/// or `thematic man | man -l -`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

pub fn man(_args: ManArgs) -> Result<Outcome> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    // Then a page for each subcommand, as `thematic-check` and so on.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("thematic-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name)
            .bin_name(format!("thematic {}", sub.get_name()));
        clap_mangen::Man::new(page).render(&mut out)?;
    }
    write_out(&out)
}

fn write_out(bytes: &[u8]) -> Result<Outcome> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(Outcome::Done)
}
