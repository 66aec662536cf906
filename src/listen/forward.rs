//! `listen --forward-to URL`: a [`Consumer`] that POSTs chosen dispatches to a local HTTP
//! endpoint the way Discord delivers HTTP interactions (Receiving and Responding > Security
//! and Authorization): a JSON body, `X-Signature-Timestamp` (Unix seconds) and
//! `X-Signature-Ed25519` (hex Ed25519 signature of the timestamp followed by the body) made
//! with the local [`ForwardKey`]. A bot written for an interactions endpoint URL thus runs
//! unchanged over the gateway: no public URL, no tunnel.
//!
//! - INTERACTION_CREATE: the body is the interaction itself, and the endpoint's answer
//!   (within Discord's 3 s) is relayed as the interaction's initial response, through the
//!   code `discord respond` uses. A failure is reported with what Discord shows the user.
//!   Each interaction is delivered on its own thread: none waits behind a retried event.
//! - Other events: the body is `{"t","s","d"}`; 5xx answers and connection failures are
//!   retried a bounded number of times with exponential backoff. Events of one channel go
//!   through one lane, in order; a timed-out delivery is not sent again, since the receiver
//!   may have taken it.
//!
//! The bot token is never sent: deliveries use their own HTTP client, which has no
//! credentials; interaction tokens in the bodies and `--forward-header` values are held to
//! the same transport rule as the token (no plain http except to this machine).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{json, Value};

use super::key::ForwardKey;
use super::{Consumer, Dispatch};
use crate::cli::forward::ForwardArgs;
use crate::cli::ListenArgs;
use crate::commands::respond::{send_initial, Target};
use crate::config::Settings;
use crate::output::diag;
use crate::{Error, Result};

/// Discord waits this long for an endpoint's answer to an interaction.
const ANSWER_WINDOW: Duration = Duration::from_secs(3);
/// How long another event's delivery may take before it is reported (not retried).
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries of an event, the first one included, before it is given up.
const ATTEMPTS: u32 = 5;
/// The wait before the first retry; it doubles for each next one.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Lanes for non-interaction events: a channel always maps to the same one.
const LANES: usize = 4;
/// What Discord's client shows when the endpoint gives no answer in time.
const NO_ANSWER: &str = "the user would see \"The application did not respond\"";
/// What Discord's client shows when the endpoint's answer is unusable.
const FAILED: &str = "the user would see \"This interaction failed\"";

/// What a POST to the endpoint came to.
enum Outcome {
    /// An HTTP answer: status and body.
    Answer(u16, Vec<u8>),
    /// Nothing reached the endpoint (refused, unreachable): safe to send again.
    Unreached(String),
    /// Sent, but no answer in time: the endpoint may have it.
    TimedOut,
}

/// The delivery side shared by every thread.
struct Shared {
    url: String,
    headers: HeaderMap,
    key: ForwardKey,
    http: reqwest::blocking::Client,
    /// The run's settings (and through them its one REST client), for relaying interaction
    /// responses.
    settings: Settings,
    /// Set when `listen` stops: retries that would end after it are given up.
    give_up_at: Mutex<Option<Instant>>,
    /// Deliveries taken but not finished, for the report on close.
    pending: AtomicUsize,
}

