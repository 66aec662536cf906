//! The one HTTP client every request goes through: auth, User-Agent, timeouts, rate limits,
//! the retry rules, `-v`/`-i` traces with the token redacted, and network errors that name the
//! host and the cause.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::blocking::{Client as HttpClient, RequestBuilder};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use serde_json::Value;

use super::errors::api_error;
use super::hints::{access_hint, Sent};
use super::invalid::InvalidRequests;
use super::multipart;
use super::ratecache::RateCache;
use super::ratelimit::{RateLimitHeaders, RateLimiter, RouteKey};
use super::retry::{Attempts, Next, Outcome};
use super::secrets::{path_token, Secrets};
use super::url::{build_url, check_token_transport, encode_reason};
use super::RequestSpec;
use crate::token::Token;
use crate::{Error, ErrorKind, Result};
use crate::{Notice, Trace};

/// Responses larger than this are refused rather than held in memory.
const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// A response after retries: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Headers, names lower-case, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::new(
                ErrorKind::Api,
                format!("the server answered {} with invalid JSON: {e}", self.status),
            )
        })
    }
}

/// What a [`Client`] needs to know, resolved by the caller from its flags, environment and
/// config file.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// API base URL without a trailing slash.
    pub api_url: String,
    /// The token, if there is one.
    pub token: Option<Token>,
    /// What to tell the user when a request needs a token and there is none (the caller knows
    /// where tokens come from and why none was found).
    pub no_token_message: String,
    /// Where rate-limit state is shared with other processes (`None`: this process only).
    pub rate_limit_cache: Option<PathBuf>,
    /// Report request and response headers through `notice`.
    pub verbose: bool,
    /// Report the response status and headers through `notice`.
    pub include: bool,
    /// The longest rate-limit wait accepted before giving up.
    pub max_wait: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout (`None`: no limit).
    pub timeout: Option<Duration>,
    /// Requests per second allowed across all routes.
    pub global_limit: u32,
    /// Where waits, retries and verbose output are reported.
    pub notice: Notice,
    /// Where one record per HTTP request goes (`--trace`), if anywhere.
    pub trace: Option<Trace>,
    /// Hosts besides loopback that secrets may reach over plain http (a rate-limit proxy
    /// inside the deployment's network, `--insecure-http-host`).
    pub insecure_hosts: Vec<String>,
}

/// How a [`Client::download`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    /// Saved whole: this many bytes.
    Saved(u64),
    /// Larger than the limit given (what was written is incomplete).
    TooLarge,
    /// The server answered with this error status.
    Refused(u16),
}

/// The REST client. Cheap to share between threads (`batch`).
#[derive(Debug, Clone)]
pub struct Client {
    http: HttpClient,
    base: String,
    token: Option<Token>,
    no_token_message: String,
    limiter: Arc<RateLimiter>,
    /// Requests so far that had to wait for a rate limit (shared by clones, for progress).
    held: Arc<AtomicU64>,
    /// The rate-limit state shared with other invocations, if on.
    shared: Option<RateCache>,
    verbose: bool,
    include: bool,
    max_wait: Duration,
    notice: Notice,
    trace: Option<Trace>,
    insecure_hosts: Vec<String>,
    /// This machine's count of invalid requests, shared through the cache directory.
    invalid: Option<Arc<InvalidRequests>>,
    /// Set after any 401 to a request with the token: Discord bans clients that keep sending
    /// invalid credentials, so this client (and its clones) sends nothing more with it.
    unauthorized: Arc<AtomicBool>,
    /// The deadline of one whole request, body included (`--timeout`).
    timeout: Option<Duration>,
}

impl Client {
    /// A client for the given options.
    pub fn new(settings: &ClientOptions) -> Result<Client> {
        Self::with_limiter(settings, Arc::new(RateLimiter::new(settings.global_limit)))
    }

