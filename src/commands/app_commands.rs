//! `discord commands sync|list|pull`: the application's slash commands as a file. `sync`
//! compares FILE with what is registered (Discord's defaults filled in on both sides), prints a
//! plan with a diff, and applies it with the fewest requests, never re-creating an unchanged
//! command (Discord allows 200 creates a day per scope, error 30034).

use std::io::{self, IsTerminal, Read, Write};

use serde_json::{json, Value};

use crate::cli::slash::{CommandsAction, CommandsArgs, ListArgs, ScopeArgs, SyncArgs};
use crate::config::Settings;
use crate::endpoints::app_commands as rules;
use crate::endpoints::Kind;
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, Result};

/// Runs `discord commands ...`.
pub fn run(settings: &Settings, args: CommandsArgs) -> Result<()> {
    match args.action {
        CommandsAction::Sync(a) => sync(settings, &a),
        CommandsAction::List(a) => list(settings, &a),
        CommandsAction::Pull(a) => pull(settings, &a),
    }
}

/// The application's id: `--application`, else the token's (`GET /applications/@me`).
pub fn application_id(client: &Client, given: Option<&str>) -> Result<String> {
    if let Some(id) = given {
        let v = super::typed::parse_value(Kind::Snowflake, "--application", id)?;
        return Ok(v.as_str().unwrap_or_default().to_string());
    }
    let app = client
        .send(&RequestSpec::new(Method::Get, "/applications/@me"))?
        .json()?;
    app["id"].as_str().map(str::to_string).ok_or_else(|| {
        Error::runtime("GET /applications/@me answered without an id; pass --application ID")
    })
}

/// The commands path of a scope.
fn commands_path(app: &str, scope: &ScopeArgs) -> Result<String> {
    Ok(match &scope.guild {
        Some(g) => {
            let g = super::typed::parse_value(Kind::Snowflake, "--guild", g)?;
            format!(
                "/applications/{app}/guilds/{}/commands",
                g.as_str().unwrap_or_default()
            )
        }
        None => format!("/applications/{app}/commands"),
    })
}

/// The registered commands of a scope, with their localizations.
fn registered(client: &Client, path: &str) -> Result<Vec<Value>> {
    let mut spec = RequestSpec::new(Method::Get, path);
    spec.query
        .push(("with_localizations".into(), "true".into()));
    let body = client.send(&spec)?.json()?;
    Ok(body.as_array().cloned().unwrap_or_default())
}

fn scope_name(scope: &ScopeArgs) -> String {
    match &scope.guild {
        Some(g) => format!("guild {g}"),
        None => "global".to_string(),
    }
}

fn list(settings: &Settings, args: &ListArgs) -> Result<()> {
    let client = settings.client()?;
    let app = application_id(client, args.scope.application.as_deref())?;
    let commands = registered(client, &commands_path(&app, &args.scope)?)?;
    if args.json {
        return settings.printer.print_value(&Value::Array(commands));
    }
    let tty = io::stdout().is_terminal();
    let mut out = String::new();
    for c in &commands {
        let name = c["name"].as_str().unwrap_or("");
        let kind = rules::type_name(rules::command_type(c));
        let id = c["id"].as_str().unwrap_or("");
        let description = c["description"].as_str().unwrap_or("");
        if tty {
            out.push_str(&format!("{name:<24} {kind:<8} {id:<20} {description}\n"));
        } else {
            out.push_str(&format!("{name}\t{kind}\t{id}\t{description}\n"));
        }
    }
    if tty && commands.is_empty() {
        crate::output::diag(&format!(
            "no {} commands registered",
            scope_name(&args.scope)
        ));
    }
    crate::output::write_stdout(out.as_bytes())
}

fn pull(settings: &Settings, scope: &ScopeArgs) -> Result<()> {
    let client = settings.client()?;
    let app = application_id(client, scope.application.as_deref())?;
    let commands = registered(client, &commands_path(&app, scope)?)?;
    let file: Vec<Value> = commands.iter().map(rules::trimmed).collect();
    let text = serde_json::to_string_pretty(&Value::Array(file))
        .map_err(|e| Error::runtime(format!("cannot write the commands: {e}")))?;
    crate::output::write_stdout(format!("{text}\n").as_bytes())
}