/// The `--forward-to` consumer.
pub struct Forwarder {
    shared: Arc<Shared>,
    lanes: Mutex<Vec<Sender<Arc<Dispatch>>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// With `--forward-to` and no `--events`, the events are interactions only.
pub fn default_events(args: &ForwardArgs, events: &mut Vec<String>) {
    if args.forward_to.is_some() && events.is_empty() {
        events.push("INTERACTION_CREATE".into());
    }
}

impl Forwarder {
    /// The forwarder for these flags, `None` without `--forward-to`. Checks the URL and
    /// headers, loads (or makes) the key and prints the public key; when interactions are
    /// forwarded, checks the endpoint in the background as Discord does when the URL is set.
    pub fn from_args(
        settings: &Settings,
        listen: &ListenArgs,
        events: &[String],
    ) -> Result<Option<Forwarder>> {
        let args = &listen.forward;
        let Some(url) = &args.forward_to else {
            return Ok(None);
        };
        let handler = listen.exec.exec.is_some() || listen.exec.exec_argv.is_some();
        if handler && events.iter().any(|e| e == "INTERACTION_CREATE") {
            // An interaction takes one initial response: two answerers would race for it.
            return Err(Error::usage(
                "--exec and --forward-to would both answer each interaction (Discord takes one response); use one of them, or --events without INTERACTION_CREATE",
            ));
        }
        let loopback = check_url(url, &settings.insecure_hosts)?;
        let headers = parse_headers(&args.forward_headers)?;
        let key = ForwardKey::load_or_create()?;
        let mut http = reqwest::blocking::Client::builder()
            .connect_timeout(ANSWER_WINDOW)
            // Discord does not follow redirects either, and one could lead the signed bodies
            // (interaction tokens inside) somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Discord-Interactions/1.0 (+https://discord.com)");
        if loopback {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::runtime(format!("cannot set up the --forward-to client: {e}")))?;
        diag(&format!(
            "forwarding {} to {url}; verify signatures with the public key {} ('discord forward-key' prints it)",
            events.join(","),
            key.public_hex()
        ));
        let shared = Arc::new(Shared {
            url: url.clone(),
            headers,
            key,
            http,
            settings: settings.clone(),
            give_up_at: Mutex::new(None),
            pending: AtomicUsize::new(0),
        });
        let forwarder = Forwarder::start(shared);
        if events.iter().any(|e| e == "INTERACTION_CREATE") {
            let shared = Arc::clone(&forwarder.shared);
            forwarder.keep(std::thread::spawn(move || shared.ping_check()));
        }
        Ok(Some(forwarder))
    }

    /// Starts the lanes.
    fn start(shared: Arc<Shared>) -> Forwarder {
        let mut lanes = Vec::with_capacity(LANES);
        let mut threads = Vec::with_capacity(LANES);
        for _ in 0..LANES {
            let (tx, rx) = channel::<Arc<Dispatch>>();
            let shared = Arc::clone(&shared);
            threads.push(std::thread::spawn(move || {
                for dispatch in rx {
                    shared.deliver_event(&dispatch);
                    shared.pending.fetch_sub(1, Ordering::SeqCst);
                }
            }));
            lanes.push(tx);
        }
        Forwarder {
            shared,
            lanes: Mutex::new(lanes),
            threads: Mutex::new(threads),
        }
    }

    /// Keeps a thread to wait for on close, dropping the finished ones.
    fn keep(&self, handle: JoinHandle<()>) {
        let mut threads = self.threads.lock().unwrap_or_else(|p| p.into_inner());
        threads.retain(|t| !t.is_finished());
        threads.push(handle);
    }
}

impl Consumer for Forwarder {
    fn consume(&self, dispatch: Arc<Dispatch>) {
        self.shared.pending.fetch_add(1, Ordering::SeqCst);
        if dispatch.event == "INTERACTION_CREATE" {
            let shared = Arc::clone(&self.shared);
            self.keep(std::thread::spawn(move || {
                shared.deliver_interaction(&dispatch);
                shared.pending.fetch_sub(1, Ordering::SeqCst);
            }));
            return;
        }
        let lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        if lanes.is_empty() {
            self.shared.pending.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        let mut hasher = DefaultHasher::new();
        dispatch.channel_id().hash(&mut hasher);
        let lane = (hasher.finish() % lanes.len() as u64) as usize;
        if lanes[lane].send(dispatch).is_err() {
            self.shared.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn close(&self, grace: Duration) {
        let deadline = Instant::now() + grace;
        *self
            .shared
            .give_up_at
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(deadline);
        // Closing the lanes lets their threads end once their queues are empty.
        self.lanes.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|p| p.into_inner()));
        while Instant::now() < deadline && threads.iter().any(|t| !t.is_finished()) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let left = self.shared.pending.load(Ordering::SeqCst);
        if left > 0 {
            diag(&format!(
                "forward: {left} deliveries to {} were not finished when listen stopped",
                self.shared.url
            ));
        }
    }
}

impl Shared {
    /// POSTs `body`, signed, waiting at most `timeout` for the answer.
    fn post(&self, body: &[u8], timeout: Duration) -> Outcome {
        self.post_signed(body, timeout, true)
    }

