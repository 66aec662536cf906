//! `discord listen`: resolves the flags, asks `GET /gateway/bot` where to connect, and runs the
//! shards until Ctrl-C, `--max-events`, a closed stdout or a fatal close.

use std::sync::Arc;
use std::time::Duration;

use crate::cli::ListenArgs;
use crate::config::Settings;
use crate::gateway::frame::{self, IdentifyConfig};
use crate::gateway::identify_queue::IdentifyQueue;
use crate::gateway::inflate::Compression;
use crate::gateway::intents;
use crate::gateway::runner::{self, GatewayInfo, ListenOptions, Stop, MAX_SHARDS_PER_PROCESS};
use crate::gateway::session_file::SessionStore;
use crate::gateway::sink::Sink;
use crate::listen::forward::Forwarder;
use crate::listen::{Consumer, Dispatcher, Filters};
use crate::output::diag;
use crate::rest::{Method, RequestSpec};
use crate::token::TokenKind;
use crate::{Error, ErrorKind, Result};

/// Which shards this process runs: `(ids, count, tag lines with the shard)`.
pub fn shard_plan(args: &ListenArgs, recommended: u32) -> Result<(Vec<u32>, u32, bool)> {
    if let Some(spec) = &args.shard {
        let bad = || {
            Error::usage(format!(
                "--shard '{spec}' must be ID/COUNT or FIRST-LAST/COUNT with every id below COUNT, e.g. 0/2 or 0-3/8"
            ))
        };
        let (ids, count) = spec.split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let (first, last) = match ids.split_once('-') {
            Some((a, b)) => (
                a.trim().parse::<u32>().map_err(|_| bad())?,
                b.trim().parse::<u32>().map_err(|_| bad())?,
            ),
            None => {
                let id = ids.trim().parse::<u32>().map_err(|_| bad())?;
                (id, id)
            }
        };
        if count == 0 || first > last || last >= count {
            return Err(bad());
        }
        if u64::from(last - first) >= MAX_SHARDS_PER_PROCESS as u64 {
            return Err(runner::too_many_shards(u64::from(last - first) + 1));
        }
        return Ok(((first..=last).collect(), count, true));
    }
    if let Some(spec) = &args.shards {
        let count = if spec.eq_ignore_ascii_case("auto") {
            let count = recommended.max(1);
            if count as usize > MAX_SHARDS_PER_PROCESS {
                // The count comes from the server, so the error is not a usage error.
                return Err(Error::new(
                    ErrorKind::Api,
                    format!(
                        "the gateway recommends {count} shards, more than one process runs ({MAX_SHARDS_PER_PROCESS}); run several processes, each with --shard FIRST-LAST/{count} for its part"
                    ),
                ));
            }
            count
        } else {
            match spec.trim().parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(Error::usage(format!(
                        "--shards '{spec}' must be 'auto' or a shard count of 1 or more"
                    )))
                }
            }
        };
        if count as usize > MAX_SHARDS_PER_PROCESS {
            return Err(runner::too_many_shards(count.into()));
        }
        return Ok(((0..count).collect(), count, true));
    }
    Ok((vec![0], 1, false))
}

