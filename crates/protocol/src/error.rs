//! The one error type of the tool: a kind (which decides the exit code) and a message that
//! names what went wrong and how to fix it.

use std::fmt;

/// What kind of failure this is; [`ErrorKind::exit_code`] maps it to the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's input was wrong (bad flag, bad JSON, missing token): exit 2.
    Usage,
    /// Discord answered with an HTTP error status: exit 1.
    Api,
    /// The network failed (refused, DNS, TLS, timeout): exit 1.
    Network,
    /// The gateway closed the session for good (bad token, disallowed intents, ...): exit 1.
    Gateway,
    /// The output pipe was closed by the reader (`| head`): exit 0, quietly.
    BrokenPipe,
    /// Help or version was printed: exit 0, nothing more to say.
    Help,
    /// Anything else (files, config): exit 1.
    Runtime,
}

impl ErrorKind {
    /// The process exit status for this kind of failure.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::BrokenPipe | ErrorKind::Help => 0,
            ErrorKind::Usage => 2,
            ErrorKind::Api | ErrorKind::Network | ErrorKind::Gateway | ErrorKind::Runtime => 1,
        }
    }
}

/// An error with its kind. `message` is one line; `details` are extra lines printed after it
/// (used for Discord's per-field errors).
#[derive(Debug)]
pub struct Error {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// The one-line message, lowercase, naming the fix where there is one.
    pub message: String,
    /// Extra lines (one per field error), printed after the message.
    pub details: Vec<String>,
}

/// User input as an error message shows it: on one line (control characters escaped) and cut
/// short when long, so a stray newline or a megabyte of JSON cannot spread over the terminal.
pub fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let cut: String = text.chars().take(MAX_CHARS).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("'{}{more}'", EscapedControls(&cut))
}

/// Writes text with control characters (line breaks, escapes) as `\n`-style escapes, so
/// whatever a message quotes cannot break it over lines or drive the terminal.
struct EscapedControls<'a>(&'a str);

impl fmt::Display for EscapedControls<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// The tool's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    /// A runtime error (exit 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Runtime, message)
    }

    /// A network error (exit 1).
    pub fn network(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Network, message)
    }

    /// Adds detail lines.
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// Prefixes the message with context, keeping it on one line.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message and each detail are one line each, whatever user input they quote.
        write!(f, "{}", EscapedControls(&self.message))?;
        for line in &self.details {
            write!(f, "\n{}", EscapedControls(line))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Error::new(ErrorKind::BrokenPipe, "output closed")
        } else {
            Error::runtime(err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_by_kind() {
        assert_eq!(ErrorKind::Usage.exit_code(), 2);
        assert_eq!(ErrorKind::Api.exit_code(), 1);
        assert_eq!(ErrorKind::BrokenPipe.exit_code(), 0);
    }

    #[test]
    fn broken_pipe_io_error_is_quiet() {
        let err: Error = std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        assert_eq!(err.kind, ErrorKind::BrokenPipe);
    }

    #[test]
    fn messages_quoting_line_breaks_stay_on_one_line() {
        let err = Error::usage("field 'a\nb\x1b[31m' must look like key=value");
        assert_eq!(err.to_string().lines().count(), 1);
        assert!(err.to_string().contains("a\\nb\\u{1b}[31m"));
    }

    #[test]
    fn shown_input_stays_on_one_short_line() {
        assert_eq!(shown("12a"), "'12a'");
        assert_eq!(shown("1\n2\t"), "'1\\n2\\t'");
        let long = shown(&"x".repeat(1000));
        assert!(long.chars().count() < 70 && long.ends_with("…'"));
    }
}
