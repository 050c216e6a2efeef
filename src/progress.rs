//! Progress on long runs: a bar on standard error once work has taken about a second, on a
//! terminal only; nothing when standard error is piped or the work is quick.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long work runs before its bar is shown.
const DELAY: Duration = Duration::from_secs(1);

pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    terminal: bool,
}

impl Bar {
    /// A bar for `what` (such as "indexing documents"), hidden until it is given work.
    pub fn new(what: &str) -> Bar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(what.to_string());
        Bar {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// The amount of work to do.
    pub fn start(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(0);
    }

    /// One more piece of work done.
    pub fn inc(&self) {
        self.bar.inc(1);
        if self.terminal && !self.shown.load(Ordering::Relaxed) && self.started.elapsed() >= DELAY {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) {
            self.bar.finish_and_clear();
        }
    }
}
