//! `thematic serve`: a local coding workspace in the browser. An HTTP server on the loopback
//! address, guarded by a random token and by `Host` and `Origin` checks ([`guard`]), serving
//! the page from the binary ([`assets`]) and a small JSON API ([`api`], the survey grid in
//! [`grid`]) that loads the analysis folder on every request and changes it only through
//! [`crate::edit`].

mod api;
mod assets;
mod changes;
mod grid;
mod guard;

use anyhow::{Context, Result};
use axum::routing::get;
use axum::Router;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The largest request body the server reads.
pub const MAX_BODY: usize = 1024 * 1024;

/// How the workspace was started.
#[derive(Debug, Clone)]
pub struct Options {
    /// The analysis folder.
    pub root: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// The coder the page codes as unless it names another.
    pub coder: Option<String>,
    /// Open the page in the system's browser.
    pub open: bool,
}

/// What every request handler shares.
pub(crate) struct State {
    pub root: PathBuf,
    pub coder: Option<String>,
    pub token: String,
    pub port: u16,
    /// Held while a sheet is being changed, so two requests never interleave their writes.
    pub writing: Mutex<()>,
    /// The folder as last loaded, while its files are unchanged.
    pub loaded: Mutex<Option<Loaded>>,
}

/// A loaded folder and the version of the files it was loaded from.
pub(crate) struct Loaded {
    pub version: u64,
    pub project: Arc<crate::project::Project>,
    pub problems: Arc<crate::diagnostics::Diagnostics>,
}

/// Serves the workspace until the process is stopped.
pub fn run(options: Options) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .context("cannot start the server")?;
    runtime.block_on(serve(options))
}

async fn serve(options: Options) -> Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is the port in use? --port 0 picks a free one)")
    })?;
    let port = listener.local_addr()?.port();
    let state = Arc::new(State {
        root: options.root,
        coder: options.coder,
        token: guard::new_token()?,
        port,
        writing: Mutex::new(()),
        loaded: Mutex::new(None),
    });
    let url = format!("http://127.0.0.1:{port}/?token={}", state.token);
    println!("{url}");
    eprintln!("serving {} (stop with Ctrl-C)", state.root.display());
    if options.open {
        open_browser(&url);
    }
    axum::serve(listener, router(state))
        .await
        .context("the server stopped")
}

fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/app.css", get(assets::css))
        .route("/app.js", get(assets::js))
        .merge(api::routes())
        .merge(grid::routes())
        .fallback(api::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::check))
        .with_state(state)
}

/// Runs the system's opener on `url`, if there is one; the URL is printed either way.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        eprintln!("could not run {opener}: open the address above in a browser");
    }
}