    /// A client sharing an existing rate limiter.
    pub fn with_limiter(settings: &ClientOptions, limiter: Arc<RateLimiter>) -> Result<Client> {
        let mut builder = HttpClient::builder()
            .user_agent(crate::user_agent())
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none());
        if settings.api_url.starts_with("http://") {
            // Local sandboxes only: no proxy between us and loopback.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| Error::runtime(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base: settings.api_url.clone(),
            token: settings.token.clone(),
            no_token_message: settings.no_token_message.clone(),
            shared: settings.rate_limit_cache.as_deref().map(|dir| {
                RateCache::new(dir, &settings.api_url, settings.token.as_ref())
                    .with_notice(settings.notice.clone())
            }),
            invalid: settings
                .rate_limit_cache
                .as_deref()
                .map(|dir| Arc::new(InvalidRequests::new(dir, &settings.api_url))),
            limiter,
            held: Arc::new(AtomicU64::new(0)),
            verbose: settings.verbose,
            include: settings.include || settings.verbose,
            max_wait: settings.max_wait,
            notice: settings.notice.clone(),
            trace: settings.trace.clone(),
            insecure_hosts: settings.insecure_hosts.clone(),
            unauthorized: Arc::new(AtomicBool::new(false)),
            timeout: settings.timeout,
        })
    }

    /// The API base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The full URL a request goes to.
    pub fn url_for(&self, spec: &RequestSpec) -> Result<String> {
        build_url(&self.base, &spec.path, &spec.query)
    }

    /// Sends a request and returns the response; an HTTP error status becomes an error.
    pub fn send(&self, spec: &RequestSpec) -> Result<Response> {
        let response = self.send_raw(spec)?;
        if response.status >= 400 {
            let url = self.url_for(spec)?;
            let api_path = route_path(&url, &self.base);
            let api_path = api_path.split('?').next().unwrap_or(api_path);
            let mut err = api_error(response.status, &response.body);
            let sent = Sent {
                method: spec.method,
                api_path,
                credentials: (spec.auth && self.token.is_some())
                    || spec
                        .headers
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case("authorization")),
                path_token: path_token(api_path).is_some(),
            };
            if let Some(hint) = access_hint(response.status, &response.body, sent) {
                err.message.push_str("; ");
                err.message.push_str(&hint);
            }
            return Err(self.secrets_for(spec, &url).redact_error(err));
        }
        Ok(response)
    }

    /// The secrets a request to `url` carries (see [`Secrets`]).
    fn secrets_for(&self, spec: &RequestSpec, url: &str) -> Secrets {
        Secrets::of_request(
            self.token.as_ref(),
            route_path(url, &self.base),
            &spec.headers,
        )
    }

    /// Sends a request following the retry rules ([`super::retry`]) and returns whatever the
    /// final response was.
    pub fn send_raw(&self, spec: &RequestSpec) -> Result<Response> {
        let prepared = self.prepare(spec)?;
        let key = RouteKey::new(spec.method.as_str(), route_path(&prepared.url, &self.base));
        let idempotent = spec.method.is_idempotent();
        let mut attempts = Attempts::default();
        let mut retries = 0u32;
        loop {
            let waiting = std::time::Instant::now();
            self.wait_for_slot(&key)?;
            let waited = waiting.elapsed();
            if self.unauthorized.load(Ordering::SeqCst) && prepared.auth.is_some() {
                return Err(Error::new(
                    ErrorKind::Api,
                    "not sending: an earlier request was refused with 401 Unauthorized (check the token)",
                ));
            }
            if let Some(invalid) = &self.invalid {
                invalid.check()?;
            }
            let (outcome, result) = self.attempt(spec, &prepared, &key);
            if let (Some(invalid), Ok(response)) = (&self.invalid, &result) {
                let shared_429 = response.header("x-ratelimit-scope") == Some("shared");
                if matches!(response.status, 401 | 403) || (response.status == 429 && !shared_429) {
                    invalid.record(&self.notice);
                }
            }
            // Hidden before anything (a trace, a retry note, the caller) can show it.
            let result = result.map_err(|e| prepared.secrets.redact_error(e));
            if let Some(trace) = &self.trace {
                trace.record(&trace_record(spec, &key, &result, waited, retries));
            }
            retries += 1;
            match attempts.next(outcome, idempotent) {
                Next::Finish => {}
                Next::AfterRateLimit => continue,
                Next::Retry { wait, attempt } => {
                    let why = match &result {
                        Err(e) => format!("{} (retrying, attempt {attempt})", e.message),
                        Ok(r) => format!(
                            "{} from the server; retrying in {:.1} s",
                            r.status,
                            wait.as_secs_f64()
                        ),
                    };
                    self.retry_note(wait, &why);
                    std::thread::sleep(wait);
                    continue;
                }
            }
            if outcome == Outcome::Status(401) && prepared.auth.is_some() {
                self.unauthorized.store(true, Ordering::SeqCst);
            }
            return result;
        }
    }

    /// Sends the request once and reads the whole answer, keeping the rate-limit state up to
    /// date (a 429 is recorded here; whether to retry is [`Attempts::next`]'s call).
    fn attempt(
        &self,
        spec: &RequestSpec,
        prepared: &Prepared,
        key: &RouteKey,
    ) -> (Outcome, Result<Response>) {
        let idempotent = spec.method.is_idempotent();
        let response = match self.build(spec, prepared).map(RequestBuilder::send) {
            Err(e) => return (Outcome::NotBuilt, Err(e)),
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                self.limit_state(|l| l.release(key));
                let outcome = if e.is_connect() {
                    Outcome::NotConnected
                } else {
                    Outcome::Broken
                };
                let message = network_message(&e, &prepared.url, idempotent);
                return (outcome, Err(Error::network(message)));
            }
        };
        let status = response.status().as_u16();
        let headers = header_list(response.headers());
        if self.include {
            self.trace_response(status, response.version(), &headers, &prepared.secrets);
        }
        let mut limits = RateLimitHeaders::parse(|name| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        });
        if headers.iter().any(|(n, _)| n == "generated-by-proxy") {
            // A rate-limit proxy's own answer (nirn-proxy: a cluster member was unreachable):
            // its bucket headers describe no bucket of Discord's, only its wait counts.
            limits = RateLimitHeaders {
                retry_after: limits.retry_after,
                ..RateLimitHeaders::default()
            };
        }
        let body = match read_body(response) {
            Ok(body) => body,
            Err(e) => {
                self.limit_state(|l| l.release(key));
                return (Outcome::Broken, Err(e.context(host_of(&prepared.url))));
            }
        };
        self.limit_state(|l| l.update(key, &limits));
        if status == 429 {
            let (retry_after, global) = retry_after(&body, &limits);
            self.limit_state(|l| l.on_rate_limited(key, retry_after, global));
        }
        let response = Response {
            status,
            headers,
            body,
        };
        (Outcome::Status(status), Ok(response))
    }

    /// Downloads a file from Discord's CDN (or any URL that serves one) into `out`, never
    /// sending the token (CDN URLs carry their own signature), at most `max_bytes`. Transport
    /// failures are retried as for a GET. Returns the size written, or the HTTP status when the
    /// server refused (an expired or unknown URL answers 403/404).
    pub fn download(
        &self,
        url: &str,
        max_bytes: u64,
        out: &mut dyn std::io::Write,
    ) -> Result<Download> {
        let mut attempts = Attempts::default();
        loop {
            let outcome = match self.http.get(url).send() {
                Ok(response) if response.status().is_success() => {
                    let mut limited = response.take(max_bytes + 1);
                    return match std::io::copy(&mut limited, out) {
                        Ok(n) if n > max_bytes => Ok(Download::TooLarge),
                        Ok(n) => Ok(Download::Saved(n)),
                        Err(e) => Err(Error::network(format!(
                            "the download from {} was cut short ({e})",
                            host_of(url)
                        ))),
                    };
                }
                Ok(response) => Outcome::Status(response.status().as_u16()),
                Err(e) if e.is_connect() => Outcome::NotConnected,
                Err(_) => Outcome::Broken,
            };
            match (attempts.next(outcome, true), outcome) {
                (Next::Retry { wait, .. }, _) => std::thread::sleep(wait),
                (_, Outcome::Status(status)) => return Ok(Download::Refused(status)),
                _ => {
                    return Err(Error::network(format!(
                        "cannot download from {}",
                        host_of(url)
                    )))
                }
            }
        }
    }

    /// What `--dry-run` prints: request line, headers (token redacted), blank line, body.
    pub fn describe(&self, spec: &RequestSpec) -> Result<String> {
        let prepared = self.prepare_for(spec, true)?;
        let mut out = format!("{} {}\n", spec.method.as_str(), prepared.url);
        if prepared.auth.is_none() && spec.auth && !spec.auth_optional {
            // Showing a request needs no token, but sending this one will.
            self.notice.say(
                "note: no token given, so no Authorization header is shown; sending needs --token, DISCORD_TOKEN or 'discord login'",
            );
        }
        for (name, value) in shown_headers(spec, &prepared) {
            out.push_str(&format!("{name}: {value}\n"));
        }
        match &prepared.payload {
            Payload::None => {}
            Payload::Json(bytes) => {
                out.push_str("Content-Type: application/json\n\n");
                out.push_str(&String::from_utf8_lossy(bytes));
                out.push('\n');
            }
            Payload::Multipart(parts) => {
                out.push_str("Content-Type: multipart/form-data\n\n");
                out.push_str(&multipart::describe(parts));
            }
        }
        Ok(prepared.secrets.redact(&out))
    }

    /// Checks everything that can be checked before sending: the token, the URL, the files.
    fn prepare(&self, spec: &RequestSpec) -> Result<Prepared> {
        self.prepare_for(spec, false)
    }

    /// [`Self::prepare`]; `describing` (a dry run) lets a request that needs a token be shown
    /// without one.
    fn prepare_for(&self, spec: &RequestSpec, describing: bool) -> Result<Prepared> {
        let url = self.url_for(spec)?;
        let secrets = self.secrets_for(spec, &url);
        secrets.check_transport(&url, &self.insecure_hosts)?;
        let auth = match (&self.token, spec.auth) {
            (_, false) => None,
            (Some(token), true) => {
                check_token_transport(&url, &self.insecure_hosts)?;
                Some(token.clone())
            }
            (None, true) if spec.auth_optional || describing => None,
            (None, true) => return Err(Error::usage(self.no_token_message.clone())),
        };
        if let Some(reason) = &spec.reason {
            if reason.chars().count() > 512 {
                return Err(Error::usage(
                    "--reason is longer than Discord's 512 characters",
                ));
            }
        }
        if let Some(form) = spec.form {
            if form.file_required && spec.files.is_empty() {
                return Err(Error::usage(format!(
                    "{} {} needs a file: add --file PATH (it is sent as the form field '{}')",
                    spec.method.as_str(),
                    spec.path,
                    form.file_field
                )));
            }
        }
        let payload = if spec.files.is_empty() {
            match &spec.body {
                None => Payload::None,
                Some(body) => Payload::Json(
                    serde_json::to_vec(body).map_err(|e| Error::runtime(e.to_string()))?,
                ),
            }
        } else {
            let uploads = multipart::check_files(&spec.files)?;
            let body = spec.body.as_ref();
            Payload::Multipart(match spec.form {
                None if !spec.attachment_entries => multipart::layout_as_written(body, uploads)?,
                form => multipart::layout(body, uploads, form)?,
            })
        };
        for (name, value) in &spec.headers {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::usage(format!("'{name}' is not a valid header name")))?;
            HeaderValue::from_str(value)
                .map_err(|_| Error::usage(format!("the value of header '{name}' is not valid")))?;
        }
        Ok(Prepared {
            url,
            auth,
            payload,
            secrets,
        })
    }

    fn build(&self, spec: &RequestSpec, prepared: &Prepared) -> Result<RequestBuilder> {
        let method = match spec.method {
            super::Method::Get => reqwest::Method::GET,
            super::Method::Post => reqwest::Method::POST,
            super::Method::Put => reqwest::Method::PUT,
            super::Method::Patch => reqwest::Method::PATCH,
            super::Method::Delete => reqwest::Method::DELETE,
        };
        let mut headers = HeaderMap::new();
        if let Some(token) = &prepared.auth {
            let mut value = HeaderValue::from_str(&token.authorization())
                .map_err(|_| Error::usage("the token contains characters a header cannot carry"))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        if let Some(reason) = &spec.reason {
            if let Ok(v) = HeaderValue::from_str(&encode_reason(reason)) {
                headers.insert("x-audit-log-reason", v);
            }
        }
        for (name, value) in &spec.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                if n == USER_AGENT {
                    // Discord requires its format; a user's suffix is appended, not swapped.
                    if let Ok(v) =
                        HeaderValue::from_str(&format!("{} {value}", crate::user_agent()))
                    {
                        headers.insert(USER_AGENT, v);
                    }
                } else {
                    let mut v = v;
                    // A -H Authorization replaces the token's and is as secret.
                    v.set_sensitive(n == AUTHORIZATION);
                    headers.insert(n, v);
                }
            }
        }
        let mut builder = self.http.request(method, &prepared.url);
        if let Some(timeout) = self.timeout {
            // Set per request, reqwest's timeout covers reading the body too, so a body trickled
            // a byte at a time cannot outlast it (the client-wide one limits each read only).
            builder = builder.timeout(timeout);
        }
        match &prepared.payload {
            Payload::None => {}
            Payload::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                builder = builder.body(bytes.clone());
            }
            Payload::Multipart(parts) => {
                builder = builder.multipart(multipart::build_form(parts)?);
            }
        }
        let builder = builder.headers(headers);
        if self.verbose {
            self.trace_request(spec, prepared);
        }
        Ok(builder)
    }

    /// Waits (saying so when it is over a second) until the rate limiter lets the request go.
    /// How many requests so far waited for a rate limit before going out.
    pub fn rate_limit_waits(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }

    fn wait_for_slot(&self, key: &RouteKey) -> Result<()> {
        let mut counted = false;
        while let Some(wait) = self.limit_state(|l| l.try_acquire(key)) {
            if !counted {
                counted = true;
                self.held.fetch_add(1, Ordering::Relaxed);
            }
            if wait > self.max_wait {
                // The wait outlives this process in the shared state; say where, so a user
                // who knows better is not stuck with it.
                let kept = match &self.shared {
                    Some(cache) => format!(
                        "; the wait is kept for later commands in {} (delete that file, or pass --no-rate-limit-cache, to forget it)",
                        cache.path().display()
                    ),
                    None => String::new(),
                };
                return Err(Error::new(
                    ErrorKind::Api,
                    format!(
                        "rate limited: Discord asks to wait {:.0} s, longer than --max-wait {:.0} s; try again later or raise --max-wait{kept}",
                        wait.as_secs_f64(),
                        self.max_wait.as_secs_f64()
                    ),
                ));
            }
            if wait > Duration::from_secs(1) {
                self.note(&format!(
                    "rate limited on {}; waiting {:.1} s",
                    key.describe(),
                    wait.as_secs_f64()
                ));
            }
            // Short waits are common at a raised global rate; a floor keeps this from spinning.
            std::thread::sleep(wait.max(Duration::from_micros(100)));
        }
        Ok(())
    }

    /// Every look at or change to the rate-limit state goes through here. With the shared cache
    /// on, it happens under the cache file's lock with the state other invocations left, so
    /// separate processes reserve slots from one set of buckets.
    fn limit_state<T>(&self, f: impl FnOnce(&RateLimiter) -> T) -> T {
        match &self.shared {
            Some(cache) => cache.with_locked(&self.limiter, f),
            None => f(&self.limiter),
        }
    }

    fn note(&self, text: &str) {
        let text = match &self.token {
            Some(t) => t.redact(text),
            None => text.to_string(),
        };
        self.notice.say(&format!("discord: {text}"));
    }

    /// Says on stderr that a request is retried, when the wait is long enough to notice (or
    /// with `-v`): quick retries that end well stay quiet, and a final failure is one line.
    fn retry_note(&self, wait: Duration, text: &str) {
        if self.verbose || wait >= Duration::from_secs(1) {
            self.note(text);
        }
    }

    fn trace_request(&self, spec: &RequestSpec, prepared: &Prepared) {
        let mut out = format!("> {} {}\n", spec.method.as_str(), prepared.url);
        for (name, value) in shown_headers(spec, prepared) {
            out.push_str(&format!("> {}: {value}\n", name.to_ascii_lowercase()));
        }
        match &prepared.payload {
            Payload::None => {}
            Payload::Json(b) => out.push_str(&format!(
                "> content-type: application/json\n> content-length: {}\n",
                b.len()
            )),
            Payload::Multipart(..) => out.push_str("> content-type: multipart/form-data\n"),
        }
        self.notice.say(prepared.secrets.redact(&out).trim_end());
    }

    fn trace_response(
        &self,
        status: u16,
        version: reqwest::Version,
        headers: &[(String, String)],
        secrets: &Secrets,
    ) {
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut out = format!("< {version:?} {status} {reason}\n");
        for (name, value) in headers {
            out.push_str(&format!("< {name}: {value}\n"));
        }
        self.notice.say(secrets.redact(&out).trim_end());
    }
}