    /// POSTs `body` with a good signature, or a wrong one for the endpoint check.
    fn post_signed(&self, body: &[u8], timeout: Duration, good: bool) -> Outcome {
        let timestamp = unix_seconds().to_string();
        let mut signature = self.key.sign(&timestamp, body);
        if !good {
            // Still well-formed hex, no longer valid.
            let first = if signature.starts_with('0') { "1" } else { "0" };
            signature.replace_range(0..1, first);
        }
        let sent = self
            .http
            .post(&self.url)
            .timeout(timeout)
            .headers(self.headers.clone())
            .header("Content-Type", "application/json")
            .header("X-Signature-Ed25519", signature)
            .header("X-Signature-Timestamp", timestamp)
            .body(body.to_vec())
            .send()
            .and_then(|r| {
                let status = r.status().as_u16();
                r.bytes().map(|b| (status, b.to_vec()))
            });
        match sent {
            Ok((status, bytes)) => Outcome::Answer(status, bytes),
            Err(e) if e.is_connect() => Outcome::Unreached(root_cause(&e)),
            Err(e) if e.is_timeout() => Outcome::TimedOut,
            Err(e) => Outcome::Unreached(root_cause(&e)),
        }
    }

    /// Delivers an interaction and relays the endpoint's answer as its initial response.
    fn deliver_interaction(&self, dispatch: &Dispatch) {
        let interaction = dispatch.d();
        let body = interaction.to_string().into_bytes();
        let started = Instant::now();
        let outcome = self.post(&body, ANSWER_WINDOW);
        let latency = started.elapsed();
        let (status, note) = match outcome {
            Outcome::Answer(status, answer) if (200..300).contains(&status) => {
                let note = match parse_answer(&answer) {
                    Ok(response) => self.relay(interaction, response),
                    Err(why) => format!("{why}; {FAILED}"),
                };
                (status.to_string(), note)
            }
            Outcome::Answer(status, answer) => (
                status.to_string(),
                format!("not a 2xx answer ({}); {FAILED}", snippet(&answer)),
            ),
            Outcome::TimedOut => (
                "timeout".into(),
                format!("no answer within 3 s; {NO_ANSWER}"),
            ),
            Outcome::Unreached(why) => ("error".into(), format!("{why}; {NO_ANSWER}")),
        };
        log_line(dispatch, &status, latency, &note);
    }

    /// Sends the endpoint's answer to Discord as the interaction's initial response, the way
    /// `discord respond` sends one (one response only, recorded, the token kept out of errors).
    fn relay(&self, interaction: &Value, response: Value) -> String {
        let kind = response["type"].clone();
        let Some(target) = Target::of(interaction) else {
            return "the interaction has no id and token to answer it with".into();
        };
        match send_initial(&self.settings, &target, response, &[]) {
            Ok(_) => format!("answered with type {kind}, relayed as the interaction response"),
            Err(e) => format!("answered with type {kind}, but Discord refused it: {e}"),
        }
    }

