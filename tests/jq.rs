//! End-to-end: `--jq EXPR` and `-r` on raw responses, `--paginate` (array and `--lines`) and
//! bad expressions, against `discord sandbox`.

mod common;

use common::{stderr, stdout, Sandbox};
use serde_json::Value;

fn sandbox() -> Sandbox {
    Sandbox::start_with(&["--token", "Jq.TokenValue-1234567890"])
}

#[test]
fn jq_filters_a_raw_response_and_raw_output_unquotes() {
    let sb = sandbox();
    let me = sb.run(&["get", "/users/@me"]);
    assert!(me.status.success(), "{}", stderr(&me));
    let me: Value = serde_json::from_str(&stdout(&me)).unwrap();
    let id = me["id"].as_str().unwrap().to_string();

    let out = sb.run(&["get", "/users/@me", "--jq", ".id"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("\"{id}\"\n"));

    let out = sb.run(&["get", "/users/@me", "--jq", ".id", "-r"]);
    assert_eq!(stdout(&out), format!("{id}\n"));

    // Several outputs: one line each.
    let out = sb.run(&["get", "/users/@me", "--jq", ".id, .bot", "--compact"]);
    assert_eq!(stdout(&out), format!("\"{id}\"\ntrue\n"));

    // A typed command's output goes through the same filter.
    let out = sb.run(&["get-current-user", "--jq", ".id", "-r"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{id}\n"));
}

#[test]
fn jq_on_paginate_sees_the_whole_array_and_each_line() {
    let sb = sandbox();
    let path = format!("/channels/{}/messages", sb.general_channel());
    let all = sb.run(&["get", &path, "--paginate"]);
    assert!(all.status.success(), "{}", stderr(&all));
    let all: Value = serde_json::from_str(&stdout(&all)).unwrap();
    let ids: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() > 100, "more than one page: {}", ids.len());

    let count = sb.run(&["get", &path, "--paginate", "--jq", "length"]);
    assert!(count.status.success(), "{}", stderr(&count));
    assert_eq!(stdout(&count), format!("{}\n", ids.len()));

    let lines = sb.run(&["get", &path, "--paginate", "--lines", "--jq", ".id", "-r"]);
    assert!(lines.status.success(), "{}", stderr(&lines));
    let got: Vec<String> = stdout(&lines).lines().map(str::to_string).collect();
    assert_eq!(got, ids);
}

#[test]
fn bad_jq_is_a_usage_error_and_sends_nothing() {
    let sb = sandbox();
    let out = sb.run(&["get", "/users/@me", "--jq", ".id |"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("not a valid jq expression"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["get", "/users/@me", "--jq", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("undefined filter `frobnicate`"),
        "{}",
        stderr(&out)
    );
    let requests = sb.admin("get", "/_sandbox/requests", None);
    assert!(
        requests.as_array().is_some_and(|r| r.is_empty()),
        "a bad --jq sent requests: {requests}"
    );

    // A filter that fails on the actual output names the problem too; the request was
    // fine, so that is exit 1 (not a usage error) and says the request succeeded.
    let out = sb.run(&["get", "/users/@me", "--jq", ".id.x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot index"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("request succeeded"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn jq_filters_listen_event_lines() {
    let sb = Sandbox::start();
    let plain = sb.run(&["listen", "--max-events", "2"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let types: Vec<String> = stdout(&plain)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["t"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types.len(), 2);

    let out = sb.run(&["listen", "--max-events", "2", "--jq", ".t", "-r"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(got, types);

    let out = sb.run(&["listen", "--max-events", "2", "--jq", "{t} | .t |"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
