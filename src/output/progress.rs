//! Progress for long work (`--paginate` exports, `batch`) on stderr, drawn only when stderr is
//! a terminal, so pipes and logs never see it; stdout is never touched. Rate-limit waits are
//! folded into the line (route and time left) instead of printed one line each.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The part of the client's notice that announces a rate-limit wait (see
/// `discord_client::rest::client`): `rate limited on ROUTE; waiting SECS s`.
const WAIT_PREFIX: &str = "discord: rate limited on ";

/// What the line says after the counter.
#[derive(Debug, Default)]
struct Note {
    /// The caller's note (failures, lines read).
    text: String,
    /// The rate-limit wait in progress: route and when it ends.
    wait: Option<(String, Instant)>,
}

/// A live counter on stderr, or nothing when stderr is not a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    note: Arc<Mutex<Note>>,
    started: Instant,
}

impl Progress {
    /// A counter of `unit` (items, requests) with a running rate.
    pub fn counter(unit: &str) -> Progress {
        let note = Arc::new(Mutex::new(Note::default()));
        let started = Instant::now();
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                note,
                started,
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let template = format!("{{spinner}} {{pos}} {unit} ({{rate}}, {{elapsed}}) {{msg}}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.with_key(
                "rate",
                |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}", rate(s.per_sec()));
                },
            ));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        // Counts the time left of a wait down between the client's notices.
        let (ticking, shared) = (bar.clone(), Arc::clone(&note));
        std::thread::spawn(move || {
            while !ticking.is_finished() {
                if let Ok(n) = shared.lock() {
                    ticking.set_message(compose(&n, Instant::now()));
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        Progress {
            bar: Some(bar),
            note,
            started,
        }
    }

    /// Whether the counter is drawn (stderr is a terminal).
    pub fn is_drawn(&self) -> bool {
        self.bar.is_some()
    }

    /// Counts `n` more.
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Sets the note after the counter (failures, lines read).
    pub fn note(&self, text: String) {
        if let Ok(mut n) = self.note.lock() {
            n.text = text;
        }
    }

    /// Takes one line of the client's notices: a rate-limit wait goes into the counter's line;
    /// anything else is printed above it.
    pub fn notice(&self, line: &str) {
        if let Some((route, wait)) = parse_wait(line) {
            if let Ok(mut n) = self.note.lock() {
                n.wait = Some((route, Instant::now() + wait));
            }
            return;
        }
        match &self.bar {
            Some(bar) => bar.suspend(|| crate::output::diag(line)),
            None => crate::output::diag(line),
        }
    }

    /// A handle that [`Progress::notice`]s each line, for the client's `Notice`.
    pub fn notice_sink(self: &Arc<Self>) -> discord_client::Notice {
        let me = Arc::clone(self);
        discord_client::Notice::new(move |line| me.notice(line))
    }

    /// Clears the line (and stops its ticking), leaving the terminal clean for what follows.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The one line said at the end: how many, how fast, how many failed and how many were
    /// held back for rate limits.
    pub fn summary(&self, done: u64, unit: &str, failed: u64, held: u64) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        let per_sec = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let mut line = format!(
            "{done} {unit} in {secs:.1} s ({}), {failed} failed",
            rate(per_sec)
        );
        if held > 0 {
            line.push_str(&format!(", {held} held back for rate limits"));
        }
        line
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The note with the wait in progress, if any: `waiting 3.2 s on POST /channels/1/messages`.
fn compose(note: &Note, now: Instant) -> String {
    match &note.wait {
        Some((route, until)) if *until > now => format!(
            "{} · waiting {:.1} s on {route}",
            note.text,
            (*until - now).as_secs_f64()
        ),
        _ => note.text.clone(),
    }
}

/// Reads the client's wait notice back: the route and the wait.
fn parse_wait(line: &str) -> Option<(String, Duration)> {
    let rest = line.strip_prefix(WAIT_PREFIX)?;
    let (route, wait) = rest.split_once("; waiting ")?;
    let secs: f64 = wait.strip_suffix(" s")?.parse().ok()?;
    Some((route.to_string(), Duration::try_from_secs_f64(secs).ok()?))
}

/// A rate with as many digits as mean something: `374/s`, `12/s`, `2.5/s`, `0.25/s`.
pub fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        "0/s".to_string()
    } else if per_sec >= 10.0 {
        format!("{per_sec:.0}/s")
    } else if per_sec >= 1.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.2}/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_keep_meaningful_digits() {
        assert_eq!(rate(374.3211), "374/s");
        assert_eq!(rate(12.49), "12/s");
        assert_eq!(rate(2.54), "2.5/s");
        assert_eq!(rate(0.254), "0.25/s");
        assert_eq!(rate(f64::NAN), "0/s");
    }

    #[test]
    fn wait_notices_fold_into_the_line() {
        let line = "discord: rate limited on POST /channels/1/messages; waiting 4.5 s";
        let (route, wait) = parse_wait(line).unwrap();
        assert_eq!(route, "POST /channels/1/messages");
        assert_eq!(wait, Duration::from_millis(4500));
        assert_eq!(parse_wait("discord: retrying GET /x in 2.0 s"), None);
        let now = Instant::now();
        let note = Note {
            text: "of 30 read, 0 failed".into(),
            wait: Some((route, now + Duration::from_secs(3))),
        };
        assert_eq!(
            compose(&note, now),
            "of 30 read, 0 failed · waiting 3.0 s on POST /channels/1/messages"
        );
        assert_eq!(
            compose(&note, now + Duration::from_secs(4)),
            "of 30 read, 0 failed"
        );
    }
}
