//! `discord batch`: JSON request lines on stdin, run by `--jobs` threads sharing one
//! [`Client`] (and so one rate limiter), one JSON result line per request in input order.
//!
//! Memory stays bounded however long stdin is: the reader may run at most `WINDOW_PER_JOB *
//! jobs` lines ahead of the last printed result, so neither the queue nor the reorder buffer
//! grows with the input.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

use serde_json::{json, Value};

use crate::cli::BatchArgs;
use crate::config::Settings;
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// How many lines per worker may be read ahead of the printed output.
const WINDOW_PER_JOB: u64 = 16;

/// Runs the batch; exits 1 (an API error) when any request failed.
pub fn run(settings: &Settings, args: &BatchArgs) -> Result<()> {
    if args.jobs == 0 {
        return Err(Error::usage("--jobs must be at least 1"));
    }
    let client = Client::new(settings)?;
    let window = WINDOW_PER_JOB * args.jobs as u64;
    let printed = Arc::new((Mutex::new(0u64), Condvar::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, String)>(args.jobs * 2);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (res_tx, res_rx) = mpsc::channel::<(u64, Value, bool)>();

    let reader = {
        let printed = Arc::clone(&printed);
        let stop = Arc::clone(&stop);
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
                    run_line(&client, index, &line)
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
            progress.inc(1);
            if !ok {
                failed += 1;
                progress.note(format!("{failed} failed"));
                if args.fail_fast {
                    stop.store(true, Ordering::Relaxed);
                }
            }
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

/// Runs one input line; returns its result line and whether it succeeded.
fn run_line(client: &Client, index: u64, line: &str) -> (Value, bool) {
    let spec = match parse_line(line) {
        Ok(spec) => spec,
        Err(e) => return (json!({"index": index, "error": e}), false),
    };
    match client.send_raw(&spec) {
        Ok(resp) => {
            let body = serde_json::from_slice::<Value>(&resp.body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&resp.body).into_owned())
            });
            let ok = resp.status < 400;
            (
                json!({"index": index, "status": resp.status, "body": body}),
                ok,
            )
        }
        Err(e) => (json!({"index": index, "error": e.to_string()}), false),
    }
}

/// Turns one JSON input line into a request; the message says what was wrong with the line.
pub fn parse_line(line: &str) -> std::result::Result<RequestSpec, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("line is not JSON: {e}"))?;
    let Some(obj) = value.as_object() else {
        return Err("line must be a JSON object".into());
    };
    if obj.contains_key("command") {
        return Err("typed commands in batch are not supported yet; use method and path".into());
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
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_raw_request_line() {
        let spec = parse_line(r#"{"method":"post","path":"/channels/1/messages","body":{"content":"hi"},"query":{"a":1},"reason":"r"}"#)
            .unwrap();
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
}