/// Runs `discord listen`.
pub fn run(settings: &Settings, args: ListenArgs) -> Result<()> {
    let token = settings.require_token()?.clone();
    if token.kind() == TokenKind::Bearer {
        return Err(Error::usage(
            "the gateway needs a bot token, not an OAuth2 bearer token: pass the bot token from the Developer Portal",
        ));
    }
    let mut events: Vec<String> = args
        .events
        .iter()
        .map(|e| e.trim().to_ascii_uppercase())
        .filter(|e| !e.is_empty())
        .collect();
    crate::listen::forward::default_events(&args.forward, &mut events);
    let intents = match (&args.intents, events.is_empty()) {
        (Some(list), _) => intents::parse(list)?,
        (None, true) => intents::unprivileged(),
        // A handler is given message content when it handles message events; without it,
        // content is empty in guilds (docs: Message Content Intent).
        (None, false) => intents::for_events(&events, crate::listen::exec::wants_content(&args)),
    };
    if args.max_events == Some(0) {
        return Ok(());
    }
    // Checked before any network traffic so a typo costs nothing.
    let (planned_ids, planned_count, _) = shard_plan(&args, 1)?;
    for warning in intents::event_warnings(&events, intents)? {
        diag(&format!("warning: {warning}"));
    }
    let identify = IdentifyConfig {
        intents,
        large_threshold: args.large_threshold,
        presence: frame::presence(args.status.map(|s| s.as_str()), args.activity.as_deref()),
    };
    if settings.dry_run {
        let client = settings.client()?;
        let mut text = client.describe(&RequestSpec::new(Method::Get, "/gateway/bot"))?;
        let shard = [planned_ids[0], planned_count];
        text.push_str(&format!(
            "\nthen, on the gateway URL that answer names (?v=10&encoding=json{}), after HELLO:\n{}\n",
            args.compress
                .map(|c| format!("&compress={}", Compression::from(c).query_value()))
                .unwrap_or_default(),
            token.redact(&frame::identify(token.secret(), &identify, shard))
        ));
        return crate::output::write_stdout(text.as_bytes());
    }

    // Checked and taken before any request, so a mistake or a file another listen holds
    // costs nothing.
    let identify_queue = args
        .identify_queue
        .as_deref()
        .map(IdentifyQueue::new)
        .transpose()?;
    let sessions = args
        .session_file
        .as_deref()
        .map(SessionStore::open)
        .transpose()?
        .map(Arc::new);
    let dispatcher = dispatcher(settings, &args, &events)?;
    let client = settings.client()?;
    let response = client.send(&RequestSpec::new(Method::Get, "/gateway/bot"))?;
    let info = GatewayInfo::from_json(&response.json()?)?;
    let (shard_ids, shard_count, tag_shard) = shard_plan(&args, info.shards)?;
    let options = ListenOptions {
        token,
        identify,
        compress: args.compress.map(Into::into),
        events: (!events.is_empty()).then_some(events),
        max_events: args.max_events,
        shard_ids,
        shard_count,
        tag_shard,
        stdin: args.stdin,
        request_members: args
            .request_members
            .iter()
            .map(|g| {
                let scope = &mut crate::names::Scope::default();
                crate::names::resolve_id(crate::names::Target::Guild, "--request-members", g, scope)
                    .map(|id| id.to_string())
            })
            .collect::<Result<_>>()?,
        connect_timeout: settings.connect_timeout.max(Duration::from_secs(1)),
        notice: crate::output::notice(),
        identify_queue,
        sessions,
        trace: settings.trace.clone(),
    };

    let stop = Arc::new(Stop::default());
    {
        let stop = Arc::clone(&stop);
        let dispatcher = dispatcher.clone();
        let interrupted = std::sync::atomic::AtomicBool::new(false);
        // With handlers, Ctrl-C first stops taking events and lets running handlers finish
        // while the session is still open, then closes it. A second Ctrl-C exits at once.
        let _ = ctrlc::set_handler(move || {
            if interrupted.swap(true, std::sync::atomic::Ordering::SeqCst) || stop.requested() {
                std::process::exit(130);
            }
            match &dispatcher {
                Some(d) => {
                    let (d, stop) = (Arc::clone(d), Arc::clone(&stop));
                    std::thread::spawn(move || {
                        d.stop_taking();
                        d.close(CLOSE_GRACE);
                        stop.request();
                    });
                }
                None => stop.request(),
            }
        });
    }
    // Event lines pass through untouched unless --jq asks for a filter or they are coloured
    // (on a terminal, as REST output is; a pipe gets Discord's bytes as they came).
    let restyle = settings.printer.jq.is_some() || settings.printer.color;
    let out: Box<dyn std::io::Write + Send> = if restyle {
        Box::new(crate::output::jq::FilterLines::new(
            settings.printer.clone(),
            Box::new(std::io::stdout()),
        ))
    } else {
        Box::new(std::io::stdout())
    };
    let names = crate::names::get();
    let out = match names.filter(|n| n.annotate) {
        Some(n) => Box::new(crate::names::listen::Annotating::new(n, out)),
        None => out,
    };
    let sink = Sink::new(
        out,
        options.events.clone(),
        options.max_events,
        Arc::clone(&stop),
    )
    .on_stdout();
    let cache = names
        .filter(|n| n.caching())
        .map(crate::names::listen::observer);
    let sink = match &dispatcher {
        Some(d) => sink
            .with_observer(d.observer(cache))
            .with_chooser(d.chooser()),
        None => match cache {
            Some(observe) => sink.with_observer(observe),
            None => sink,
        },
    };
    let result = runner::run(&options, &info, &sink, &stop);
    if let Some(d) = &dispatcher {
        d.close(CLOSE_GRACE);
    }
    result
}

