//! The request pipeline every REST command shares (raw, typed, `send-message`, `batch`):
//! request flags become a [`RequestSpec`], [`execute`] sends it (or shows it with `--dry-run`)
//! through the run's one client, and prints the answer, following pages with `--paginate`.

use std::io::{self, Write};

use serde_json::Value;

use crate::cli::{FileArgs, PageArgs, RequestArgs};
use crate::config::Settings;
use crate::output::spool::Spool;
use crate::rest::body::{build_body, fields_as_query, parse_headers, parse_query};
use crate::rest::paginate::{self, Walk};
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// Fills a request from the shared request flags: body (JSON argument, `--body`, `-f`/`-F`),
/// `-q`, `-H` and `--reason`. Fields are merged into any body the spec already has; on a GET
/// with no body they become query parameters, as in `gh api`.
pub fn apply_request_args(
    spec: &mut RequestSpec,
    positional: Option<&str>,
    args: &RequestArgs,
) -> Result<()> {
    let fields_given = !(args.raw_fields.is_empty() && args.fields.is_empty());
    let bodiless = positional.is_none() && args.data.is_none() && spec.body.is_none();
    if spec.method == Method::Get && fields_given && bodiless {
        spec.query.extend(fields_as_query(&args.body_args())?);
    } else {
        spec.body = build_body(spec.body.take(), positional, &args.body_args())?;
    }
    spec.query.extend(parse_query(&args.query)?);
    spec.headers.extend(parse_headers(&args.headers)?);
    if args.reason.is_some() {
        spec.reason = args.reason.clone();
    }
    Ok(())
}

/// Sends a request (or prints it with `--dry-run`) and prints the response to stdout.
pub fn execute(
    settings: &Settings,
    spec: RequestSpec,
    files: &FileArgs,
    page: &PageArgs,
) -> Result<()> {
    match execute_reporting(settings, spec, files, page)? {
        None => Ok(()),
        Some(printing) => Err(printing),
    }
}

/// [`execute`], telling apart a request that failed (`Err`) from one that succeeded but whose
/// answer could not be printed (`Ok(Some)`), so that a caller sending several messages goes on
/// rather than leave them half sent, and a script does not retry a write that happened.
pub fn execute_reporting(
    settings: &Settings,
    mut spec: RequestSpec,
    files: &FileArgs,
    page: &PageArgs,
) -> Result<Option<Error>> {
    spec.files.extend(files.files.iter().cloned());
    refuse_get_body(&spec)?;
    let client = settings.client()?;
    let api_path = api_path_of(client, &spec)?;
    if let Some(route) = crate::endpoints::find_route(spec.method, &api_path) {
        // A raw upload is sent the way the route's typed command sends it: a file under a named
        // form field (stickers, application attachments, ...), and attachment entries only
        // where `attachments` is Discord's (not a Slack-compatible webhook's).
        if !spec.files.is_empty() && spec.form.is_none() {
            spec.form = route.form;
        }
        spec.attachment_entries &= route.attachment_entries;
    }
    times_as_cursors(&mut spec, &api_path);
    if page.paginate {
        if spec.method != Method::Get {
            return Err(Error::usage("--paginate only works with GET requests"));
        }
        if !spec.files.is_empty() {
            return Err(Error::usage("--paginate cannot be combined with --file"));
        }
    }
    if settings.dry_run {
        crate::output::write_stdout(client.describe(&spec)?.as_bytes())?;
        return Ok(None);
    }
    if page.paginate {
        return print_pages(settings, client, spec, page.lines).map(|()| None);
    }
    let response = client.send(&spec)?;
    let printed = print_answer(settings, &spec, &api_path, &response.body);
    Ok(printed.err().map(|e| match e.kind {
        ErrorKind::BrokenPipe => e,
        _ => Error::runtime(format!(
            "the {} request succeeded ({}), but its answer could not be printed: {}",
            spec.method.as_str(),
            response.status,
            e.message
        )),
    }))
}

/// Prints an answer, after the names cache learned from it (and, with `--names`, with names
/// added next to its ids).
fn print_answer(settings: &Settings, spec: &RequestSpec, api_path: &str, raw: &[u8]) -> Result<()> {
    let Some(names) = crate::names::get() else {
        return settings.printer.print_body(raw);
    };
    let mut body = serde_json::from_slice::<Value>(raw).ok();
    if let Some(body) = &body {
        names.learn(crate::names::observe::response(
            spec.method.as_str(),
            api_path,
            body,
        ));
    }
    match body.as_mut() {
        Some(value) if names.annotate => {
            names.with_store(|s| {
                crate::names::annotate::annotate(s, value);
                Ok(())
            });
            settings.printer.print_value(value)
        }
        _ => settings.printer.print_body(raw),
    }
}

/// The API path a request goes to, without the base and query (`/channels/1/messages`).
pub fn api_path_of(client: &Client, spec: &RequestSpec) -> Result<String> {
    let url = client.url_for(&RequestSpec::new(spec.method, spec.path.clone()))?;
    let api_path = url.strip_prefix(client.base()).unwrap_or(&url);
    Ok(api_path.split('?').next().unwrap_or(api_path).to_string())
}

