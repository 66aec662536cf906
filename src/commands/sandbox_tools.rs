//! `discord sandbox invoke` and `discord sandbox trigger`: act as other users in a running
//! sandbox (the one `DISCORD_API_URL` points at) through its admin routes, and print what
//! happened.

use serde_json::{json, Value};

use crate::cli::slash::{InvokeArgs, SandboxAction, TriggerEvent};
use crate::config::Settings;
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, Result};

/// Runs a `discord sandbox` action against the running sandbox.
pub fn run(settings: &Settings, action: SandboxAction) -> Result<()> {
    match action {
        SandboxAction::Invoke(a) => invoke(settings, &a),
        SandboxAction::Trigger(t) => trigger(settings, t.event),
    }
}

/// Sends `body` to a `/_sandbox/...` admin route of the sandbox at the API URL's root.
fn admin(settings: &Settings, path: &str, body: Value) -> Result<Value> {
    // Only a local sandbox has these routes; never send them to Discord.
    let local = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| settings.api_url.starts_with(p));
    let root_url = settings
        .api_url
        .strip_suffix(crate::sandbox::routes::API_PREFIX)
        .filter(|_| local)
        .ok_or_else(|| Error::usage(format!(
            "{} is not a local sandbox's API URL; start one with 'discord sandbox' and export the DISCORD_API_URL it prints",
            settings.api_url
        )))?;
    let mut root = settings.clone();
    root.api_url = root_url.to_string();
    let mut spec = RequestSpec::new(Method::Post, path);
    spec.auth = false;
    spec.body = Some(body);
    let client = Client::new(&root.client_options())?;
    if settings.dry_run {
        return crate::output::write_stdout(client.describe(&spec)?.as_bytes())
            .map(|_| Value::Null);
    }
    let response = client.send_raw(&spec)?;
    let body = response.json()?;
    if response.status >= 400 {
        let why = body["error"]
            .as_str()
            .or(body["message"].as_str())
            .unwrap_or("refused");
        return Err(Error::runtime(format!("the sandbox refused: {why}")));
    }
    Ok(body)
}

/// `NAME=VALUE` pairs from repeated flags.
fn pairs(flag: &str, items: &[String]) -> Result<Vec<Value>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok(json!([k, v])),
            _ => Err(Error::usage(format!(
                "{flag} takes NAME=VALUE, not {}",
                crate::error::shown(item)
            ))),
        })
        .collect()
}

fn invoke(settings: &Settings, args: &InvokeArgs) -> Result<()> {
    let mut body = json!({"options": pairs("--option", &args.options)?, "wait": args.wait});
    if let Some(c) = &args.command {
        body["command"] = json!(c);
    }
    if let Some(f) = &args.focus {
        if !args.options.iter().any(|o| o.split('=').next() == Some(f)) {
            return Err(Error::usage(format!(
                "--focus {f} needs the text typed so far as --option {f}=TEXT"
            )));
        }
        body["focused"] = json!(f);
    }
    if let Some(c) = &args.click {
        body["custom_id"] = json!(c);
        body["values"] = json!(args.values);
        if let Some(m) = &args.message {
            body["message_id"] = json!(m);
        }
    }
    if let Some(m) = &args.submit {
        body["modal"] = json!(m);
        body["fields"] = Value::Array(pairs("--field", &args.fields)?);
    }
    for (key, value) in [
        ("guild_id", &args.guild),
        ("channel_id", &args.channel),
        ("user_id", &args.user),
    ] {
        if let Some(v) = value {
            body[key] = json!(v);
        }
    }
    let outcome = admin(settings, "/_sandbox/invoke", body)?;
    if settings.dry_run {
        return Ok(());
    }
    if args.json {
        settings.printer.print_value(&outcome)?;
    } else {
        crate::output::write_stdout(seen(&outcome).as_bytes())?;
    }
    if outcome["ok"] == json!(true) {
        Ok(())
    } else {
        Err(Error::runtime(
            outcome["error"]
                .as_str()
                .unwrap_or("the interaction failed")
                .to_string(),
        ))
    }
}

/// What the invoking user sees, as text: the message (and who else sees it), the modal, the
/// choices, follow-ups.
fn seen(outcome: &Value) -> String {
    let mut out = String::new();
    let message = |m: &Value, ephemeral: bool| {
        let mut line = format!(
            "{}: {}",
            m["author"]["username"].as_str().unwrap_or("?"),
            m["content"].as_str().unwrap_or("")
        );
        for e in m["embeds"].as_array().into_iter().flatten() {
            line.push_str(&format!(
                " [embed: {}]",
                e["title"]
                    .as_str()
                    .or(e["description"].as_str())
                    .unwrap_or("")
            ));
        }
        if m["components"].as_array().is_some_and(|c| !c.is_empty()) {
            line.push_str(" [with components]");
        }
        if ephemeral {
            line.push_str("  (only you can see this)");
        }
        line + "\n"
    };
    if let Some(m) = outcome.get("message").filter(|m| m.is_object()) {
        let ephemeral =
            outcome["ephemeral"] == json!(true) || m["flags"].as_u64().unwrap_or(0) & 64 != 0;
        out.push_str(&message(m, ephemeral));
    }
    if let Some(modal) = outcome.get("modal") {
        out.push_str(&format!(
            "modal: {} ({})\n",
            modal["title"].as_str().unwrap_or(""),
            modal["custom_id"].as_str().unwrap_or("")
        ));
    }
    for c in outcome["choices"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "choice: {} = {}\n",
            c["name"].as_str().unwrap_or(""),
            c["value"]
        ));
    }
    if outcome["deferred_update"] == json!(true) {
        out.push_str("(deferred update: the message stays as it was)\n");
    }
    for f in outcome["followups"].as_array().into_iter().flatten() {
        out.push_str(&message(f, f["flags"].as_u64().unwrap_or(0) & 64 != 0));
    }
    out
}

fn trigger(settings: &Settings, event: TriggerEvent) -> Result<()> {
    let body = match event {
        TriggerEvent::Message {
            channel,
            text,
            user,
        } => json!({"kind": "message", "channel": channel, "content": text, "user": user}),
        TriggerEvent::Reaction {
            channel,
            emoji,
            message,
            user,
        } => {
            json!({"kind": "reaction", "channel": channel, "emoji": emoji, "message_id": message, "user": user})
        }
        TriggerEvent::MemberJoin { username, guild } => {
            json!({"kind": "member-join", "username": username, "guild_id": guild})
        }
    };
    let result = admin(settings, "/_sandbox/trigger", body)?;
    if settings.dry_run {
        return Ok(());
    }
    settings.printer.print_value(&result)
}
