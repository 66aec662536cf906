//! `discord batch`: JSON request lines on stdin, run by `--jobs` threads sharing one
//! [`Client`] (and so one rate limiter), one JSON result line per request in input order.
//!
//! Memory stays bounded however long stdin is: the reader may run at most `WINDOW_PER_JOB *
//! jobs` lines ahead of the last printed result, so neither the queue nor the reorder buffer
//! grows with the input.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

use serde_json::{json, Value};

use clap::{Args, FromArgMatches};

use super::{send_message, typed};
use crate::cli::{BatchArgs, FileArgs, SendMessageArgs};
use crate::config::Settings;
use crate::endpoints;
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// How many lines per worker may be read ahead of the printed output.
const WINDOW_PER_JOB: u64 = 16;

/// Runs the batch; exits 1 (an API error) when any request failed.
pub fn run(settings: &Settings, args: &BatchArgs) -> Result<()> {
    if args.jobs == 0 {
        return Err(Error::usage("--jobs must be at least 1"));
    }
    let client = settings.client()?.clone();
    let dry_run = settings.dry_run;
    let window = WINDOW_PER_JOB * args.jobs as u64;
    let printed = Arc::new((Mutex::new(0u64), Condvar::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, String)>(args.jobs * 2);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (res_tx, res_rx) = mpsc::channel::<(u64, Value, bool)>();

    let read = Arc::new(AtomicU64::new(0));
    let reader = {
        let printed = Arc::clone(&printed);
        let stop = Arc::clone(&stop);
        let read = Arc::clone(&read);
        std::thread::spawn(move || -> std::io::Result<()> {
            let stdin = std::io::stdin();
            let mut index = 0u64;
            for line in stdin.lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                {
                    let (lock, cvar) = &*printed;
                    let mut done = lock.lock().expect("printed counter poisoned");
                    while index >= *done + window && !stop.load(Ordering::Relaxed) {
                        done = cvar.wait(done).expect("printed counter poisoned");
                    }
                }
                if stop.load(Ordering::Relaxed) || job_tx.send((index, line)).is_err() {
                    break;
                }
                index += 1;
                read.store(index, Ordering::Relaxed);
            }
            Ok(())
        })
    };

    let workers: Vec<_> = (0..args.jobs)
        .map(|_| {
            let client = client.clone();
            let job_rx = Arc::clone(&job_rx);
            let res_tx = res_tx.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || loop {
                let job = job_rx.lock().expect("job queue poisoned").recv();
                let Ok((index, line)) = job else { break };
                let (value, ok) = if stop.load(Ordering::Relaxed) {
                    (json!({"index": index, "error": "skipped after an earlier failure (--fail-fast)"}), false)
                } else {
                    run_line(&client, index, &line, dry_run)
                };
                if res_tx.send((index, value, ok)).is_err() {
                    break;
                }
            })
        })
        .collect();
    drop(res_tx);

    let mut pending = BTreeMap::new();
    let mut next = 0u64;
    let (mut total, mut failed) = (0u64, 0u64);
    let mut out = std::io::stdout().lock();
    let progress = crate::output::progress::Progress::counter("requests");
    for (index, value, ok) in res_rx {
        pending.insert(index, (value, ok));
        while let Some((value, ok)) = pending.remove(&next) {
            writeln!(out, "{value}")?;
            out.flush()?;
            total += 1;
            if !ok {
                failed += 1;
                if args.fail_fast {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            progress.inc(1);
            progress.note(format!(
                "of {} read, {failed} failed, {} held for rate limits",
                read.load(Ordering::Relaxed),
                client.rate_limit_waits()
            ));
            next += 1;
            let (lock, cvar) = &*printed;
            *lock.lock().expect("printed counter poisoned") = next;
            cvar.notify_all();
        }
    }
    for w in workers {
        let _ = w.join();
    }
    match reader.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(Error::runtime(format!("cannot read stdin: {e}"))),
        Err(_) => return Err(Error::runtime("the stdin reader stopped unexpectedly")),
    }
    if failed > 0 {
        return Err(Error::new(
            ErrorKind::Api,
            format!("{failed} of {total} batch requests failed"),
        ));
    }
    Ok(())
}

