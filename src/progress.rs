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

/// With `THEMATIC_TRACE=1`, one line on standard error per step of a run: seconds since the
/// start, the memory in use and its peak so far (Linux), and the step's name. For finding what
/// a long run spends its time and memory on; nothing otherwise.
pub fn trace(step: &str) {
    static START: std::sync::OnceLock<Option<Instant>> = std::sync::OnceLock::new();
    let Some(start) = START.get_or_init(|| std::env::var_os("THEMATIC_TRACE").map(|_| Instant::now())) else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or_else(|| "?".to_string(), |kb| format!("{}", kb / 1024))
    };
    eprintln!(
        "[trace {:7.2}s rss {:>6} MB peak {:>6} MB] {step}",
        start.elapsed().as_secs_f64(),
        field("VmRSS:"),
        field("VmHWM:")
    );
}
