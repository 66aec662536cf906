//! Progress for long work (`--paginate` exports, `batch`) on stderr, drawn only when stderr is
//! a terminal, so pipes and logs never see it; stdout is never touched.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A live counter on stderr, or nothing when stderr is not a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A counter of `unit` (items, requests) with a running rate.
    pub fn counter(unit: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let template = format!("{{spinner}} {{pos}} {unit} ({{per_sec}}, {{elapsed}}) {{msg}}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// Counts `n` more.
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Sets the note after the counter (failures, rate-limit waits).
    pub fn note(&self, text: String) {
        if let Some(bar) = &self.bar {
            bar.set_message(text);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Leave the terminal clean for whatever prints next.
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