/// Runs one input line; returns its result line and whether it succeeded. A line that stands
/// for several requests (a split message) runs them in order and stops at the first failure;
/// its result has the last status and every body, as an array. With `dry_run` nothing is
/// sent: the result carries what `--dry-run` prints for each request instead.
fn run_line(client: &Client, index: u64, line: &str, dry_run: bool) -> (Value, bool) {
    let specs = match parse_line(line) {
        Ok(specs) => specs,
        Err(e) => return (json!({"index": index, "error": e}), false),
    };
    let several = specs.len() > 1;
    if dry_run {
        let described: Result<Vec<String>> = specs.iter().map(|s| client.describe(s)).collect();
        return match described {
            Ok(mut texts) => {
                let shown = if several {
                    json!(texts)
                } else {
                    json!(texts.pop())
                };
                (json!({"index": index, "dry_run": shown}), true)
            }
            Err(e) => (json!({"index": index, "error": e.to_string()}), false),
        };
    }
    let mut bodies = Vec::with_capacity(specs.len());
    let mut status = 0;
    for spec in &specs {
        match client.send_raw(spec) {
            Ok(resp) => {
                status = resp.status;
                bodies.push(
                    serde_json::from_slice::<Value>(&resp.body).unwrap_or_else(|_| {
                        Value::String(String::from_utf8_lossy(&resp.body).into_owned())
                    }),
                );
                if status >= 400 {
                    break;
                }
            }
            Err(e) => return (json!({"index": index, "error": e.to_string()}), false),
        }
    }
    let body = if several {
        Value::Array(bodies)
    } else {
        bodies.pop().unwrap_or(Value::Null)
    };
    (
        json!({"index": index, "status": status, "body": body}),
        status < 400,
    )
}

/// Turns one JSON input line into its requests (several only for `send-message --split`); the
/// message says what was wrong with the line.
pub fn parse_line(line: &str) -> std::result::Result<Vec<RequestSpec>, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("line is not JSON: {e}"))?;
    let Some(obj) = value.as_object() else {
        return Err("line must be a JSON object".into());
    };
    if let Some(command) = obj.get("command") {
        let Some(name) = command.as_str() else {
            return Err("\"command\" must be a string such as \"send-message\"".into());
        };
        return parse_command(name, obj.get("args"));
    }
    let method = match obj
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
    {
        Some(m) if m == "GET" => Method::Get,
        Some(m) if m == "POST" => Method::Post,
        Some(m) if m == "PUT" => Method::Put,
        Some(m) if m == "PATCH" => Method::Patch,
        Some(m) if m == "DELETE" => Method::Delete,
        Some(m) => {
            return Err(format!(
                "unknown method {m:?}; use GET, POST, PUT, PATCH or DELETE"
            ))
        }
        None => return Err("missing \"method\" (or \"command\")".into()),
    };
    let Some(path) = obj.get("path").and_then(Value::as_str) else {
        return Err("missing \"path\" string".into());
    };
    let mut spec = RequestSpec::new(method, path);
    spec.body = obj.get("body").cloned();
    if let Some(query) = obj.get("query") {
        let Some(q) = query.as_object() else {
            return Err("\"query\" must be an object".into());
        };
        for (k, v) in q {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            spec.query.push((k.clone(), text));
        }
    }
    match obj.get("reason") {
        None | Some(Value::Null) => {}
        Some(Value::String(r)) => spec.reason = Some(r.clone()),
        Some(_) => return Err("\"reason\" must be a string".into()),
    }
    Ok(vec![spec])
}