/// Reads and checks FILE: a JSON array of commands, each valid by Discord's rules.
pub fn read_file(path: &std::path::Path, global: bool) -> Result<Vec<Value>> {
    let shown = path.display().to_string();
    let text = if shown == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Error::usage(format!("cannot read the commands from stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("cannot read {shown}: {e}")))?
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Error::usage(format!("{shown} is not valid JSON: {e}")))?;
    let Value::Array(commands) = value else {
        return Err(Error::usage(format!(
            "{shown} must hold a JSON array of application commands, like [{{\"name\": \"ping\", \"description\": \"Replies with pong\"}}]"
        )));
    };
    let problems = rules::validate_set(&commands, global);
    if let Some(((i, name, first), rest)) = problems.split_first().map(|(f, r)| (f.clone(), r)) {
        let line = |i: usize, name: &str, p: &rules::Problem| {
            let field = if p.field.is_empty() {
                String::new()
            } else {
                format!(" {}", p.field)
            };
            if name.is_empty() {
                format!("{shown}: {}", p.message)
            } else {
                format!(
                    "{shown}: command '{name}' (#{}){field}: {}",
                    i + 1,
                    p.message
                )
            }
        };
        return Err(Error::usage(line(i, &name, &first))
            .with_details(rest.iter().map(|(i, n, p)| line(*i, n, p)).collect()));
    }
    Ok(commands)
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A command FILE has and the scope does not.
    Create(Value),
    /// A registered command that differs: its id, FILE's version, the diff lines.
    Update(String, Value, Vec<String>),
    /// A registered command FILE does not have (id, the command).
    Delete(String, Value),
    /// The same on both sides (id, the command).
    Unchanged(String, Value),
    /// Not in FILE, kept because of --prune=false.
    Keep(String, Value),
}

/// Compares FILE's commands with the registered ones, by name and type.
pub fn plan(file: &[Value], remote: &[Value], prune: bool) -> Vec<Step> {
    let key = |c: &Value| {
        (
            rules::command_type(c),
            c["name"].as_str().unwrap_or("").to_string(),
        )
    };
    let mut steps = Vec::new();
    for local in file {
        let found = remote.iter().find(|r| key(r) == key(local));
        steps.push(match found {
            None => Step::Create(local.clone()),
            Some(r) => {
                let id = r["id"].as_str().unwrap_or("").to_string();
                let diff = rules::diff(&rules::canonical(r), &rules::canonical(local));
                if diff.is_empty() {
                    Step::Unchanged(id, local.clone())
                } else {
                    Step::Update(id, local.clone(), diff)
                }
            }
        });
    }
    for r in remote {
        if !file.iter().any(|l| key(l) == key(r)) {
            let id = r["id"].as_str().unwrap_or("").to_string();
            steps.push(if prune {
                Step::Delete(id, r.clone())
            } else {
                Step::Keep(id, r.clone())
            });
        }
    }
    steps
}

fn label(c: &Value) -> String {
    let kind = rules::command_type(c);
    let name = c["name"].as_str().unwrap_or("");
    if kind == rules::CHAT_INPUT {
        format!("/{name}")
    } else {
        format!("{name} ({} command)", rules::type_name(kind))
    }
}

/// The plan as text: one line per command, diff lines under updates, a summary.
pub fn render(steps: &[Step], scope: &str) -> String {
    let mut out = format!("plan for the {scope} commands:\n");
    let (mut create, mut update, mut delete, mut same) = (0, 0, 0, 0);
    for step in steps {
        match step {
            Step::Create(c) => {
                create += 1;
                out.push_str(&format!("  + create     {}\n", label(c)));
            }
            Step::Update(_, c, diff) => {
                update += 1;
                out.push_str(&format!("  ~ update     {}\n", label(c)));
                for line in diff {
                    out.push_str(&format!("      {line}\n"));
                }
            }
            Step::Delete(_, c) => {
                delete += 1;
                out.push_str(&format!("  - delete     {}\n", label(c)));
            }
            Step::Unchanged(_, c) => {
                same += 1;
                out.push_str(&format!("  = unchanged  {}\n", label(c)));
            }
            Step::Keep(_, c) => out.push_str(&format!(
                "  = kept       {} (not in the file; --prune=false)\n",
                label(c)
            )),
        }
    }
    out.push_str(&format!(
        "{create} to create, {update} to update, {delete} to delete, {same} unchanged\n"
    ));
    out
}

/// The fewest requests that carry out a plan: none when nothing changes, the one request when
/// one command changes, else one bulk overwrite (PUT) of the whole set, in which registered
/// commands keep their ids, so unchanged ones are not re-created.
pub fn requests(steps: &[Step], path: &str) -> Vec<RequestSpec> {
    let changes: Vec<&Step> = steps
        .iter()
        .filter(|s| matches!(s, Step::Create(_) | Step::Update(..) | Step::Delete(..)))
        .collect();
    let body = |c: &Value| rules::canonical(c);
    match changes.as_slice() {
        [] => Vec::new(),
        [Step::Create(c)] => vec![with_body(RequestSpec::new(Method::Post, path), body(c))],
        [Step::Update(id, c, _)] => vec![with_body(
            RequestSpec::new(Method::Patch, format!("{path}/{id}")),
            body(c),
        )],
        [Step::Delete(id, _)] => vec![RequestSpec::new(Method::Delete, format!("{path}/{id}"))],
        _ => {
            let mut all = Vec::new();
            for step in steps {
                let (id, c) = match step {
                    Step::Create(c) => (None, c),
                    Step::Update(id, c, _) | Step::Unchanged(id, c) | Step::Keep(id, c) => {
                        (Some(id), c)
                    }
                    Step::Delete(..) => continue,
                };
                let mut b = body(c);
                if let Some(id) = id {
                    b["id"] = json!(id);
                }
                all.push(b);
            }
            vec![with_body(
                RequestSpec::new(Method::Put, path),
                Value::Array(all),
            )]
        }
    }
}

fn with_body(mut spec: RequestSpec, body: Value) -> RequestSpec {
    spec.body = Some(body);
    spec
}

fn sync(settings: &Settings, args: &SyncArgs) -> Result<()> {
    let file = read_file(&args.file, args.scope.guild.is_none())?;
    let client = settings.client()?;
    let app = application_id(client, args.scope.application.as_deref())?;
    let path = commands_path(&app, &args.scope)?;
    let remote = registered(client, &path)?;
    let steps = plan(&file, &remote, args.prune);
    let mut stdout = io::stdout().lock();
    stdout.write_all(render(&steps, &scope_name(&args.scope)).as_bytes())?;
    stdout.flush()?;
    let requests = requests(&steps, &path);
    if settings.dry_run {
        for spec in &requests {
            stdout.write_all(client.describe(spec)?.as_bytes())?;
        }
        return Ok(());
    }
    let deletes: Vec<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Delete(_, c) => Some(label(c)),
            _ => None,
        })
        .collect();
    if !deletes.is_empty() && !args.yes {
        confirm_deletes(&deletes)?;
    }
    for spec in &requests {
        client.send(spec)?;
    }
    let note = match requests.first().map(|s| s.method) {
        None => "nothing to change; no request sent".to_string(),
        Some(Method::Put) => {
            "applied with 1 request (bulk overwrite; registered commands kept their ids)"
                .to_string()
        }
        Some(m) => format!("applied with 1 request ({})", m.as_str()),
    };
    writeln!(stdout, "{note}")?;
    Ok(())
}

