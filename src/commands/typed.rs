//! A typed endpoint subcommand: check every argument against its kind, build the request from
//! the route table entry, then send it through [`crate::request::execute`] like any raw request.

use std::io::{self, IsTerminal};

use clap::{ArgMatches, FromArgMatches};
use serde_json::{Map, Value};

use crate::cli::{FileArgs, PageArgs, RequestArgs};
use crate::config::Settings;
use crate::endpoints::clap::{flag_id, long_flag, path_id, Place};
use crate::endpoints::{permissions, Auth, Body, Endpoint, Kind};
use crate::error::shown;
use crate::rest::url::encode_segment;
use crate::rest::RequestSpec;
use crate::{Error, Result};

/// Runs one typed endpoint with its parsed arguments.
pub fn run(settings: &Settings, endpoint: &'static Endpoint, matches: &ArgMatches) -> Result<()> {
    let spec = build(endpoint, matches)?;
    let files = if endpoint.multipart {
        FileArgs::from_arg_matches(matches).map_err(|e| Error::usage(e.to_string()))?
    } else {
        FileArgs::default()
    };
    let page = if endpoint.paging.is_some() {
        PageArgs::from_arg_matches(matches).map_err(|e| Error::usage(e.to_string()))?
    } else {
        PageArgs::default()
    };
    // `--yes` is accepted everywhere (scripts pass it uniformly) and only matters here.
    if let Some(question) = endpoint.confirm {
        if !settings.dry_run && !matches.get_flag("yes") {
            confirm(&question_for(endpoint, question, matches, &spec))?;
        }
    }
    crate::request::execute(settings, spec, &files, &page)
}

/// Builds the request: checked ids substituted into the path, typed flags into the query and
/// body, then the shared request flags merged on top.
pub fn build(endpoint: &'static Endpoint, matches: &ArgMatches) -> Result<RequestSpec> {
    let mut path = endpoint.path.to_string();
    for p in endpoint.path_params {
        let label = format!("<{}>", p.name.to_ascii_uppercase());
        let text = matches
            .get_one::<String>(&path_id(p))
            .ok_or_else(|| Error::usage(format!("{label} is required; see --help")))?;
        let value = parse_value(p.kind, &label, text)?;
        let segment = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        path = path.replace(&format!("{{{}}}", p.name), &encode_segment(&segment));
    }
    let mut spec = RequestSpec::new(endpoint.method, path);
    spec.auth = endpoint.auth != Auth::Never;
    spec.auth_optional = endpoint.auth == Auth::Optional;
    spec.form = endpoint.form;
    for f in endpoint.query {
        if let Some(text) = matches.get_one::<String>(&flag_id(Place::Query, f)) {
            let label = format!("--{}", long_flag(endpoint, Place::Query, f));
            let value = match parse_value(f.kind, &label, text)? {
                Value::String(s) => s,
                other => other.to_string(),
            };
            spec.query.push((f.name.to_string(), value));
        }
    }
    let mut body = Map::new();
    for f in endpoint.fields {
        if let Some(text) = matches.get_one::<String>(&flag_id(Place::Body, f)) {
            let label = format!("--{}", long_flag(endpoint, Place::Body, f));
            body.insert(f.name.to_string(), parse_value(f.kind, &label, text)?);
        }
    }
    if !body.is_empty() {
        spec.body = Some(Value::Object(body));
    }
    let request =
        RequestArgs::from_arg_matches(matches).map_err(|e| Error::usage(e.to_string()))?;
    if request.reason.is_some() && !endpoint.reason {
        return Err(Error::usage(format!(
            "{} does not take an audit log reason; leave out --reason",
            endpoint.name
        )));
    }
    crate::request::apply_request_args(&mut spec, None, &request)?;
    if endpoint.body.is_none() && spec.body.is_some() {
        return Err(Error::usage(format!(
            "{} takes no request body; leave out --data, -f and -F",
            endpoint.name
        )));
    }
    if endpoint.body_required && endpoint.body == Some(Body::Json) && spec.body.is_none() {
        return Err(Error::usage(format!(
            "{} needs a request body: give it whole with --data JSON (or --data @file.json); see --help",
            endpoint.name
        )));
    }
    check_required(endpoint, &spec)?;
    Ok(spec)
}

/// Required query parameters and body fields must be there, from a flag or from -f/-F/--data.
fn check_required(endpoint: &Endpoint, spec: &RequestSpec) -> Result<()> {
    for f in endpoint.query.iter().filter(|f| f.required) {
        if !spec.query.iter().any(|(k, _)| k == f.name) {
            return Err(Error::usage(format!(
                "{} needs --{}; see --help",
                endpoint.name,
                long_flag(endpoint, Place::Query, f)
            )));
        }
    }
    if endpoint.body != Some(Body::Object) {
        return Ok(());
    }
    let body = spec.body.as_ref().and_then(Value::as_object);
    for f in endpoint.fields.iter().filter(|f| f.required) {
        if !body.is_some_and(|b| b.contains_key(f.name)) {
            return Err(Error::usage(format!(
                "{} needs --{} (or -f {}=...); see --help",
                endpoint.name,
                long_flag(endpoint, Place::Body, f),
                f.name
            )));
        }
    }
    Ok(())
}

