//! Progress of `discord export` on a terminal: a line for each channel being walked (messages
//! and pages so far) under an overall line (channels done of planned, messages, pages, media
//! files and bytes, the rate). Drawn only when stderr is a terminal, like [`super::progress`];
//! pipes and logs see nothing. The counting is [`Tallies`], kept apart from the drawing so it
//! can be tested alone.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::progress::rate;
use crate::export::Event;

/// What the export has done so far.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tallies {
    /// Channels and threads to walk.
    pub planned: usize,
    /// Channels and threads walked.
    pub finished: usize,
    /// Messages written (new, and rewritten by `--refresh-since`).
    pub messages: u64,
    /// Pages committed.
    pub pages: u64,
    /// Media files stored.
    pub media_files: u64,
    /// Their bytes.
    pub media_bytes: u64,
    /// The channels being walked: (messages, pages) each.
    pub walking: BTreeMap<String, (u64, u64)>,
}

impl Tallies {
    /// Counts one event.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Planned(n) => self.planned = n,
            Event::Started(name) => {
                self.walking.insert(name.to_string(), (0, 0));
            }
            Event::Page(name, n) => {
                self.messages += n;
                self.pages += 1;
                let entry = self.walking.entry(name.to_string()).or_default();
                entry.0 += n;
                entry.1 += 1;
            }
            Event::Finished(name) => {
                self.walking.remove(name);
                self.finished += 1;
            }
            Event::Media(bytes) => {
                self.media_files += 1;
                self.media_bytes += bytes;
            }
        }
    }

    /// The overall line, `elapsed` into the run.
    pub fn overall(&self, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64();
        let per_sec = if secs > 0.0 {
            self.messages as f64 / secs
        } else {
            0.0
        };
        let mut line = format!(
            "export: {} of {} channels, {} ({}), {}",
            self.finished,
            self.planned,
            counted(self.messages, "message"),
            rate(per_sec),
            counted(self.pages, "page")
        );
        if self.media_files > 0 {
            line.push_str(&format!(
                ", media {} files {}",
                self.media_files,
                HumanBytes(self.media_bytes)
            ));
        }
        line
    }

    /// The line of a channel being walked.
    pub fn channel(&self, name: &str) -> Option<String> {
        let (messages, pages) = self.walking.get(name)?;
        Some(format!(
            "  {name}: {}, {}",
            counted(*messages, "message"),
            counted(*pages, "page")
        ))
    }
}

/// `1 page`, `2 pages`.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The drawn lines, when stderr is a terminal.
struct Drawn {
    multi: MultiProgress,
    overall: ProgressBar,
    channels: BTreeMap<String, ProgressBar>,
}

/// Export progress on stderr, or only counting when stderr is not a terminal.
pub struct ExportProgress {
    tallies: Mutex<Tallies>,
    drawn: Option<Mutex<Drawn>>,
    started: Instant,
}

impl ExportProgress {
    /// Starts drawing if stderr is a terminal.
    pub fn new() -> ExportProgress {
        let drawn = std::io::stderr().is_terminal().then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new_spinner());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                overall.set_style(style);
            }
            overall.enable_steady_tick(Duration::from_millis(200));
            Mutex::new(Drawn {
                multi,
                overall,
                channels: BTreeMap::new(),
            })
        });
        ExportProgress {
            tallies: Mutex::new(Tallies::default()),
            drawn,
            started: Instant::now(),
        }
    }

    /// Counts an event and redraws the lines it changes.
    pub fn event(&self, event: Event) {
        let mut tallies = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        tallies.apply(event);
        let Some(drawn) = &self.drawn else {
            return;
        };
        let mut d = drawn.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            Event::Started(name) => {
                let bar = d.multi.add(ProgressBar::new_spinner());
                if let Ok(style) = ProgressStyle::with_template("{msg}") {
                    bar.set_style(style);
                }
                bar.set_message(tallies.channel(name).unwrap_or_default());
                d.channels.insert(name.to_string(), bar);
            }
            Event::Page(name, _) => {
                if let (Some(bar), Some(line)) = (d.channels.get(name), tallies.channel(name)) {
                    bar.set_message(line);
                }
            }
            Event::Finished(name) => {
                if let Some(bar) = d.channels.remove(name) {
                    bar.finish_and_clear();
                    d.multi.remove(&bar);
                }
            }
            Event::Planned(_) | Event::Media(_) => {}
        }
        d.overall
            .set_message(tallies.overall(self.started.elapsed()));
    }

    /// Clears the lines, leaving the terminal clean for the summary.
    pub fn finish(&self) {
        if let Some(drawn) = &self.drawn {
            let d = drawn.lock().unwrap_or_else(|p| p.into_inner());
            for bar in d.channels.values() {
                bar.finish_and_clear();
            }
            d.overall.finish_and_clear();
        }
    }
}

impl Default for ExportProgress {
    fn default() -> Self {
        ExportProgress::new()
    }
}

impl Drop for ExportProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_count_per_channel_and_overall() {
        let mut t = Tallies::default();
        t.apply(Event::Planned(2));
        t.apply(Event::Started("#general"));
        t.apply(Event::Started("thread ideas"));
        t.apply(Event::Page("#general", 100));
        t.apply(Event::Page("#general", 40));
        t.apply(Event::Page("thread ideas", 3));
        assert_eq!(
            t.channel("thread ideas").as_deref(),
            Some("  thread ideas: 3 messages, 1 page")
        );
        assert_eq!(
            t.channel("#general").as_deref(),
            Some("  #general: 140 messages, 2 pages")
        );
        t.apply(Event::Finished("thread ideas"));
        assert_eq!(t.channel("thread ideas"), None);
        assert_eq!(
            t.overall(Duration::from_secs(2)),
            "export: 1 of 2 channels, 143 messages (72/s), 3 pages"
        );
        t.apply(Event::Media(1536));
        t.apply(Event::Media(512));
        assert!(t
            .overall(Duration::from_secs(2))
            .ends_with(", media 2 files 2.00 KiB"));
    }
}
