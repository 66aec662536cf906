//! Building clap subcommands from the route table: positionals for path ids, typed flags for
//! query parameters and body fields, the shared request flags, and help with method, path and
//! an example.

use clap::{Arg, ArgAction, Args, Command, CommandFactory};

use super::{Auth, Body, Endpoint, Field, Kind, Removed, ENDPOINTS, OVERLOADS};
use crate::cli::{FileArgs, PageArgs, RequestArgs};

/// Long flags that belong to the shared or global flags; a field with one of these names gets a
/// `-field`/`-param` suffix instead.
const RESERVED: &[&str] = &[
    "data",
    "raw-field",
    "field",
    "query",
    "header",
    "reason",
    "file",
    "paginate",
    "lines",
    "yes",
    "token",
    "bearer",
    "profile",
    "api-url",
    "sandbox",
    "pretty",
    "compact",
    "color",
    "include",
    "verbose",
    "dry-run",
    "connect-timeout",
    "timeout",
    "max-wait",
    "help",
    "version",
];

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
    if let Some(other) = renamed(&flag) {
        return other.to_string();
    }
    let clash_with_other = match place {
        Place::Query => endpoint.fields.iter().any(|f| f.name == field.name),
        Place::Body => false,
    };
    if RESERVED.contains(&flag.as_str()) || clash_with_other {
        match place {
            Place::Query => format!("{flag}-param"),
            Place::Body => format!("{flag}-field"),
        }
    } else {
        flag
    }
}

/// The flag of a body field spelled like a global flag: `color` is the global `--color WHEN`,
/// so a role's or embed's colour is `--colour` (and `--color #rrggbb` is read as it, see
/// [`disambiguate`]).
fn renamed(flag: &str) -> Option<&'static str> {
    (flag == "color").then_some("colour")
}

/// Pre-processes the command line before clap sees it: an overloaded name of the original
/// library becomes the operation its positionals mean (`get-webhook ID TOKEN` is
/// `get-webhook-with-token`), and `--color VALUE` becomes `--colour VALUE` after a typed command
/// with a `color` field when VALUE is a colour rather than one of the global flag's
/// `auto|always|never`, so the natural spelling works for both.
pub fn disambiguate(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    colour_flag(overload(args))
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

/// The `--color VALUE` half of [`disambiguate`].
fn colour_flag(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let has_colour_field = args
        .iter()
        .filter_map(|a| a.to_str())
        .any(|w| super::find(w).is_some_and(|e| e.fields.iter().any(|f| f.name == "color")));
    if !has_colour_field {
        return args;
    }
    let is_when = |v: &str| matches!(v, "auto" | "always" | "never");
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter().peekable();
    while let Some(arg) = iter.next() {
        match arg.to_str() {
            Some("--color") => {
                let next_is_colour = iter
                    .peek()
                    .and_then(|n| n.to_str())
                    .is_some_and(|v| !is_when(v));
                out.push(if next_is_colour {
                    "--colour".into()
                } else {
                    arg
                });
            }
            Some(a) if a.starts_with("--color=") && !is_when(&a[8..]) => {
                out.push(format!("--colour={}", &a[8..]).into());
            }
            _ => out.push(arg),
        }
    }
    out
}

/// A sample value of each kind, used in the examples of the help.
pub fn sample(kind: Kind) -> String {
    match kind {
        Kind::Snowflake => "123456789012345678".into(),
        Kind::Integer { min, max } => {
            let n = 10.max(min.unwrap_or(10)).min(max.unwrap_or(10));
            n.to_string()
        }
        Kind::Number => "1.5".into(),
        Kind::Bool => "true".into(),
        Kind::String { .. } => "text".into(),
        Kind::Enum(values) => values.first().map(|v| v.0).unwrap_or("0").into(),
        Kind::Permissions => "KICK_MEMBERS,BAN_MEMBERS".into(),
        Kind::Colour => "'#3498db'".into(),
        Kind::Json => "'{}'".into(),
    }
}

fn kind_help(kind: Kind) -> String {
    match kind {
        Kind::Snowflake => "id".into(),
        Kind::Integer {
            min: Some(lo),
            max: Some(hi),
        } => format!("integer, {lo} to {hi}"),
        Kind::Integer {
            min: Some(lo),
            max: None,
        } => format!("integer, at least {lo}"),
        Kind::Integer {
            min: None,
            max: Some(hi),
        } => format!("integer, at most {hi}"),
        Kind::Integer { .. } => "integer".into(),
        Kind::Number => "number".into(),
        Kind::Bool => "true/false".into(),
        Kind::String { max_len: Some(n) } => format!("text, at most {n} characters"),
        Kind::String { max_len: None } => "text".into(),
        Kind::Enum(values) => {
            let names: Vec<String> = values.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!("one of {}", names.join(", "))
        }
        Kind::Permissions => "permission names, comma-separated, or a number".into(),
        Kind::Colour => "#rrggbb or a number".into(),
        Kind::Json => "JSON".into(),
    }
}

/// The help heading of the operation's own flags, so they stand apart from the ~20 global and
/// shared request flags.
pub const QUERY_HEADING: &str = "Query parameters";
/// See [`QUERY_HEADING`].
pub const BODY_HEADING: &str = "Body fields";
/// The heading of the shared request flags (`--data`, `-f`, `-q`, `--file`, `--paginate`, ...).
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
            kind_help(field.kind)
        ))
        // Negative numbers are values; anything else starting with '-' is the next flag.
        .allow_hyphen_values(matches!(field.kind, Kind::Integer { .. } | Kind::Number))
        .action(ArgAction::Set);
    if field.kind == Kind::Bool {
        // `--tts` alone means true; `--tts false` is still possible.
        arg.num_args(0..=1).default_missing_value("true")
    } else {
        arg
    }
}