/// Deletes are asked about on a terminal; a script must say --yes (or --prune=false).
fn confirm_deletes(names: &[String]) -> Result<()> {
    let list = names.join(", ");
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Error::usage(format!(
            "the plan deletes {} command(s) ({list}); nothing was sent: pass --yes to delete them, or --prune=false to keep them",
            names.len()
        )));
    }
    super::typed::confirm(&format!("Delete {list}?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(name: &str, description: &str) -> Value {
        json!({"name": name, "description": description})
    }

    fn registered(id: &str, name: &str, description: &str) -> Value {
        let mut c = rules::canonical(&cmd(name, description));
        c["id"] = json!(id);
        c
    }

    #[test]
    fn an_unchanged_set_needs_no_request() {
        let steps = plan(
            &[cmd("ping", "Pong")],
            &[registered("1", "ping", "Pong")],
            true,
        );
        assert!(matches!(steps.as_slice(), [Step::Unchanged(..)]));
        assert!(requests(&steps, "/applications/9/commands").is_empty());
    }

    #[test]
    fn one_change_is_one_targeted_request_and_more_are_one_bulk_overwrite() {
        let path = "/applications/9/commands";
        let remote = [
            registered("1", "ping", "Pong"),
            registered("2", "old", "Old"),
        ];
        let one = plan(&[cmd("ping", "Pong!"), cmd("old", "Old")], &remote, true);
        let r = requests(&one, path);
        assert_eq!(
            (r.len(), r[0].method, r[0].path.as_str()),
            (1, Method::Patch, "/applications/9/commands/1")
        );
        let many = plan(&[cmd("ping", "Pong"), cmd("new", "New")], &remote, true);
        let r = requests(&many, path);
        assert_eq!((r.len(), r[0].method), (1, Method::Put));
        // The unchanged command keeps its id, so Discord does not count it as a create.
        let body = r[0].body.clone().unwrap();
        assert_eq!(body[0]["id"], "1");
        assert!(body[1].get("id").is_none());
        assert_eq!(body.as_array().unwrap().len(), 2);
        let kept = plan(&[cmd("new", "New")], &remote, false);
        assert!(kept.iter().all(|s| !matches!(s, Step::Delete(..))));
    }
}
