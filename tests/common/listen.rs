//! A running `discord listen` for end-to-end tests: its stdout lines arrive on a channel as
//! JSON, its stderr is collected, and it can be sent signals by PID.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Sandbox;

/// A running `discord listen`.
pub struct Listen {
    child: Child,
    lines: Receiver<(Instant, Value)>,
    /// Every line read so far, with when it was read.
    pub seen: Vec<(Instant, Value)>,
    stderr: Arc<Mutex<String>>,
}

impl Listen {
    /// Starts `discord listen ARGS` against `sb`.
    pub fn start(sb: &Sandbox, args: &[&str]) -> Listen {
        let mut cmd = sb.cmd();
        cmd.arg("listen").args(args);
        Listen::spawn(cmd)
    }

    /// Runs `cmd` (a `discord listen` set up by the caller, e.g. against a fake gateway).
    pub fn spawn(mut cmd: Command) -> Listen {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn listen");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).expect("each line is JSON");
                if tx.send((Instant::now(), v)).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    return;
                }
                collected
                    .lock()
                    .expect("stderr buffer")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Listen {
            child,
            lines: rx,
            seen: Vec::new(),
            stderr,
        }
    }

    /// The lines so far, without their times.
    pub fn values(&self) -> Vec<Value> {
        self.seen.iter().map(|(_, v)| v.clone()).collect()
    }

    /// Reads lines until `pred` holds for all of them (60 s at most).
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&[Value]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !pred(&self.values()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left.max(Duration::from_millis(1))) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!(
                    "timed out waiting for {what}; got {:?}; stderr: {}",
                    self.values(),
                    self.stderr()
                ),
            }
        }
    }

    /// How many lines of dispatch type `t` were read.
    pub fn count(&self, t: &str) -> usize {
        self.seen.iter().filter(|(_, l)| l["t"] == t).count()
    }

    /// What listen wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr buffer").clone()
    }

    /// Waits (60 s at most) until stderr contains `text`.
    pub fn wait_for_stderr(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for '{text}' on stderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Writes to listen's stdin (for `--stdin`).
    pub fn write_stdin(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(bytes).expect("write stdin");
        stdin.flush().expect("flush stdin");
    }

    /// Sends `signal` (`INT`, `TERM`, ...) by PID and waits for the exit; returns every line
    /// and the exit code.
    pub fn signal(mut self, signal: &str) -> (Vec<Value>, i32) {
        self.send_signal(signal);
        let status = self.child.wait().expect("wait listen");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        (self.values(), status.code().unwrap_or(-1))
    }

    /// Sends `signal` (`INT`, `TERM`) without waiting for listen to exit.
    pub fn send_signal(&self, signal: &str) {
        let pid = self.child.id().to_string();
        let ok = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("run kill");
        assert!(ok.success());
    }

    /// Ctrl-C.
    pub fn interrupt(self) -> (Vec<Value>, i32) {
        self.signal("INT")
    }

    /// Waits (60 s at most) for listen to exit by itself; returns the lines and the exit code.
    pub fn wait_exit(mut self) -> (Vec<Value>, i32) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "listen did not exit: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        (self.values(), status.code().unwrap_or(-1))
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        // Only the child this fixture started, by its PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