/// `before`, `after` and `around` given as times (`2h`, RFC 3339) become the cursor Discord
/// takes: a boundary snowflake, or a timestamp where the list pages by time.
fn times_as_cursors(spec: &mut RequestSpec, api_path: &str) {
    let timestamps = paginate::detect(api_path).is_some_and(|p| p.id_key.is_timestamp());
    for (key, value) in &mut spec.query {
        if matches!(key.as_str(), "before" | "after" | "around") {
            if let Some(cursor) = crate::commands::typed::time_cursor(value, timestamps) {
                *value = cursor;
            }
        }
    }
}

/// A GET carries no body: Discord ignores one (RFC 9110 gives it no meaning), so a body or a
/// file on a GET is a mistake to point out rather than send.
pub fn refuse_get_body(spec: &RequestSpec) -> Result<()> {
    if spec.method != Method::Get {
        return Ok(());
    }
    if !spec.files.is_empty() {
        return Err(Error::usage(
            "a GET request cannot upload files; --file goes with post, patch or put",
        ));
    }
    if spec.body.is_some() {
        return Err(Error::usage(
            "a GET request has no body; send query parameters with -q key=value (or -f key=value), or use post/patch/put for a body",
        ));
    }
    Ok(())
}

/// Follows a list to its end, printing each item once: one JSON array, or one item per line
/// with `lines`. Items are written page by page, so memory does not grow with the list. The
/// array is held back (spooled) until the last page arrived, so an error leaves stdout empty;
/// `--lines` streams, and what was printed before an error stays printed.
fn print_pages(settings: &Settings, client: &Client, spec: RequestSpec, lines: bool) -> Result<()> {
    let url = client.url_for(&RequestSpec::new(spec.method, spec.path.clone()))?;
    let api_path = url.strip_prefix(client.base()).unwrap_or(&url).to_string();
    let Some(paging) = paginate::detect(&api_path) else {
        return Err(Error::usage(format!(
            "--paginate does not know how '{}' pages; it follows lists paged with before/after (channel messages, guild members, bans, reactions, audit log, archived threads, pins, ...)",
            spec.path
        )));
    };
    // The path may carry a query the user typed; fold it into the walk's query.
    let (path, typed_query) = match spec.path.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_typed_query(q)),
        None => (spec.path.clone(), Vec::new()),
    };
    let mut user_query = typed_query;
    user_query.extend(spec.query.iter().cloned());
    let mut walk = Walk::start(paging, &user_query)?;
    let printer = &settings.printer;
    let line_printer = printer.one_line();
    // `--jq` sees the whole export as one array, as `| jq` would, so without --lines the items
    // are gathered first; with --lines each item is filtered as it arrives.
    let mut gathered: Option<Vec<Value>> = (printer.jq.is_some() && !lines).then(Vec::new);
    let stdout = io::stdout();
    let mut streamed;
    let mut spool = Spool::default();
    let out: &mut dyn Write = if lines {
        streamed = io::BufWriter::new(stdout.lock());
        &mut streamed
    } else {
        &mut spool
    };
    let mut first = true;
    let progress = crate::output::progress::Progress::counter("items");
    if !lines && gathered.is_none() {
        out.write_all(b"[")?;
    }
    let mut page_no = 0;
    while !walk.done {
        page_no += 1;
        let mut request = spec.clone();
        request.path = path.clone();
        request.query = walk.query(&user_query);
        let response = client.send(&request)?;
        let body = serde_json::from_slice::<Value>(&response.body).map_err(|e| {
            Error::new(
                ErrorKind::Api,
                format!("the server answered with invalid JSON: {e}"),
            )
        })?;
        if let Some(names) = crate::names::get() {
            names.learn(crate::names::observe::response("GET", &api_path, &body));
        }
        let (items, has_more) = paging.split(body).map_err(|why| {
            Error::new(
                ErrorKind::Api,
                format!("--paginate could not read the list in this endpoint's answer: {why}"),
            )
        })?;
        paginate::check_page(paging.id_key, page_no, &items)?;
        let page = walk.take(items, has_more);
        progress.inc(page.len() as u64);
        for mut item in page {
            if let Some(names) = crate::names::get().filter(|n| n.annotate) {
                names.with_store(|s| {
                    crate::names::annotate::annotate(s, &mut item);
                    Ok(())
                });
            }
            if let Some(all) = gathered.as_mut() {
                all.push(item);
                continue;
            }
            if lines {
                line_printer.write_value(out, &item)?;
            } else {
                if !first {
                    out.write_all(b",")?;
                }
                if printer.pretty {
                    out.write_all(b"\n")?;
                    for (i, line) in printer.render(&item).lines().enumerate() {
                        if i > 0 {
                            out.write_all(b"\n")?;
                        }
                        out.write_all(b"  ")?;
                        out.write_all(line.as_bytes())?;
                    }
                } else {
                    out.write_all(printer.render(&item).as_bytes())?;
                }
            }
            first = false;
        }
        out.flush()?;
    }
    if let Some(all) = gathered {
        printer.write_value(out, &Value::Array(all))?;
    } else if !lines {
        if printer.pretty && !first {
            out.write_all(b"\n")?;
        }
        out.write_all(b"]\n")?;
    }
    out.flush()?;
    if !lines {
        spool.finish(&mut stdout.lock())?;
    }
    Ok(())
}

fn parse_typed_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}
