//! Building clap subcommands from the route table: positionals for path ids, typed flags for
//! query parameters and body fields, the shared request flags, and help with method, path and
//! an example.

use clap::{Arg, ArgAction, Args, Command, CommandFactory};

use super::{Auth, Body, Endpoint, Field, Kind, Removed, ENDPOINTS, OVERLOADS};
use crate::cli::{FileArgs, PageArgs, RequestArgs};

/// The long flags of the tool's own options on a typed command: the global flags, the shared
/// request, file and paging flags, `--yes`, `--help` and `--version`. Derived from their clap
/// definitions so the list cannot drift; a field spelled like one of these would clash, and a
/// unit test fails if any Discord field does (the tool's options are named so that none can).
pub fn reserved_flags() -> &'static [String] {
    static RESERVED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    RESERVED.get_or_init(|| {
        let shared = [
            RequestArgs::augment_args(Command::new("x")),
            FileArgs::augment_args(Command::new("x")),
            PageArgs::augment_args(Command::new("x")),
        ];
        let root = crate::cli::Cli::command();
        let own = root.get_arguments().cloned().collect::<Vec<Arg>>();
        let longs = shared
            .iter()
            .flat_map(|c| c.get_arguments().cloned().collect::<Vec<Arg>>())
            .chain(own)
            .filter_map(|a| a.get_long().map(str::to_string));
        longs
            .chain(["yes", "help", "version"].map(String::from))
            .collect()
    })
}

/// Where a flag's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The query string.
    Query,
    /// The JSON body.
    Body,
}

/// The clap id of a path parameter's positional.
pub fn path_id(field: &Field) -> String {
    format!("path.{}", field.name)
}

/// The clap id of a query parameter's or body field's flag.
pub fn flag_id(place: Place, field: &Field) -> String {
    match place {
        Place::Query => format!("query.{}", field.name),
        Place::Body => format!("body.{}", field.name),
    }
}

/// The long flag of a query parameter or body field, avoiding the shared flags' names and,
/// where a query parameter and a body field share a name, each other.
pub fn long_flag(endpoint: &Endpoint, place: Place, field: &Field) -> String {
    let flag = field.flag();
    let clash_with_other = match place {
        Place::Query => endpoint.fields.iter().any(|f| f.name == field.name),
        Place::Body => false,
    };
    // A clash with the tool's own options cannot happen today (a unit test checks every
    // field); the suffix keeps a future spec from making clap panic until the test is heeded.
    if reserved_flags().contains(&flag) || clash_with_other {
        match place {
            Place::Query => format!("{flag}-param"),
            Place::Body => format!("{flag}-field"),
        }
    } else {
        flag
    }
}

/// Pre-processes the command line before clap sees it: an overloaded name of the original
/// library becomes the operation its positionals mean (`get-webhook ID TOKEN` is
/// `get-webhook-with-token`). Nothing else is rewritten: a flag means one thing.
pub fn disambiguate(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    overload(webhook_urls(args))
}

/// A webhook URL given where a webhook command wants its id and token
/// (`execute-webhook https://discord.com/api/webhooks/ID/TOKEN`) becomes those two positionals,
/// and its `?thread_id=` the `--thread-id` flag where the operation takes one.
fn webhook_urls(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let command = args.iter().skip(1).find_map(|a| super::find(a.to_str()?));
    let Some(endpoint) = command else {
        return args;
    };
    let takes_token = |e: &Endpoint| {
        let names: Vec<&str> = e.path_params.iter().map(|p| p.name).collect();
        names.starts_with(&["webhook_id", "webhook_token"])
    };
    let overloads = OVERLOADS.iter().filter(|o| o.name == endpoint.name);
    let targets = overloads.filter_map(|o| super::find(o.target));
    let Some(target) = std::iter::once(endpoint)
        .chain(targets)
        .find(|e| takes_token(e))
    else {
        return args;
    };
    let mut out = Vec::with_capacity(args.len() + 2);
    for arg in args {
        let Some(url) = arg
            .to_str()
            .and_then(discord_protocol::webhook::WebhookUrl::parse)
        else {
            out.push(arg);
            continue;
        };
        out.push(url.id.clone().into());
        out.push(url.token.clone().into());
        let thread = url
            .query
            .split('&')
            .find_map(|kv| kv.strip_prefix("thread_id="));
        if let Some(id) = thread.filter(|_| target.query.iter().any(|q| q.name == "thread_id")) {
            out.push("--thread-id".into());
            out.push(id.into());
        }
    }
    out
}