/// The example and request line shown after a typed command's help.
pub fn example(endpoint: &Endpoint) -> String {
    let mut line = format!("discord {}", endpoint.name);
    for p in endpoint.path_params {
        line.push(' ');
        line.push_str(&sample(p.kind));
    }
    let mut flags: Vec<(Place, &Field)> = required_flags(endpoint).collect();
    if endpoint.body == Some(Body::Json) && endpoint.body_required {
        // The body is given whole; the example shows how.
        line.push_str(" --data @body.json");
    } else if flags.is_empty() {
        // Nothing required: show one optional flag so the example teaches the flag syntax.
        let first = endpoint.fields.first().map(|f| (Place::Body, f));
        flags.extend(first.or_else(|| endpoint.query.first().map(|f| (Place::Query, f))));
    }
    for (place, f) in flags {
        line.push_str(&format!(
            " --{} {}",
            long_flag(endpoint, place, f),
            sample(f.kind)
        ));
    }
    line
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
    let mut after = format!(
        "Request: {} {}\nExample:\n  {}",
        endpoint.method.as_str(),
        endpoint.path,
        example(endpoint)
    );
    if endpoint.body == Some(Body::Json) {
        let required = if endpoint.body_required {
            " (required)"
        } else {
            ""
        };
        after.push_str(&format!(
            "\nThe body{required} is given whole with --data JSON or --data @FILE (or -f/-F fields)."
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
        .after_help(after)
        .hide(true);
    for p in endpoint.path_params {
        cmd = cmd.arg(
            Arg::new(path_id(p))
                .help_heading(PATH_HEADING)
                .value_name(p.name.to_ascii_uppercase())
                .help(format!("{} ({})", p.help, kind_help(p.kind)))
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
    cmd.about(endpoint.summary).long_about(None::<&str>)
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
    fn only_named_commands_are_built() {
        let cmds = named_in(["--token", "get-channel", "123", "get-channel-messages"]);
        let names: Vec<&str> = cmds.iter().map(|c| c.get_name()).collect();
        assert_eq!(names, ["get-channel", "get-channel-messages"]);
        assert_eq!(named_in(["upload-file"])[0].get_name(), "create-message");
    }
}