/// How long `listen` waits, once it stops taking events, for consumers to finish (running
/// handlers, deliveries in flight).
const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// The filters and consumers for this run, `None` when there are neither (plain `listen`
/// then prints without parsing). Each consumer (`--exec`, `--forward-to`) adds itself here.
fn dispatcher(
    settings: &Settings,
    args: &ListenArgs,
    events: &[String],
) -> Result<Option<Arc<Dispatcher>>> {
    let f = &args.filters;
    // A bot that replies must not answer its own replies: --reply leaves bots out by default.
    let from_bots = f.from_bots.unwrap_or(!args.exec.reply);
    let filters = Filters::new(&f.guilds, &f.channels, from_bots)?;
    let mut consumers: Vec<Box<dyn Consumer>> = Vec::new();
    consumers.extend(crate::listen::exec::consumer(settings, args)?);
    if let Some(forwarder) = Forwarder::from_args(settings, args, events)? {
        consumers.push(Box::new(forwarder));
    }
    let dispatcher = Dispatcher::new(filters, consumers);
    Ok((!dispatcher.is_idle()).then_some(dispatcher))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> ListenArgs {
        #[derive(Parser)]
        struct P {
            #[command(flatten)]
            a: ListenArgs,
        }
        let mut argv = vec!["listen"];
        argv.extend_from_slice(extra);
        P::try_parse_from(argv).unwrap().a
    }

    #[test]
    fn shard_specs() {
        assert_eq!(shard_plan(&args(&[]), 4).unwrap(), (vec![0], 1, false));
        assert_eq!(
            shard_plan(&args(&["--shard", "1/3"]), 4).unwrap(),
            (vec![1], 3, true)
        );
        assert_eq!(
            shard_plan(&args(&["--shard", "2-3/4"]), 1).unwrap(),
            (vec![2, 3], 4, true)
        );
        assert_eq!(
            shard_plan(&args(&["--shards", "auto"]), 2).unwrap(),
            (vec![0, 1], 2, true)
        );
        for bad in ["3/3", "x/2", "2", "3-1/4", "0/0"] {
            assert!(shard_plan(&args(&["--shard", bad]), 1).is_err(), "{bad}");
        }
        assert!(shard_plan(&args(&["--shards", "0"]), 1).is_err());
        // Issue 14 item 12: a process runs a bounded number of shard threads, whatever the
        // flags or the gateway's recommendation say.
        let limit = MAX_SHARDS_PER_PROCESS as u32;
        assert_eq!(
            shard_plan(&args(&["--shards", "auto"]), limit).unwrap().1,
            limit
        );
        for (flags, recommended, kind) in [
            (vec!["--shards", "auto"], 2_000_000, ErrorKind::Api),
            (vec!["--shards", "auto"], limit + 1, ErrorKind::Api),
            (vec!["--shards", "100000"], 1, ErrorKind::Usage),
            (
                vec!["--shard", "0-4294967293/4294967294"],
                1,
                ErrorKind::Usage,
            ),
        ] {
            let err = shard_plan(&args(&flags), recommended).unwrap_err();
            assert_eq!(err.kind, kind, "{flags:?}");
            assert!(
                err.message.contains("--shard FIRST-LAST/"),
                "{}",
                err.message
            );
        }
        assert!(shard_plan(&args(&["--shard", "256-511/1000"]), 1).is_ok());
    }
}
