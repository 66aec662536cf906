//! Running one `--exec` handler: the event JSON on its stdin, the event's facts and this run's
//! API settings in its environment, its stdout collected, the last line of its stderr kept
//! for the log, and the whole process group killed at `--exec-timeout`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Dispatch;
use crate::config::Settings;
use crate::Result;

/// What a handler may print that is kept (an interaction response or a reply is far smaller).
const MAX_STDOUT: usize = 1 << 20;
/// How often a running handler is checked on.
const POLL: Duration = Duration::from_millis(10);
/// How long the output of an ended handler is waited for (a child it left behind may hold
/// the pipes open).
const DRAIN: Duration = Duration::from_secs(1);

/// The environment variables a handler gets about its event; any of them inherited from
/// `listen`'s own environment is removed first, so a handler never sees a stale one.
const EVENT_VARS: &[&str] = &[
    "DISCORD_EVENT",
    "DISCORD_SEQ",
    "DISCORD_GUILD_ID",
    "DISCORD_CHANNEL_ID",
    "DISCORD_MESSAGE_ID",
    "DISCORD_USER_ID",
    "DISCORD_CONTENT",
    "DISCORD_INTERACTION_ID",
    "DISCORD_INTERACTION_TOKEN",
    "DISCORD_APPLICATION_ID",
];

/// The program `--exec` or `--exec-argv` names.
#[derive(Debug, Clone)]
pub enum Program {
    /// `--exec CMD`: run with `sh -c CMD`.
    Shell(String),
    /// `--exec-argv PROGRAM ARGS...`: run directly.
    Argv(Vec<String>),
}

/// How a handler ended.
#[derive(Debug)]
pub enum Outcome {
    /// Exit status 0, with what it printed on stdout.
    Done(Vec<u8>),
    /// Another exit status (or a signal), with the last line it printed on stderr.
    Failed {
        /// The exit status as the log shows it (`exit code 3`, `signal 9`).
        status: String,
        /// The last non-empty line of its stderr.
        last_line: String,
    },
    /// Killed at `--exec-timeout`.
    TimedOut,
    /// Killed because `listen` is closing and its grace ran out.
    Aborted,
    /// The program could not be started.
    NotStarted(String),
}

/// Runs the handler program.
pub struct Handler {
    program: Program,
    timeout: Duration,
    /// The API settings a handler's own `discord` calls need: DISCORD_API_URL, DISCORD_TOKEN
    /// and, when set, DISCORD_INSECURE_HTTP_HOSTS.
    api_env: Vec<(&'static str, String)>,
    /// Secrets blanked out of what is logged.
    secrets: Vec<String>,
}

impl Handler {
    /// A handler for `program`, with this run's API URL and token for its environment.
    pub fn new(settings: &Settings, program: Program, timeout: Duration) -> Result<Handler> {
        let token = settings.require_token()?;
        let mut api_env = vec![
            ("DISCORD_API_URL", settings.api_url.clone()),
            ("DISCORD_TOKEN", token.authorization_for_storage()),
        ];
        if !settings.insecure_hosts.is_empty() {
            api_env.push((
                "DISCORD_INSECURE_HTTP_HOSTS",
                settings.insecure_hosts.join(","),
            ));
        }
        Ok(Handler {
            program,
            timeout,
            api_env,
            secrets: vec![token.secret().to_string()],
        })
    }

    /// `--exec-timeout`.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `text` with the bot token blanked out (interaction tokens are blanked by the caller).
    pub fn redact(&self, text: &str) -> String {
        self.secrets
            .iter()
            .fold(text.to_string(), |t, s| t.replace(s.as_str(), "████"))
    }

    /// The command for one event, its environment set.
    fn command(&self, d: &Dispatch) -> Command {
        let mut cmd = match &self.program {
            Program::Shell(line) => {
                let mut c = Command::new("sh");
                c.arg("-c").arg(line);
                c
            }
            Program::Argv(argv) => {
                let mut c = Command::new(&argv[0]);
                c.args(&argv[1..]);
                c
            }
        };
        for var in EVENT_VARS {
            cmd.env_remove(var);
        }
        cmd.envs(self.api_env.iter().map(|(k, v)| (k, v)));
        cmd.envs(event_env(d));
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group: a timeout kills whatever the handler started too, and the
        // terminal's Ctrl-C reaches only `listen`, which lets running handlers finish.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd
    }