/// A typed command line (`{"command":"create-message","args":["1","--content","hi"]}`): its
/// arguments go through the same clap definition and checks as on the command line.
fn parse_command(
    name: &str,
    args: Option<&Value>,
) -> std::result::Result<Vec<RequestSpec>, String> {
    let args: Vec<String> = match args {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err("\"args\" must be an array of strings".to_string()),
            })
            .collect::<std::result::Result<_, _>>()?,
        Some(_) => return Err("\"args\" must be an array of strings".into()),
    };
    // stdin holds the batch itself, so nothing in a line may read from it.
    if args.iter().any(|a| a == "@-" || a.ends_with("=@-")) {
        return Err(
            "'@-' would read stdin, which holds the batch; put the data in the line".into(),
        );
    }
    let parse = |cmd: clap::Command| {
        cmd.no_binary_name(true)
            .disable_help_flag(true)
            .try_get_matches_from(&args)
            .map_err(|e| format!("{name}: {}", super::clap_message(&e)))
    };
    if name == "send-message" {
        let matches = parse(SendMessageArgs::augment_args(clap::Command::new(
            "send-message",
        )))?;
        let parsed = SendMessageArgs::from_arg_matches(&matches).map_err(|e| e.to_string())?;
        if parsed.content.as_deref() == Some("-") {
            return Err(
                "send-message: content '-' would read stdin, which holds the batch; put the text in args"
                    .into(),
            );
        }
        return send_message::requests(&parsed).map_err(|e| e.to_string());
    }
    if let Some(endpoint) = endpoints::find(name) {
        let matches = parse(endpoints::clap::command(endpoint))?;
        if endpoint.paging.is_some() && matches.get_flag("paginate") {
            return Err(format!(
                "{name}: --paginate is not available in batch; page with before/after in the lines"
            ));
        }
        let mut spec = typed::build(endpoint, &matches).map_err(|e| e.to_string())?;
        if endpoint.multipart {
            spec.files = FileArgs::from_arg_matches(&matches)
                .map_err(|e| e.to_string())?
                .files;
        }
        return Ok(vec![spec]);
    }
    if let Some(removed) = endpoints::find_removed(name) {
        return Err(removed.message.to_string());
    }
    Err(format!(
        "unknown command {name:?}; batch runs send-message and the typed endpoint commands (`discord endpoints` lists them)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_raw_request_line() {
        let mut specs = parse_line(r#"{"method":"post","path":"/channels/1/messages","body":{"content":"hi"},"query":{"a":1},"reason":"r"}"#)
            .unwrap();
        assert_eq!(specs.len(), 1);
        let spec = specs.remove(0);
        assert_eq!(spec.method, Method::Post);
        assert_eq!(spec.path, "/channels/1/messages");
        assert_eq!(spec.query, vec![("a".to_string(), "1".to_string())]);
        assert_eq!(spec.reason.as_deref(), Some("r"));
        assert_eq!(spec.body, Some(json!({"content": "hi"})));
    }

    #[test]
    fn rejects_bad_lines_with_a_reason() {
        assert!(parse_line("nope").unwrap_err().contains("not JSON"));
        assert!(parse_line("[]").unwrap_err().contains("object"));
        assert!(parse_line(r#"{"method":"BREW","path":"/x"}"#)
            .unwrap_err()
            .contains("BREW"));
        assert!(parse_line(r#"{"method":"GET"}"#)
            .unwrap_err()
            .contains("path"));
    }

    #[test]
    fn typed_command_lines_build_checked_requests() {
        let specs =
            parse_line(r#"{"command":"create-message","args":["12","--content","hi","--tts"]}"#)
                .unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].method, Method::Post);
        assert_eq!(specs[0].path, "/channels/12/messages");
        assert_eq!(specs[0].body, Some(json!({"content": "hi", "tts": true})));

        let specs = parse_line(r#"{"command":"send-message","args":["7",  "hello"]}"#).unwrap();
        assert_eq!(specs[0].path, "/channels/7/messages");
        assert_eq!(specs[0].body, Some(json!({"content": "hello"})));

        // Numbers in args are taken as their text.
        let specs = parse_line(r#"{"command":"get-channel","args":[5]}"#).unwrap();
        assert_eq!(
            (specs[0].method, specs[0].path.as_str()),
            (Method::Get, "/channels/5")
        );
    }

    #[test]
    fn split_messages_become_several_requests_in_order() {
        let text = "word ".repeat(900);
        let line = json!({"command": "send-message", "args": ["7", text, "--split"]}).to_string();
        let specs = parse_line(&line).unwrap();
        assert_eq!(specs.len(), 3);
        let joined: Vec<String> = specs
            .iter()
            .map(|s| {
                s.body.as_ref().unwrap()["content"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(joined.join(" ").split_whitespace().count(), 900);
    }

    #[test]
    fn bad_typed_lines_say_what_is_wrong() {
        let err = |l: &str| parse_line(l).unwrap_err();
        assert!(err(r#"{"command":"get-channel","args":["abc"]}"#).contains("<CHANNEL_ID>"));
        assert!(err(r#"{"command":"create-message","args":["1","--bogus"]}"#).contains("--bogus"));
        assert!(err(r#"{"command":"no-such-thing"}"#).contains("unknown command"));
        assert!(err(r#"{"command":"get-guild-embed","args":["1"]}"#).contains("widget"));
        assert!(err(r#"{"command":"send-message","args":["1","-"]}"#).contains("stdin"));
        assert!(
            err(r#"{"command":"create-message","args":["1","--data","@-"]}"#).contains("stdin")
        );
        assert!(err(r#"{"command":"send-message","args":"1 hi"}"#).contains("array"));
        assert!(err(r#"{"command":5}"#).contains("string"));
        assert!(err(r#"{"command":"send-message","args":["1"]}"#).contains("nothing to send"));
        // Found by fuzzing: a field argument with line breaks made a multi-line error.
        let e = err(r#"{"command":"create-guild-channel","args":["0","--name","x","-fn\b\n\b["]}"#);
        assert!(!e.contains('\n') && e.contains("key=value"), "{e}");
    }
}
