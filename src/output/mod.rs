//! How results reach stdout: pretty, coloured JSON on a terminal, compact one-line JSON
//! otherwise, non-JSON bodies passed through unchanged. Diagnostics never come here; they go to
//! stderr. `--jq` (see [`jq`]) filters every JSON value on its way through here.

pub mod export_progress;
pub mod jq;
pub mod progress;
pub mod spool;

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use serde_json::Value;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::Result;

/// How JSON is written to stdout.
#[derive(Debug, Clone, Default)]
pub struct Printer {
    /// Indent JSON over several lines.
    pub pretty: bool,
    /// Colour JSON (colored_json).
    pub color: bool,
    /// The `--jq` filter each value goes through before it is written (shared, compiled once).
    pub jq: Option<Arc<jq::Jq>>,
    /// Write string values without quotes (`-r`).
    pub raw_output: bool,
}

impl Printer {
    /// Decides pretty/colour from the flags, whether stdout is a terminal, and `NO_COLOR`.
    /// `DISCORD_FORCE_TTY=1` makes stdout count as a terminal (for tests).
    /// Compiles `--jq` here, once, so a bad expression fails before any request is sent.
    pub fn from_args(args: &GlobalArgs) -> Result<Printer> {
        let tty = std::env::var_os("DISCORD_FORCE_TTY").is_some_and(|v| v == "1")
            || io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let mut printer = Printer::decide(args.pretty, args.compact, args.color, tty, no_color);
        printer.jq = match &args.jq {
            Some(expr) => Some(Arc::new(jq::Jq::compile(expr)?)),
            None => None,
        };
        printer.raw_output = args.raw_output;
        Ok(printer)
    }

    /// The same settings printing one compact line per value (for `--lines` style output).
    pub fn one_line(&self) -> Printer {
        Printer {
            pretty: false,
            ..self.clone()
        }
    }

    /// The decision itself, as a pure function.
    pub fn decide(
        pretty: bool,
        compact: bool,
        color: ColorChoice,
        tty: bool,
        no_color: bool,
    ) -> Printer {
        let pretty = if pretty {
            true
        } else if compact {
            false
        } else {
            tty
        };
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Printer {
            pretty,
            color,
            jq: None,
            raw_output: false,
        }
    }

    /// Renders a JSON value as text (without a trailing newline).
    pub fn render(&self, value: &Value) -> String {
        if self.color {
            let styler = if self.pretty {
                colored_json::to_colored_json(value, colored_json::ColorMode::On)
            } else {
                colored_json::ColoredFormatter::new(serde_json::ser::CompactFormatter)
                    .to_colored_json(value, colored_json::ColorMode::On)
            };
            if let Ok(text) = styler {
                return text;
            }
        }
        let text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        text.unwrap_or_default()
    }

    /// Writes a JSON value to `out` followed by a newline; with `--jq`, writes each of the
    /// filter's outputs instead, one per line.
    pub fn write_value(&self, out: &mut dyn Write, value: &Value) -> Result<()> {
        match &self.jq {
            Some(jq) => {
                for output in jq.run(value)? {
                    self.write_one(out, &output)?;
                }
                Ok(())
            }
            None => self.write_one(out, value),
        }
    }

    fn write_one(&self, out: &mut dyn Write, value: &Value) -> Result<()> {
        match value {
            Value::String(s) if self.raw_output => out.write_all(s.as_bytes())?,
            _ => out.write_all(self.render(value).as_bytes())?,
        }
        out.write_all(b"\n")?;
        Ok(())
    }

    /// Writes a response body: JSON is re-rendered per the settings, anything else is passed
    /// through unchanged (`--jq` needs JSON, so a non-JSON body with `--jq` is an error).
    /// An empty body writes nothing.
    pub fn write_body(&self, out: &mut dyn Write, body: &[u8]) -> Result<()> {
        if body.is_empty() {
            return Ok(());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => self.write_value(out, &value),
            Err(_) if self.jq.is_some() => Err(crate::Error::runtime(
                "--jq needs a JSON response, but the server answered with something else; drop --jq to see it",
            )),
            Err(_) => {
                out.write_all(body)?;
                Ok(())
            }
        }
    }

    /// Writes a response body to stdout and flushes.
    pub fn print_body(&self, body: &[u8]) -> Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        self.write_body(&mut out, body)?;
        out.flush()?;
        Ok(())
    }

    /// Writes a JSON value to stdout and flushes.
    pub fn print_value(&self, value: &Value) -> Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        self.write_value(&mut out, value)?;
        out.flush()?;
        Ok(())
    }
}

/// Writes text as it is to stdout and flushes (what `--dry-run` prints, for one).
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Writes one diagnostic line to stderr. Unlike `eprintln!`, a closed stderr is ignored rather
/// than a panic.
pub fn diag(text: &str) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
}

/// The client's [`discord_client::Notice`] for this process: each line goes to stderr via [`diag`].
pub fn notice() -> discord_client::Notice {
    discord_client::Notice::new(diag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn terminal_means_pretty_and_colour_unless_no_color() {
        let p = Printer::decide(false, false, ColorChoice::Auto, true, false);
        assert!(p.pretty && p.color);
        let p = Printer::decide(false, false, ColorChoice::Auto, true, true);
        assert!(p.pretty && !p.color);
        let p = Printer::decide(false, false, ColorChoice::Auto, false, false);
        assert!(!p.pretty && !p.color);
        let p = Printer::decide(true, false, ColorChoice::Always, false, true);
        assert!(p.pretty && p.color);
    }

    #[test]
    fn compact_is_one_line_and_non_json_passes_through() {
        let p = Printer::decide(false, true, ColorChoice::Never, true, false);
        let mut out = Vec::new();
        p.write_body(&mut out, br#"{ "a" : [1, 2] }"#).unwrap();
        assert_eq!(out, b"{\"a\":[1,2]}\n");
        let mut out = Vec::new();
        p.write_body(&mut out, b"<html>").unwrap();
        assert_eq!(out, b"<html>");
        let mut out = Vec::new();
        p.write_value(&mut out, &json!({"k": 1})).unwrap();
        assert_eq!(out, b"{\"k\":1}\n");
    }
}