    /// Runs the handler for `d` until it exits, `--exec-timeout` passes, or `abort` is set.
    pub fn run(&self, d: &Dispatch, abort: &AtomicBool) -> Outcome {
        let mut child = match self.command(d).spawn() {
            Ok(child) => child,
            Err(e) => return Outcome::NotStarted(format!("{}: {e}", self.name())),
        };
        let (stdout, stderr) = collect(&mut child);
        if let Some(mut stdin) = child.stdin.take() {
            let line = format!("{}\n", d.raw);
            // A handler that does not read its stdin is fine: the write fails, or the pipe is
            // closed when it exits.
            std::thread::spawn(move || {
                let _ = stdin.write_all(line.as_bytes());
            });
        }
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => return Outcome::NotStarted(format!("{}: {e}", self.name())),
            }
            if abort.load(Ordering::SeqCst) {
                kill(&mut child);
                return Outcome::Aborted;
            }
            if Instant::now() >= deadline {
                kill(&mut child);
                return Outcome::TimedOut;
            }
            std::thread::sleep(POLL);
        };
        // A child it left running may hold the pipes open: its output is not waited for.
        let out = stdout.recv_timeout(DRAIN).unwrap_or_default();
        let last_line = stderr.recv_timeout(DRAIN).unwrap_or_default();
        if status.success() {
            Outcome::Done(out)
        } else {
            Outcome::Failed {
                status: describe(status),
                last_line,
            }
        }
    }

    /// The program's name, for messages.
    fn name(&self) -> &str {
        match &self.program {
            Program::Shell(_) => "sh",
            Program::Argv(argv) => &argv[0],
        }
    }
}

/// The event's facts as environment variables (those it has).
fn event_env(d: &Dispatch) -> Vec<(&'static str, String)> {
    let data = d.d();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let is_message = matches!(d.event.as_str(), "MESSAGE_CREATE" | "MESSAGE_UPDATE");
    let interaction = d.event == "INTERACTION_CREATE";
    let message_id = if is_message {
        text(data.get("id"))
    } else if interaction {
        text(data.get("message").and_then(|m| m.get("id")))
    } else {
        text(data.get("message_id"))
    };
    let pairs = [
        ("DISCORD_EVENT", Some(d.event.clone())),
        ("DISCORD_SEQ", d.seq.map(|s| s.to_string())),
        ("DISCORD_GUILD_ID", d.guild_id().map(str::to_string)),
        ("DISCORD_CHANNEL_ID", d.channel_id().map(str::to_string)),
        ("DISCORD_MESSAGE_ID", message_id),
        ("DISCORD_USER_ID", d.user_id().map(str::to_string)),
        (
            "DISCORD_CONTENT",
            text(data.get("content")).filter(|_| is_message),
        ),
        (
            "DISCORD_INTERACTION_ID",
            text(data.get("id")).filter(|_| interaction),
        ),
        (
            "DISCORD_INTERACTION_TOKEN",
            text(data.get("token")).filter(|_| interaction),
        ),
        ("DISCORD_APPLICATION_ID", text(data.get("application_id"))),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// Starts reading the child's stdout (up to [`MAX_STDOUT`]) and stderr (its last non-empty
/// line) on threads, so neither pipe fills up and blocks the handler.
fn collect(child: &mut Child) -> (mpsc::Receiver<Vec<u8>>, mpsc::Receiver<String>) {
    let (out_tx, out_rx) = mpsc::channel();
    let (err_tx, err_rx) = mpsc::channel();
    if let Some(mut stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                let room = MAX_STDOUT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            let _ = out_tx.send(kept);
        });
    }
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut last = String::new();
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                if !line.trim().is_empty() {
                    last = line.trim().chars().take(500).collect();
                }
            }
            let _ = err_tx.send(last);
        });
    }
    (out_rx, err_rx)
}

/// Kills the handler and everything in its process group, and reaps it.
fn kill(child: &mut Child) {
    kill_group(child);
    let _ = child.kill();
    let _ = child.wait();
}

/// Sends SIGKILL to the handler's process group (its id is the handler's pid).
#[cfg(unix)]
fn kill_group(child: &Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill takes plain integers; a negative pid names the process group that
        // `process_group(0)` made for this handler.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// Elsewhere only the handler itself is killed.
#[cfg(not(unix))]
fn kill_group(_child: &Child) {}

/// An exit status as the log shows it.
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("killed by signal {signal}");
    }
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_carries_the_event_s_facts() {
        let raw = r#"{"op":0,"t":"MESSAGE_CREATE","s":7,"d":{"id":"3","channel_id":"2","guild_id":"1","content":"hi","author":{"id":"5"}}}"#;
        let d = Dispatch::parse("MESSAGE_CREATE", raw).unwrap();
        let env: std::collections::HashMap<_, _> = event_env(&d).into_iter().collect();
        assert_eq!(env["DISCORD_EVENT"], "MESSAGE_CREATE");
        assert_eq!(env["DISCORD_SEQ"], "7");
        assert_eq!(env["DISCORD_GUILD_ID"], "1");
        assert_eq!(env["DISCORD_CHANNEL_ID"], "2");
        assert_eq!(env["DISCORD_MESSAGE_ID"], "3");
        assert_eq!(env["DISCORD_USER_ID"], "5");
        assert_eq!(env["DISCORD_CONTENT"], "hi");
        assert!(!env.contains_key("DISCORD_INTERACTION_TOKEN"));
    }
}