/// Renames an overloaded command of the original library to the operation its arguments mean:
/// `get-webhook ID TOKEN` (two positionals) is `get-webhook-with-token ID TOKEN`.
fn overload(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let found = args.iter().enumerate().skip(1).find_map(|(i, a)| {
        let e = super::find(a.to_str()?)?;
        Some((i, e, OVERLOADS.iter().filter(move |o| o.name == e.name)))
    });
    let Some((at, endpoint, mut overloads)) = found else {
        return args;
    };
    let n = count_positionals(endpoint, &args[at + 1..]);
    if let Some(o) = overloads.find(|o| o.positionals == n) {
        args[at] = o.target.into();
    }
    args
}

/// How many positionals `rest` (the words after the command name) holds.
fn count_positionals(endpoint: &'static Endpoint, rest: &[std::ffi::OsString]) -> usize {
    positionals(endpoint, rest).len()
}

/// Where the positionals are in `rest` (the words after the command name): the indices of the
/// words that are not flags or flag values. A flag takes a value unless it is a switch of the
/// command or a global.
pub fn positionals(endpoint: &'static Endpoint, rest: &[std::ffi::OsString]) -> Vec<usize> {
    let mut cmd = crate::cli::Cli::command().subcommand(command(endpoint));
    cmd.build();
    let takes_value = |flag: &str| {
        let sub = cmd.find_subcommand(endpoint.name);
        let args = cmd
            .get_arguments()
            .chain(sub.into_iter().flat_map(|s| s.get_arguments()));
        for a in args {
            let long = flag
                .strip_prefix("--")
                .is_some_and(|l| a.get_long() == Some(l));
            let short = flag.len() == 2
                && flag.starts_with('-')
                && a.get_short().is_some_and(|c| flag.ends_with(c));
            if long || short {
                let min = a.get_num_args().map_or(1, |r| r.min_values());
                return a.get_action().takes_values() && min > 0;
            }
        }
        false
    };
    let mut found = Vec::new();
    let mut words = rest
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, a.to_str()?)));
    while let Some((i, w)) = words.next() {
        if w == "--" {
            found.extend(words.map(|(i, _)| i));
            return found;
        }
        if w.starts_with('-') && w.len() > 1 && !w.contains('=') {
            if takes_value(w) {
                words.next();
            }
        } else if !w.starts_with('-') || w == "-" {
            found.push(i);
        }
    }
    found
}

/// The help heading of the operation's own flags, so they stand apart from the ~20 global and
/// shared request flags.
pub const QUERY_HEADING: &str = "Query parameters";
/// See [`QUERY_HEADING`].
pub const BODY_HEADING: &str = "Body fields";
/// The heading of the shared request flags (`--body`, `-f`, `-q`, `--file`, `--paginate`, ...).
pub const REQUEST_HEADING: &str = "Request options";
/// The heading of the path ids (positionals).
pub const PATH_HEADING: &str = "Path parameters";