/// A request checked and ready to send (rebuilt into a reqwest request per attempt).
struct Prepared {
    url: String,
    auth: Option<Token>,
    payload: Payload,
    /// Every secret the request carries, for redacting what is shown about it.
    secrets: Secrets,
}

enum Payload {
    None,
    Json(Vec<u8>),
    Multipart(multipart::Multipart),
}

/// The API path of a URL (the part after the base), for rate-limit routing.
fn route_path<'a>(url: &'a str, base: &str) -> &'a str {
    url.strip_prefix(base).unwrap_or(url)
}

/// The headers a request carries besides the body's, as `--dry-run` and `-v` show them: the
/// User-Agent as sent (a `-H User-Agent` is appended to Discord's required form), and any
/// Authorization, the token's or a `-H` one that replaces it, with its secret hidden.
fn shown_headers(spec: &RequestSpec, prepared: &Prepared) -> Vec<(String, String)> {
    let is = |name: &str, wanted: &str| name.eq_ignore_ascii_case(wanted);
    let agent = match spec.headers.iter().find(|(n, _)| is(n, "user-agent")) {
        Some((_, extra)) => format!("{} {extra}", crate::user_agent()),
        None => crate::user_agent(),
    };
    let mut shown = vec![("User-Agent".to_string(), agent)];
    let own_auth = spec.headers.iter().any(|(n, _)| is(n, "authorization"));
    if let (Some(token), false) = (&prepared.auth, own_auth) {
        shown.push(("Authorization".into(), token.redacted_authorization()));
    }
    if let Some(reason) = &spec.reason {
        shown.push(("X-Audit-Log-Reason".into(), encode_reason(reason)));
    }
    for (name, value) in &spec.headers {
        if is(name, "user-agent") {
            continue;
        }
        let value = if is(name, "authorization") {
            match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} ████"),
                None => "████".to_string(),
            }
        } else {
            value.clone()
        };
        shown.push((name.clone(), value));
    }
    shown
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn read_body(response: reqwest::blocking::Response) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut limited = response.take(MAX_BODY_BYTES + 1);
    limited.read_to_end(&mut body).map_err(|e| {
        let timed_out = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout);
        Error::network(if timed_out {
            "the response did not arrive in full within --timeout; raise --timeout if the network is slow".to_string()
        } else {
            format!("the response body was cut short ({e})")
        })
    })?;
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(Error::network(format!(
            "the response body is larger than {} MiB; refusing it",
            MAX_BODY_BYTES / 1024 / 1024
        )));
    }
    Ok(body)
}

