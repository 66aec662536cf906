//! `discord snowflake ID...`: what an id says (its time in UTC and local time, age, worker,
//! process, increment), and `--at TIME` / `--ago AGE`: the first id of a time, to use as a
//! `before`/`after` cursor.

use serde_json::json;

use crate::cli::SnowflakeArgs;
use crate::config::Settings;
use crate::error::shown;
use crate::names::{self, time, Scope, Target};
use crate::{Error, Result};

/// Runs `discord snowflake`.
pub fn run(settings: &Settings, args: &SnowflakeArgs) -> Result<()> {
    let now = jiff::Timestamp::now();
    if let Some(text) = args.at.as_deref().or(args.ago.as_deref()) {
        let flag = if args.at.is_some() { "--at" } else { "--ago" };
        let at = match flag {
            "--at" => text.trim().parse::<jiff::Timestamp>().ok(),
            _ if text.trim().starts_with(|c: char| c.is_ascii_digit()) => {
                time::parse_time(text, now)
            }
            _ => None,
        }
        .ok_or_else(|| {
            Error::usage(format!(
                "invalid value {} for {flag}: expected {}",
                shown(text),
                if flag == "--at" {
                    "an RFC 3339 time such as 2024-01-31T12:00:00Z"
                } else {
                    "an age such as 90s, 15m, 2h, 3d, 1w or 1h30m"
                }
            ))
        })?;
        let id = time::boundary(at).ok_or_else(|| {
            Error::usage(format!(
                "{} is before Discord's epoch (2015-01-01), which has no snowflakes",
                at
            ))
        })?;
        return settings
            .printer
            .print_value(&json!({"id": id.to_string(), "time": time::time_of(id).map(time::utc)}));
    }
    for text in &args.ids {
        let id = names::resolve_id(Target::Other, "<ID>", text, &mut Scope::default())?;
        settings.printer.print_value(&time::describe(id, now))?;
    }
    Ok(())
}
