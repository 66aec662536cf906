//! `discord export`: checks the flags, runs [`crate::export`], prints the summary.

use crate::cli::ExportArgs;
use crate::config::Settings;
use crate::export::{Plan, Selection, Threads};
use crate::output::export_progress::ExportProgress;
use crate::{Error, ErrorKind, Result};

/// Runs an export; exit 1 when a channel was skipped or failed.
pub fn run(settings: &Settings, args: &ExportArgs) -> Result<()> {
    if settings.dry_run {
        return Err(Error::usage(
            "--dry-run does not apply to 'export', which makes many requests; try it on one channel first",
        ));
    }
    if args.jobs == 0 {
        return Err(Error::usage("--jobs must be at least 1"));
    }
    for target in &args.targets {
        snowflake(target, "TARGET")?;
    }
    let plan = Plan {
        targets: args.targets.clone(),
        out: args.out.clone(),
        threads: match args.include_threads.as_str() {
            "active" => Threads::Active,
            "none" => Threads::None,
            _ => Threads::All,
        },
        only: ids(&args.channels, "--channel")?,
        exclude: ids(&args.exclude_channels, "--exclude-channel")?,
        selection: Selection {
            after: args
                .after
                .as_deref()
                .map(|t| boundary(t, "--after"))
                .transpose()?,
            before: args
                .before
                .as_deref()
                .map(|t| boundary(t, "--before"))
                .transpose()?,
            from: args
                .from
                .as_deref()
                .map(|u| snowflake(u, "--from").map(|id| id.to_string()))
                .transpose()?,
        },
        media: args.media.then_some(args.max_media_size),
        jobs: args.jobs,
        refresh_since: args
            .refresh_since
            .as_deref()
            .map(|t| boundary(t, "--refresh-since"))
            .transpose()?,
    };
    let client = settings.client()?;
    let progress = ExportProgress::new();
    let summary = crate::export::run(client, &plan, &|event| progress.event(event))?;
    progress.finish();
    settings.printer.print_value(&summary)?;
    let problems = summary["skipped"].as_array().map_or(0, Vec::len)
        + summary["failed"].as_array().map_or(0, Vec::len);
    if problems > 0 {
        return Err(Error::new(
            ErrorKind::Api,
            format!(
                "{problems} channel(s) or thread list(s) could not be exported; see \"skipped\" and \"failed\" in {}",
                args.out.join("summary.json").display()
            ),
        ));
    }
    Ok(())
}

fn ids(values: &[String], flag: &str) -> Result<Vec<String>> {
    values
        .iter()
        .map(|v| snowflake(v, flag).map(|id| id.to_string()))
        .collect()
}

fn snowflake(text: &str, flag: &str) -> Result<u64> {
    text.trim().parse::<u64>().map_err(|_| {
        Error::usage(format!(
            "{flag} {} is not a snowflake id (digits, like 1100000000000000001)",
            crate::error::shown(text)
        ))
    })
}

/// A time (RFC 3339) or a snowflake, as the snowflake boundary Discord pages by.
fn boundary(text: &str, flag: &str) -> Result<u64> {
    if let Ok(id) = text.trim().parse::<u64>() {
        return Ok(id);
    }
    // Discord's epoch, 2015-01-01, in Unix microseconds; ids carry milliseconds since it.
    const DISCORD_EPOCH_US: i128 = 1_420_070_400_000_000;
    match discord_protocol::paging::parse_timestamp(text.trim()) {
        Some(us) if us >= DISCORD_EPOCH_US => Ok((((us - DISCORD_EPOCH_US) / 1000) as u64) << 22),
        Some(_) => Err(Error::usage(format!(
            "{flag} {}: Discord has no messages before 2015-01-01",
            crate::error::shown(text)
        ))),
        None => Err(Error::usage(format!(
            "{flag} {} is neither a time (RFC 3339, like 2024-01-31T12:00:00Z) nor a snowflake id",
            crate::error::shown(text)
        ))),
    }
}