    /// Delivers another event, retrying 5xx answers and connection failures.
    fn deliver_event(&self, dispatch: &Dispatch) {
        let body = json!({"t": dispatch.event, "s": dispatch.seq, "d": dispatch.d()})
            .to_string()
            .into_bytes();
        for attempt in 1..=ATTEMPTS {
            let started = Instant::now();
            let outcome = self.post(&body, EVENT_TIMEOUT);
            let latency = started.elapsed();
            let (status, retry, note) = match outcome {
                Outcome::Answer(status, answer) => (
                    status.to_string(),
                    status >= 500,
                    if (200..300).contains(&status) {
                        String::new()
                    } else {
                        format!("refused: {}", snippet(&answer))
                    },
                ),
                Outcome::Unreached(why) => ("error".into(), true, why),
                Outcome::TimedOut => (
                    "timeout".into(),
                    false,
                    format!(
                        "no answer within {} s; not sent again, the receiver may have it",
                        EVENT_TIMEOUT.as_secs()
                    ),
                ),
            };
            if !retry {
                return log_line(dispatch, &status, latency, &note);
            }
            let wait = FIRST_BACKOFF * 2u32.pow(attempt - 1);
            if attempt == ATTEMPTS || !self.may_wait(wait) {
                let why = if attempt == ATTEMPTS {
                    format!("given up after {ATTEMPTS} attempts")
                } else {
                    "given up: listen is stopping".to_string()
                };
                return log_line(dispatch, &status, latency, &format!("{note}; {why}"));
            }
            let retry_note = format!(
                "{note}{}retrying in {:.1} s (attempt {attempt} of {ATTEMPTS})",
                if note.is_empty() { "" } else { "; " },
                wait.as_secs_f64()
            );
            log_line(dispatch, &status, latency, &retry_note);
            std::thread::sleep(wait);
        }
    }

    /// Whether a retry after `wait` still fits before listen's close deadline.
    fn may_wait(&self, wait: Duration) -> bool {
        let give_up_at = *self.give_up_at.lock().unwrap_or_else(|p| p.into_inner());
        give_up_at.is_none_or(|at| Instant::now() + wait < at)
    }

    /// Discord's check when an interactions endpoint URL is set: a signed PING must get a
    /// PONG (`{"type": 1}`), and a request with a bad signature a 401. Discord refuses a URL
    /// that fails it, so a bot that passes here passes there; listen goes on either way, as
    /// the bot may start later.
    fn ping_check(&self) {
        let ping =
            json!({"type": 1, "version": 1, "id": "0", "application_id": "0", "token": "ping"})
                .to_string()
                .into_bytes();
        let problem = match self.post(&ping, ANSWER_WINDOW) {
            Outcome::Answer(200..=299, answer)
                if serde_json::from_slice::<Value>(&answer).is_ok_and(|v| v["type"] == 1) =>
            {
                match self.post_signed(&ping, ANSWER_WINDOW, false) {
                    Outcome::Answer(401, _) => None,
                    Outcome::Answer(status, _) => Some(format!(
                        "a PING with a bad signature got {status} instead of 401: verify X-Signature-Ed25519 (Discord also sends such requests to check)"
                    )),
                    _ => Some("a PING with a bad signature got no answer instead of 401".into()),
                }
            }
            Outcome::Answer(status, answer) => Some(format!(
                "a signed PING got {status} {} instead of a PONG ({{\"type\": 1}})",
                snippet(&answer)
            )),
            Outcome::Unreached(why) => Some(format!("a PING got no answer ({why})")),
            Outcome::TimedOut => Some("a PING got no answer within 3 s".into()),
        };
        match problem {
            None => diag(&format!(
                "forward: {} passes Discord's endpoint check (PONG to a PING, 401 to a bad signature)",
                self.url
            )),
            Some(why) => diag(&format!(
                "warning: forward: {} fails Discord's endpoint check: {why}",
                self.url
            )),
        }
    }
}

/// Checks `--forward-to`: an http(s) URL, plain http only where a token may go (this
/// machine, or an `--insecure-http-host`), since the bodies carry interaction tokens.
/// Returns whether it is on this machine.
fn check_url(url: &str, insecure_hosts: &[String]) -> Result<bool> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::usage(format!(
            "--forward-to '{url}' is not a URL ({e}): give one such as http://127.0.0.1:8080/interactions"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(Error::usage(format!(
            "--forward-to '{url}' must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/interactions"
        )));
    }
    crate::rest::url::check_secret_transport(
        url,
        "interaction tokens and --forward-header values",
        insecure_hosts,
    )?;
    let host = parsed.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok(host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()))
}

/// Parses `--forward-header 'Name: value'` flags. The signature headers are the forwarder's
/// own; their values are marked sensitive so they are never shown.
fn parse_headers(flags: &[String]) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    for flag in flags {
        let bad = || {
            Error::usage(format!(
                "--forward-header '{}' must be 'Name: value', e.g. 'Authorization: Bearer abc'",
                flag.split(':').next().unwrap_or("")
            ))
        };
        let (name, value) = flag.split_once(':').ok_or_else(bad)?;
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| bad())?;
        if name.as_str().starts_with("x-signature-") || name == "content-type" {
            return Err(Error::usage(format!(
                "--forward-header cannot set {name}: the forwarder sets it on every delivery"
            )));
        }
        let mut value = HeaderValue::from_str(value.trim()).map_err(|_| bad())?;
        value.set_sensitive(true);
        headers.append(name, value);
    }
    Ok(headers)
}

