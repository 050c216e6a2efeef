//! `thematic serve`: the coding workspace in the browser.

use super::{Global, Outcome};
use anyhow::Result;

/// Code in the browser: a local workspace that reads and writes the analysis folder
///
/// Serves a page on 127.0.0.1 only, at the address it prints (with a random token: keep it to
/// yourself). Every coding is a row written to coding/<coder>.csv, as `thematic code` writes it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on [default: a free one]
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// The coder the page codes as, i.e. the sheet coding/<coder>.csv [default: $THEMATIC_CODER]
    #[arg(long, value_name = "NAME")]
    coder: Option<String>,
    /// Open the page in the system's browser
    #[arg(long)]
    open: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let root = global.root()?;
    let coder = args
        .coder
        .or_else(|| std::env::var("THEMATIC_CODER").ok().filter(|c| !c.is_empty()));
    crate::serve::run(crate::serve::Options {
        root,
        port: args.port,
        coder,
        open: args.open,
    })?;
    Ok(Outcome::Done)
}