/// Checks one argument against its kind and turns it into the JSON value Discord expects.
/// `label` names the argument in the error (`<CHANNEL_ID>`, `--limit`).
pub fn parse_value(kind: Kind, label: &str, text: &str) -> Result<Value> {
    let bad = |why: &str| Error::usage(format!("invalid value {} for {label}: {why}", shown(text)));
    match kind {
        Kind::Snowflake => {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(
                    "a snowflake id is digits only, like 123456789012345678",
                ));
            }
            text.parse::<u64>()
                .map_err(|_| bad("a snowflake id must fit in 64 bits"))?;
            Ok(Value::String(text.to_string()))
        }
        Kind::Integer { min, max } => {
            let n = text
                .parse::<i64>()
                .map_err(|_| bad("expected a whole number"))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                    (Some(lo), None) => format!("at least {lo}"),
                    (None, Some(hi)) => format!("at most {hi}"),
                    (None, None) => String::new(),
                };
                return Err(bad(&format!("Discord accepts {range}")));
            }
            Ok(Value::from(n))
        }
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad("expected a number")),
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err(bad("expected true or false")),
        },
        Kind::String { max_len } => {
            if let Some(max) = max_len {
                let n = text.chars().count();
                if n > max as usize {
                    return Err(Error::usage(format!(
                        "{label} is {n} characters long; Discord accepts at most {max}"
                    )));
                }
            }
            Ok(Value::String(text.to_string()))
        }
        Kind::Enum(values) => {
            let wanted = text.to_ascii_lowercase().replace('_', "-");
            let found = values.iter().find(|(name, value)| {
                *name == wanted || *value == text || value.trim_matches('"') == text
            });
            match found {
                Some((_, value)) => serde_json::from_str(value)
                    .map_err(|e| Error::runtime(format!("bad enum value in the route table: {e}"))),
                None => {
                    let names: Vec<&str> = values.iter().map(|v| v.0).collect();
                    Err(bad(&format!("expected one of {}", names.join(", "))))
                }
            }
        }
        Kind::Permissions => permissions::parse(text)
            .map(|bits| Value::String(bits.to_string()))
            .map_err(|why| bad(&why)),
        Kind::Colour => parse_colour(text)
            .map(Value::from)
            .ok_or_else(|| bad("expected a colour as #rrggbb or a number")),
        Kind::Json => serde_json::from_str(text).map_err(|e| bad(&format!("not valid JSON ({e})"))),
    }
}

fn parse_colour(text: &str) -> Option<u32> {
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 {
            return None;
        }
        return u32::from_str_radix(hex, 16).ok();
    }
    text.parse::<u32>().ok().filter(|n| *n <= 0xFF_FFFF)
}

/// The confirmation question of `endpoint` with the ids given and the request filled in:
/// "Delete channel 123 (DELETE /channels/123)? This cannot be undone."
pub fn question_for(
    endpoint: &Endpoint,
    template: &str,
    matches: &ArgMatches,
    spec: &RequestSpec,
) -> String {
    let mut text = template.replace(
        "{request}",
        &format!("{} {}", spec.method.as_str(), spec.path),
    );
    for p in endpoint.path_params {
        if let Some(value) = matches.get_one::<String>(&path_id(p)) {
            text = text.replace(&format!("{{{}}}", p.name), value);
        }
    }
    text
}

/// Asks before destroying something, but only when a person can answer: a script (no terminal
/// on stdin or stderr) is never prompted and never blocked.
pub(super) fn confirm(question: &str) -> Result<()> {
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Ok(());
    }
    let yes = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| Error::runtime(format!("could not ask for confirmation: {e}")))?;
    if yes {
        Ok(())
    } else {
        Err(Error::usage(
            "cancelled; nothing was sent (pass --yes to skip the question)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_checked() {
        assert_eq!(
            parse_value(Kind::Snowflake, "<CHANNEL_ID>", "123").ok(),
            Some(Value::from("123"))
        );
        let err = parse_value(Kind::Snowflake, "<CHANNEL_ID>", "12a").unwrap_err();
        assert!(err.to_string().contains("<CHANNEL_ID>"));
        assert!(parse_value(Kind::Snowflake, "x", "99999999999999999999").is_err());
        let limit = Kind::Integer {
            min: Some(1),
            max: Some(100),
        };
        assert!(parse_value(limit, "--limit", "ten").is_err());
        assert!(parse_value(limit, "--limit", "0").is_err());
        assert!(parse_value(limit, "--limit", "101").is_err());
        assert_eq!(
            parse_value(limit, "--limit", "100").ok(),
            Some(Value::from(100))
        );
        assert_eq!(
            parse_value(Kind::Bool, "--tts", "yes").ok(),
            Some(Value::Bool(true))
        );
        assert_eq!(
            parse_value(Kind::Colour, "--color", "#3498db").ok(),
            Some(Value::from(0x3498db))
        );
        assert!(parse_value(Kind::Colour, "--color", "#34").is_err());
        assert_eq!(
            parse_value(
                Kind::Permissions,
                "--permissions",
                "KICK_MEMBERS,BAN_MEMBERS"
            )
            .ok(),
            Some(Value::from("6"))
        );
        assert!(parse_value(Kind::String { max_len: Some(3) }, "--name", "abcd").is_err());
        let types = &[("text", "0"), ("forum", "15")];
        assert_eq!(
            parse_value(Kind::Enum(types), "--type", "forum").ok(),
            Some(Value::from(15))
        );
        assert_eq!(
            parse_value(Kind::Enum(types), "--type", "0").ok(),
            Some(Value::from(0))
        );
        assert!(parse_value(Kind::Enum(types), "--type", "voice").is_err());
        assert!(parse_value(Kind::Json, "--embeds", "{").is_err());
    }
}