/// One `--trace` record for an attempt: what was sent (the route with ids and tokens blanked,
/// never a secret), what came back, and how long the rate limiter held it first.
fn trace_record(
    spec: &RequestSpec,
    key: &RouteKey,
    result: &Result<Response>,
    waited: Duration,
    retry: u32,
) -> Value {
    let mut record = serde_json::json!({
        "time": crate::epoch_seconds(),
        "kind": "http",
        "method": spec.method.as_str(),
        "route": key.route,
        "waited_ms": (waited.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        "retry": retry,
    });
    match result {
        Ok(response) => {
            let limits = RateLimitHeaders::parse(|name| response.header(name));
            record["status"] = response.status.into();
            record["bucket"] = limits.bucket.clone().into();
            record["remaining"] = limits.remaining.into();
            record["reset_after"] = limits.reset_after.into();
            if response.status == 429 {
                let (wait, global) = retry_after(&response.body, &limits);
                let scope = limits
                    .scope
                    .clone()
                    .unwrap_or_else(|| if global { "global" } else { "user" }.to_string());
                record["scope"] = scope.into();
                record["retry_after"] = wait.into();
            }
        }
        Err(e) => record["error"] = e.message.clone().into(),
    }
    record
}

/// How long a 429 asks to wait: the body's `retry_after`, else `Retry-After`, else the
/// bucket's reset, else one second. Whether it is global.
fn retry_after(body: &[u8], limits: &RateLimitHeaders) -> (f64, bool) {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let from_body = json
        .as_ref()
        .and_then(|j| j.get("retry_after"))
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite() && *v >= 0.0);
    let global = limits.global
        || json
            .as_ref()
            .and_then(|j| j.get("global"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let wait = from_body
        .or(limits.retry_after)
        .or(limits.reset_after)
        .unwrap_or(1.0);
    (wait, global)
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

/// One line naming the host and the root cause of a transport failure.
fn network_message(err: &reqwest::Error, url: &str, idempotent: bool) -> String {
    let host = host_of(url);
    let mut cause = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if err.is_timeout() {
        format!("{host}: timed out ({cause}); raise --timeout or --connect-timeout if the network is slow")
    } else if err.is_connect() {
        format!("cannot connect to {host}: {cause}")
    } else if idempotent {
        format!("{host}: the connection failed: {cause}")
    } else {
        format!("{host}: the connection failed after the request was sent, so it was not retried (it may have been acted on): {cause}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_sources_in_order() {
        let none = RateLimitHeaders::default();
        assert_eq!(
            retry_after(br#"{"retry_after": 2.5, "global": true}"#, &none),
            (2.5, true)
        );
        let hdr = RateLimitHeaders {
            retry_after: Some(3.0),
            reset_after: Some(4.0),
            ..Default::default()
        };
        assert_eq!(retry_after(b"garbage", &hdr), (3.0, false));
        assert_eq!(retry_after(b"{}", &none), (1.0, false));
    }

    #[test]
    fn host_is_named() {
        assert_eq!(host_of("http://127.0.0.1:9/api/v10/x?y"), "127.0.0.1:9");
    }
}
