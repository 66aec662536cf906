//! Shared test fixtures: a `discord sandbox` child process on 127.0.0.1 and a builder for
//! running the `discord` binary against it with an isolated config directory.

#![allow(dead_code)]

pub mod fake;
pub mod listen;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// The built binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_discord");

/// A running `discord sandbox` child; killed (by its PID) when dropped.
pub struct Sandbox {
    child: Child,
    /// The REST base URL it printed (`http://127.0.0.1:PORT/api/v10`).
    pub api_url: String,
    /// The token it accepts.
    pub token: String,
    /// A private config directory for commands run against it.
    pub config_dir: tempfile::TempDir,
}

impl Sandbox {
    /// Starts a sandbox with Discord's own rate limits.
    pub fn start() -> Sandbox {
        Self::start_with(&[])
    }

    /// Starts a sandbox with extra `discord sandbox` arguments.
    pub fn start_with(extra: &[&str]) -> Sandbox {
        let mut child = Command::new(BIN)
            .arg("sandbox")
            .args(["--port", "0"])
            .args(extra)
            .env_remove("DISCORD_TOKEN")
            .env_remove("DISCORD_API_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn discord sandbox");
        let stdout = child.stdout.take().expect("sandbox stdout");
        let mut reader = BufReader::new(stdout);
        let mut api_url = None;
        let mut token = None;
        for _ in 0..10 {
            let mut line = String::new();
            if reader.read_line(&mut line).expect("read sandbox stdout") == 0 {
                break;
            }
            if let Some(v) = line.trim().strip_prefix("export DISCORD_API_URL=") {
                api_url = Some(v.to_string());
            }
            if let Some(v) = line.trim().strip_prefix("export DISCORD_TOKEN=") {
                token = Some(v.to_string());
            }
            if api_url.is_some() && token.is_some() {
                break;
            }
        }
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        Sandbox {
            child,
            api_url: api_url.expect("sandbox printed DISCORD_API_URL"),
            token: token.expect("sandbox printed DISCORD_TOKEN"),
            config_dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The sandbox's root URL (`http://127.0.0.1:PORT`), where `/_sandbox/...` admin routes live.
    pub fn root_url(&self) -> String {
        self.api_url.trim_end_matches("/api/v10").to_string()
    }

    /// A `discord` command pointed at this sandbox with its token and a private config dir.
    pub fn cmd(&self) -> Command {
        let mut cmd = base_cmd(self.config_dir.path());
        cmd.env("DISCORD_API_URL", &self.api_url)
            .env("DISCORD_TOKEN", &self.token);
        cmd
    }

    /// Runs `discord ARGS` against the sandbox.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run discord")
    }

    /// The id of the seeded guild.
    pub fn guild_id(&self) -> String {
        let guilds = json(&self.run(&["get", "/users/@me/guilds"]));
        guilds[0]["id"]
            .as_str()
            .expect("a seeded guild")
            .to_string()
    }

    /// The id of the seeded `#general` text channel.
    pub fn general_channel(&self) -> String {
        let guild = self.guild_id();
        let channels = json(&self.run(&["get", &format!("/guilds/{guild}/channels")]));
        channels
            .as_array()
            .expect("channel list")
            .iter()
            .find(|c| c["name"] == "general")
            .expect("seeded #general")["id"]
            .as_str()
            .expect("channel id")
            .to_string()
    }

    /// The gateway session that has a live connection, as the sandbox sees it (`Null` when
    /// none has).
    pub fn live_session(&self) -> serde_json::Value {
        let sessions = self.admin("get", "/_sandbox/gateway/sessions", None);
        sessions
            .as_array()
            .and_then(|all| all.iter().find(|s| s["connected"] == true))
            .cloned()
            .unwrap_or(serde_json::Value::Null)
    }

    /// Every API request the sandbox received, in order (`GET /_sandbox/requests`).
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.admin("get", "/_sandbox/requests", None)
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Empties the sandbox's request log.
    pub fn clear_requests(&self) {
        self.admin("delete", "/_sandbox/requests", None);
    }

    /// Changes the sandbox gateway's settings (`POST /_sandbox/gateway/config`).
    pub fn gateway_config(&self, config: &str) -> serde_json::Value {
        self.admin("post", "/_sandbox/gateway/config", Some(config))
    }

    /// Calls a `/_sandbox/...` admin route with the binary itself (`--api-url` at the root).
    pub fn admin(&self, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
        let mut cmd = self.cmd();
        cmd.args(["--api-url", &self.root_url(), method, path]);
        if let Some(b) = body {
            cmd.arg(b);
        }
        let out = cmd.output().expect("run discord admin");
        assert!(
            out.status.success(),
            "admin {method} {path} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if out.stdout.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&out.stdout).expect("admin JSON")
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `discord` command with a private config dir and no inherited Discord settings.
pub fn base_cmd(config_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("DISCORD_TOKEN")
        .env_remove("DISCORD_API_URL")
        .env_remove("DISCORD_PROFILE")
        .env_remove("DISCORD_FORCE_TTY")
        .env("DISCORD_CONFIG_DIR", config_dir)
        .env("DISCORD_CACHE_DIR", config_dir.join("cache"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` with `input` written to its stdin (from a thread, so a large input cannot
/// deadlock against a full stdout pipe) and collects its output.
pub fn output_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn discord");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("collect output");
    let _ = writer.join();
    out
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// stdout parsed as one JSON value.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout(out),
            stderr(out)
        )
    })
}

/// Polls `ok` until it holds, failing the test after 30 s.
pub fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The first `sh` code block after `heading` in README.md, for tests that run the README's
/// walk-throughs as written.
pub fn readme_sh_block(heading: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("README has no '{heading}'"));
    section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap_or_else(|| panic!("no sh block after '{heading}'"))
        .to_string()
}

/// `sh -c LINE` as a reader's fresh shell would run it: nothing but PATH (the built binary
/// first), a fresh HOME as the working directory, and the two lines the sandbox prints.
pub fn fresh_shell(sb: &Sandbox, home: &Path, line: &str) -> Command {
    let bin_dir = Path::new(BIN).parent().expect("bin dir");
    let mut cmd = Command::new("sh");
    cmd.env_clear()
        .env(
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display()),
        )
        .env("HOME", home)
        .env("DISCORD_API_URL", &sb.api_url)
        .env("DISCORD_TOKEN", &sb.token)
        .current_dir(home)
        .args(["-c", line]);
    cmd
}

/// Runs a README line written as `COMMAND   # WHAT IT PRINTS` with `shell`, and checks that it
/// succeeds and prints that.
pub fn check_commented_line(line: &str, shell: impl Fn(&str) -> Command) {
    let (command, shown) = line.split_once('#').expect("a comment with the outcome");
    let out = shell(command.trim()).output().expect("run the README line");
    assert!(out.status.success(), "{line}: {}", stderr(&out));
    assert_eq!(stdout(&out).trim(), shown.trim(), "{line}");
}