/// An endpoint's answer to an interaction: a JSON object with a response `type`.
fn parse_answer(answer: &[u8]) -> std::result::Result<Value, String> {
    match serde_json::from_slice::<Value>(answer) {
        Ok(v) if v.get("type").is_some_and(Value::is_u64) => Ok(v),
        Ok(_) => Err(format!(
            "the answer is not an interaction response (a JSON object with a type): {}",
            snippet(answer)
        )),
        Err(_) => Err(format!("the answer is not JSON: {}", snippet(answer))),
    }
}

/// The start of a body, on one line, for a log line.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(120) {
        Some((at, _)) => format!("{}...", &line[..at]),
        None if line.is_empty() => "empty body".into(),
        None => line,
    }
}

/// The innermost cause of an HTTP error (e.g. "Connection refused"), which says more than
/// reqwest's outer message.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    format!("could not reach it: {cause}")
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// One line per delivery on stderr, as `stripe listen` prints: time, event, the event's id,
/// status, latency, and what came of it.
fn log_line(dispatch: &Dispatch, status: &str, latency: Duration, note: &str) {
    let time = jiff::Zoned::now().strftime("%Y-%m-%d %H:%M:%S");
    let id = dispatch.d()["id"].as_str().unwrap_or("-");
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("  {note}")
    };
    diag(&format!(
        "{time}  --> {} {id} [{status}] {} ms{note}",
        dispatch.event,
        latency.as_millis()
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_and_plain_http_stays_on_this_machine() {
        assert!(check_url("http://127.0.0.1:8080/i", &[]).unwrap());
        assert!(check_url("http://localhost/i", &[]).unwrap());
        assert!(!check_url("https://bot.example/i", &[]).unwrap());
        assert!(check_url("http://bot.example/i", &[]).is_err());
        assert!(check_url("http://bot.internal/i", &["bot.internal".into()]).is_ok());
        assert!(check_url("ftp://127.0.0.1/", &[]).is_err());
        assert!(check_url("127.0.0.1:8080", &[]).is_err());
        // The host the client would connect to, not the one the text seems to name.
        assert!(check_url("http://evil.example\\@127.0.0.1/", &[]).is_err());
    }

    #[test]
    fn forward_headers_are_name_value_and_cannot_replace_the_signature() {
        let h = parse_headers(&["Authorization: Bearer abc".into(), "X-A:1".into()]).unwrap();
        assert_eq!(h["authorization"], "Bearer abc");
        assert!(h["authorization"].is_sensitive());
        assert_eq!(h["x-a"], "1");
        assert!(parse_headers(&["no colon".into()]).is_err());
        assert!(parse_headers(&["bad name: v".into()]).is_err());
        assert!(parse_headers(&["X-Signature-Ed25519: 00".into()]).is_err());
    }

    #[test]
    fn an_answer_must_be_an_interaction_response() {
        assert!(parse_answer(br#"{"type":4,"data":{"content":"hi"}}"#).is_ok());
        assert!(parse_answer(b"pong")
            .unwrap_err()
            .contains("not JSON: pong"));
        assert!(parse_answer(br#"{"content":"hi"}"#).is_err());
        assert_eq!(snippet(b""), "empty body");
        assert!(snippet(&[b'a'; 500]).ends_with("..."));
    }
}