fn flag_arg(endpoint: &Endpoint, place: Place, field: &'static Field) -> Arg {
    let required = if field.required { "; required" } else { "" };
    let heading = match place {
        Place::Query => QUERY_HEADING,
        Place::Body => BODY_HEADING,
    };
    let arg = Arg::new(flag_id(place, field))
        .help_heading(heading)
        .long(long_flag(endpoint, place, field))
        .value_name(field.kind.value_name())
        .help(format!(
            "{} ({}{required})",
            field.help,
            field.kind.description()
        ))
        // Negative numbers (also as JSON) are values; anything else starting with '-' is the
        // next flag.
        .allow_hyphen_values(matches!(
            field.kind,
            Kind::Integer { .. } | Kind::Number { .. } | Kind::Json
        ))
        .action(if matches!(field.kind, Kind::List(_)) {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    if field.kind == Kind::Bool {
        // `--tts` alone means true; `--tts false` is still possible.
        arg.num_args(0..=1).default_missing_value("true")
    } else {
        arg
    }
}

/// The example shown after a typed command's help: the ids and every required flag with a
/// sample value, broken with shell line continuations so that help's own wrapping never splits
/// it (a copied example runs as shown).
pub fn example(endpoint: &Endpoint) -> String {
    let mut words = vec![format!("discord {}", endpoint.name)];
    words.extend(endpoint.path_params.iter().map(|p| p.kind.sample()));
    let mut flags: Vec<(Place, &Field)> = required_flags(endpoint).collect();
    if endpoint.body == Some(Body::Json) && endpoint.body_required {
        // The body is given whole; the example shows how.
        words.push("--body @body.json".into());
    } else if flags.is_empty() {
        // Nothing required: show one optional flag so the example teaches the flag syntax,
        // a plain one where there is one (a JSON sample would not show a valid shape).
        let simple =
            |f: &&Field| !matches!(f.kind, Kind::Json | Kind::JsonObject | Kind::JsonArray);
        let body = endpoint
            .fields
            .iter()
            .find(simple)
            .map(|f| (Place::Body, f));
        let query = endpoint
            .query
            .iter()
            .find(simple)
            .map(|f| (Place::Query, f));
        flags.extend(body.or(query));
    }
    for (place, f) in flags {
        words.push(format!(
            "--{} {}",
            long_flag(endpoint, place, f),
            f.kind.sample()
        ));
    }
    if endpoint.form.is_some_and(|f| f.file_required) {
        words.push("--file upload.png".into());
    }
    let mut lines = vec![String::new()];
    for word in words {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.len() + word.len() > 80 {
            line.push_str(" \\");
            lines.push(format!("    {word}"));
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
    }
    lines.join("\n  ")
}

/// Two or three example lines: the call, the same with `--dry-run`, and a paging one where the
/// list pages.
fn examples(endpoint: &Endpoint) -> String {
    let call = example(endpoint);
    let mut lines = vec![format!("  {call}"), format!("  {call} --dry-run")];
    if endpoint.paging.is_some() {
        // Built on the first example, which is already broken into shell-continued lines that
        // help's wrapping cannot split.
        lines.push(format!("  {call} --paginate --lines"));
    }
    lines.join("\n")
}

fn required_flags(endpoint: &Endpoint) -> impl Iterator<Item = (Place, &'static Field)> + '_ {
    endpoint
        .query
        .iter()
        .map(|f| (Place::Query, f))
        .chain(endpoint.fields.iter().map(|f| (Place::Body, f)))
        .filter(|(_, f)| f.required)
}

/// The clap subcommand of one endpoint.
pub fn command(endpoint: &'static Endpoint) -> Command {
    // No-break spaces: help is wrapped at spaces, and the request line must stay one line
    // however long the path.
    let mut after = format!(
        "Request:\u{a0}{}\u{a0}{}\nExamples:\n{}",
        endpoint.method.as_str(),
        endpoint.path,
        examples(endpoint)
    );
    match endpoint.docs_url() {
        Some(url) => after.push_str(&format!("\nDiscord's docs: {url}")),
        None => {
            after.push_str("\nDiscord's docs do not describe it (only its OpenAPI description).")
        }
    }
    if endpoint.body == Some(Body::Json) {
        let required = if endpoint.body_required {
            " (required)"
        } else {
            ""
        };
        after.push_str(&format!(
            "\nThe body{required} is given whole with --body JSON or --body @FILE (or -f/-F fields)."
        ));
    }
    match endpoint.auth {
        Auth::Required => {}
        Auth::Optional => {
            after.push_str("\nNo token is needed; one is sent if given.");
        }
        Auth::Never => {
            after
                .push_str("\nThe token in the path authorizes this request; no bot token is sent.");
        }
    }
    let mut cmd = Command::new(endpoint.name)
        .visible_aliases(endpoint.aliases.iter().copied())
        .after_help(after.clone())
        .hide(true);
    for p in endpoint.path_params {
        cmd = cmd.arg(
            Arg::new(path_id(p))
                .help_heading(PATH_HEADING)
                .value_name(p.name.to_ascii_uppercase())
                .help(format!("{} ({})", p.help, p.kind.description()))
                .required(true)
                .allow_hyphen_values(true),
        );
    }
    for f in endpoint.query {
        cmd = cmd.arg(flag_arg(endpoint, Place::Query, f));
    }
    for f in endpoint.fields {
        cmd = cmd.arg(flag_arg(endpoint, Place::Body, f));
    }
    cmd = RequestArgs::augment_args(cmd.next_help_heading(REQUEST_HEADING));
    if !endpoint.reason {
        cmd = cmd.mut_arg("reason", |a| a.hide(true));
    }
    if endpoint.multipart {
        cmd = FileArgs::augment_args(cmd.next_help_heading(REQUEST_HEADING));
        if let Some(form) = endpoint.form {
            let help = format!(
                "{} file, sent as the form field '{}'{}",
                if form.file_required { "The" } else { "A" },
                form.file_field,
                if form.plain_fields && !endpoint.fields.is_empty() {
                    " (the other fields go as plain form fields)"
                } else {
                    ""
                }
            );
            cmd = cmd.mut_arg("files", |a| a.help(help));
        }
    }
    if endpoint.paging.is_some() {
        cmd = PageArgs::augment_args(cmd.next_help_heading(REQUEST_HEADING));
    }
    // The shared request flags are described once in --help; -h shows the operation's own.
    let shared: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.get_help_heading() == Some(REQUEST_HEADING))
        .map(|a| a.get_id().to_string())
        .collect();
    for id in shared {
        cmd = cmd.mut_arg(id, |a| a.hide_short_help(true));
    }
    cmd = cmd.next_help_heading(None::<&str>);
    // Every typed command takes --yes, so scripts can pass it uniformly; it is shown only
    // where there is a question to skip.
    cmd = cmd.arg(
        Arg::new("yes")
            .long("yes")
            .short('y')
            .action(ArgAction::SetTrue)
            .hide(endpoint.confirm.is_none())
            .help("Do not ask for confirmation"),
    );
    // Last: the shared flag groups' `augment_args` set the command's about to their own doc
    // comment ("File upload flags", ...), which would otherwise replace the operation's.
    let short = format!(
        "{after}\nRequest options (--body, -f, -F, -q, -H, --file, --paginate, ...): see --help.\n\n{}",
        crate::cli::GLOBALS_NOTE
    );
    cmd.about(endpoint.summary)
        .long_about(None::<&str>)
        .after_help(short)
        .after_long_help(after)
}

/// A stand-in subcommand for a removed method: accepts anything, so that running it reaches the
/// message naming the replacement.
pub fn removed_command(removed: &'static Removed) -> Command {
    Command::new(removed.name)
        .hide(true)
        .about(removed.message)
        .arg(
            Arg::new("args")
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true),
        )
}

/// Every typed subcommand (and the removed-method stand-ins).
pub fn all() -> Vec<Command> {
    ENDPOINTS
        .iter()
        .map(command)
        .chain(super::REMOVED.iter().map(removed_command))
        .collect()
}

/// The typed subcommands named anywhere in `words` (name or alias); parsing only needs these,
/// and building all 242 on every run would cost start-up time.
pub fn named_in<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    for w in words {
        if let Some(e) = super::find(w) {
            if !out.iter().any(|c| c.get_name() == e.name) {
                out.push(command(e));
            }
        } else if let Some(r) = super::find_removed(w) {
            if !out.iter().any(|c| c.get_name() == r.name) {
                out.push(removed_command(r));
            }
        }
    }
    out
}

/// The grouped summary of the typed commands shown in `discord --help`.
pub fn summary() -> String {
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for e in ENDPOINTS {
        match groups.iter_mut().find(|(g, _)| *g == e.group) {
            Some((_, n)) => *n += 1,
            None => groups.push((e.group, 1)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let list: Vec<String> = groups.iter().map(|(g, n)| format!("{g} ({n})")).collect();
    format!(
        "Typed endpoints ({} commands such as get-channel, create-message, list-guild-members):\n  {}\nRun `discord endpoints [WORD]` to list them, `discord NAME --help` for one.",
        ENDPOINTS.len(),
        textwrap_list(&list, 94)
    )
}

fn textwrap_list(items: &[String], width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item}, ")
        } else {
            item.clone()
        };
        if line_len + piece.len() > width && line_len > 0 {
            out.push_str("\n  ");
            line_len = 0;
        }
        line_len += piece.len();
        out.push_str(&piece);
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_valid_clap() {
        let mut root = Command::new("discord").subcommands(all());
        root.build();
        for sub in root.get_subcommands_mut() {
            sub.clone().debug_assert();
        }
    }

    #[test]
    fn reserved_flags_come_from_the_clap_definitions() {
        let reserved = reserved_flags();
        for own in [
            "jq",
            "raw-output",
            "global-limit",
            "no-rate-limit-cache",
            "body",
        ] {
            assert!(reserved.iter().any(|r| r == own), "{own} missing");
        }
        for field in ["data", "query", "color"] {
            assert!(!reserved.iter().any(|r| r == field), "{field} is Discord's");
        }
    }

    #[test]
    fn every_discord_field_is_its_own_flag() {
        // The naming rule: on a typed command a flag named after a Discord field means that
        // field, so no field may be spelled like one of the tool's own options.
        for e in ENDPOINTS {
            for (place, fields) in [(Place::Query, e.query), (Place::Body, e.fields)] {
                for f in fields {
                    let flag = f.flag();
                    assert!(
                        !reserved_flags().contains(&flag),
                        "{}: field {} clashes with the tool's --{flag}",
                        e.name,
                        f.name
                    );
                    if place == Place::Body {
                        assert_eq!(long_flag(e, place, f), flag, "{}", e.name);
                    }
                }
            }
        }
    }

    #[test]
    fn only_named_commands_are_built() {
        let cmds = named_in(["--token", "get-channel", "123", "get-channel-messages"]);
        let names: Vec<&str> = cmds.iter().map(|c| c.get_name()).collect();
        assert_eq!(names, ["get-channel", "get-channel-messages"]);
        assert_eq!(named_in(["upload-file"])[0].get_name(), "create-message");
    }
}
