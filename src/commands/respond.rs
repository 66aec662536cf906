//! `discord respond` and `discord followup`: answering interactions. The id and token come as
//! arguments or as one INTERACTION_CREATE event on stdin (what `listen` prints). Discord's
//! rules (Receiving and Responding): the initial response within 3 seconds, only one (a second
//! is refused here, before Discord would answer 40060), then the token works 15 minutes for
//! editing the original and for follow-ups. A small record of answered interactions, kept in
//! the cache directory, makes the one-response rule checkable across invocations.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use crate::cli::slash::{FollowupArgs, RespondArgs};
use crate::config::Settings;
use crate::endpoints::Kind;
use crate::rest::{Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// The initial response must reach Discord within this many milliseconds.
const RESPONSE_WINDOW_MS: u64 = 3_000;
/// The interaction token works this long.
const TOKEN_LIFETIME_MS: u64 = 15 * 60 * 1000;
/// Discord's epoch, for the time inside a snowflake.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// Message flag EPHEMERAL.
const EPHEMERAL: u64 = 1 << 6;

/// What identifies an interaction.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The interaction id (needed for the initial response only).
    pub id: Option<String>,
    /// The interaction token (a secret: never printed).
    pub token: String,
    /// The application it was sent to, when known.
    pub application_id: Option<String>,
}

impl Target {
    /// The id, token and application of an interaction object (an INTERACTION_CREATE's `d`).
    pub fn of(d: &Value) -> Option<Target> {
        Some(Target {
            id: Some(d["id"].as_str()?.to_string()),
            token: d["token"].as_str()?.to_string(),
            application_id: d["application_id"].as_str().map(str::to_string),
        })
    }
}

/// Reads the INTERACTION_CREATE event from stdin: a gateway dispatch line (`{"t": ..., "d":
/// {...}}`) or the interaction object itself.
fn target_from_stdin() -> Result<Target> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Error::usage(format!("cannot read the interaction from stdin: {e}")))?;
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let event: Value = serde_json::from_str(line).map_err(|_| {
        Error::usage("stdin must hold one INTERACTION_CREATE event as JSON (a line 'discord listen' printed)")
    })?;
    let d = if event.get("t").is_some() {
        &event["d"]
    } else {
        &event
    };
    if event.get("t").is_some_and(|t| t != "INTERACTION_CREATE") {
        return Err(Error::usage(format!(
            "stdin holds a {} event, not INTERACTION_CREATE (use 'discord listen --events INTERACTION_CREATE')",
            event["t"].as_str().unwrap_or("?")
        )));
    }
    Target::of(d).ok_or_else(|| Error::usage("the event on stdin has no interaction id and token"))
}

/// When an interaction was created (Unix ms), from its snowflake.
fn created_ms(id: &str) -> Option<u64> {
    id.parse::<u64>().ok().map(|n| (n >> 22) + DISCORD_EPOCH_MS)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A JSON flag's value, parsed or a usage error naming the flag.
fn json_flag(flag: &str, text: &str) -> Result<Value> {
    super::typed::parse_value(Kind::Json, flag, text)
}

/// The message part of a response: content, embeds, components, ephemeral flag.
fn message_data(
    text: Option<&str>,
    embeds: &[String],
    components: Option<&str>,
    ephemeral: bool,
) -> Result<Map<String, Value>> {
    let mut data = Map::new();
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        if t.chars().count() > super::send_message::MAX_CONTENT {
            return Err(Error::usage(
                "the text is over 2000 characters, Discord's limit for a message",
            ));
        }
        data.insert("content".into(), json!(t));
    }
    if !embeds.is_empty() {
        let list = embeds
            .iter()
            .map(|e| json_flag("--embed", e))
            .collect::<Result<Vec<_>>>()?;
        data.insert("embeds".into(), Value::Array(list));
    }
    if let Some(c) = components {
        data.insert("components".into(), json_flag("--components", c)?);
    }
    if ephemeral {
        data.insert("flags".into(), json!(EPHEMERAL));
    }
    Ok(data)
}

/// Runs `discord respond`.
pub fn respond(settings: &Settings, args: RespondArgs) -> Result<()> {
    let from_stdin = args.args.first().map(String::as_str) == Some("-");
    let (target, text) = match (from_stdin, args.edit, args.args.as_slice()) {
        (true, _, [_, rest @ ..]) => (target_from_stdin()?, rest.first().cloned()),
        (false, true, [token, rest @ ..]) => (Target { token: token.clone(), ..Target::default() }, rest.first().cloned()),
        (false, false, [id, token, rest @ ..]) => {
            let id = super::typed::parse_value(Kind::Snowflake, "<INTERACTION_ID>", id)?;
            (Target { id: id.as_str().map(str::to_string), token: token.clone(), ..Target::default() }, rest.first().cloned())
        }
        _ => {
            return Err(Error::usage(
                "give INTERACTION_ID TOKEN [TEXT], or '-' [TEXT] with the INTERACTION_CREATE event on stdin (--edit: TOKEN [TEXT])",
            ))
        }
    };
    if args.edit {
        let data = message_data(
            text.as_deref(),
            &args.embeds,
            args.components.as_deref(),
            false,
        )?;
        let app = app_for(settings, &target, args.application.as_deref())?;
        let mut spec = RequestSpec::new(
            Method::Patch,
            format!("/webhooks/{app}/{}/messages/@original", target.token),
        );
        spec.body = Some(Value::Object(data));
        spec.files = args.files.files.clone();
        return send_by_token(settings, spec, &target);
    }
    let mut body = initial_body(&args, text.as_deref())?;
    if !args.files.files.is_empty() {
        attach(&mut body, &args.files.files)?;
    }
    let answer = send_initial(settings, &target, body, &args.files.files)?;
    settings.printer.print_body(&answer)
}

/// Sends `body` as the interaction's initial response (the callback) and returns Discord's
/// answer: the one way `respond` and `listen --exec` answer an interaction. The record of
/// answered interactions is checked first (one initial response only) and kept after; a late
/// answer is warned about; the token never shows in an error.
pub fn send_initial(
    settings: &Settings,
    target: &Target,
    body: Value,
    files: &[PathBuf],
) -> Result<Vec<u8>> {
    let id = target.id.clone().unwrap_or_default();
    let mut spec = RequestSpec::new(
        Method::Post,
        format!("/interactions/{id}/{}/callback", target.token),
    );
    let kind = body["type"].as_u64().unwrap_or(0);
    spec.auth = false;
    spec.body = Some(body);
    spec.files = files.to_vec();
    if settings.dry_run {
        print_redacted(settings, &spec, &target.token)?;
        return Ok(Vec::new());
    }
    let record = Record::open()?;
    record.check_unanswered(&id)?;
    if let Some(age) = created_ms(&id).map(|c| now_ms().saturating_sub(c)) {
        if age > RESPONSE_WINDOW_MS {
            crate::output::diag(&format!(
                "warning: this interaction is {:.1} s old; Discord takes the initial response only within 3 s of it (answer with --defer first when the work takes longer)",
                age as f64 / 1000.0
            ));
        }
    }
    let answer = send_token_request(settings, spec, target).map_err(|e| explain_unknown(e, "the initial response must come within 3 s of the interaction; after that Discord forgets it"))?;
    record.add(&id, target, kind)?;
    Ok(answer)
}

/// Edits the interaction's original response (after a deferred one) to the message `data`.
pub fn edit_original(settings: &Settings, target: &Target, data: Value) -> Result<Vec<u8>> {
    let app = app_for(settings, target, None)?;
    let mut spec = RequestSpec::new(
        Method::Patch,
        format!("/webhooks/{app}/{}/messages/@original", target.token),
    );
    spec.body = Some(data);
    send_token_request(settings, spec, target)
}

/// The initial response body for the chosen kind.
fn initial_body(args: &RespondArgs, text: Option<&str>) -> Result<Value> {
    if let Some(choices) = &args.autocomplete {
        let choices = json_flag("--autocomplete", choices)?;
        if !choices.is_array() {
            return Err(Error::usage(
                "--autocomplete takes a JSON array of {\"name\": ..., \"value\": ...} choices",
            ));
        }
        return Ok(json!({"type": 8, "data": {"choices": choices}}));
    }
    if let Some(modal) = &args.modal {
        let modal = json_flag("--modal", modal)?;
        if modal.get("custom_id").is_none() || modal.get("title").is_none() {
            return Err(Error::usage(
                "--modal takes a JSON object with custom_id, title and components",
            ));
        }
        return Ok(json!({"type": 9, "data": modal}));
    }
    let data = message_data(
        text,
        &args.embeds,
        args.components.as_deref(),
        args.ephemeral,
    )?;
    if args.defer {
        let mut body = json!({"type": 5});
        if args.ephemeral {
            body["data"] = json!({"flags": EPHEMERAL});
        }
        return Ok(body);
    }
    if data.keys().all(|k| k == "flags") && args.files.files.is_empty() {
        return Err(Error::usage("nothing to send: give TEXT, --embed or --components (or --defer, --modal, --autocomplete)"));
    }
    Ok(json!({"type": if args.update { 7 } else { 4 }, "data": data}))
}

/// Files on an initial response: Discord reads their `attachments` entries inside `data`
/// (the `files[n]` parts go with the request). Only message responses carry files.
fn attach(body: &mut Value, files: &[std::path::PathBuf]) -> Result<()> {
    if !matches!(body["type"].as_u64(), Some(4 | 7)) {
        return Err(Error::usage("--file goes with a message response (not --defer, --modal or --autocomplete); after --defer use 'discord respond --edit TOKEN --file ...'"));
    }
    let entries: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(n, path)| {
            let name = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            json!({"id": n, "filename": name})
        })
        .collect();
    body["data"]["attachments"] = Value::Array(entries);
    Ok(())
}

/// Runs `discord followup`.
pub fn followup(settings: &Settings, args: FollowupArgs) -> Result<()> {
    let target = if args.token == "-" {
        target_from_stdin()?
    } else {
        Target {
            token: args.token.clone(),
            ..Target::default()
        }
    };
    let data = message_data(
        args.text.as_deref(),
        &args.embeds,
        args.components.as_deref(),
        args.ephemeral,
    )?;
    if data.keys().all(|k| k == "flags") && args.files.files.is_empty() {
        return Err(Error::usage(
            "nothing to send: give TEXT, --embed, --components or --file",
        ));
    }
    let app = app_for(settings, &target, args.application.as_deref())?;
    let mut spec = RequestSpec::new(Method::Post, format!("/webhooks/{app}/{}", target.token));
    spec.body = Some(Value::Object(data));
    spec.files = args.files.files.clone();
    send_by_token(settings, spec, &target)
}

/// The application id for a token's webhook routes: given, from the event, from the record,
/// else the bot token's application.
fn app_for(settings: &Settings, target: &Target, given: Option<&str>) -> Result<String> {
    if let Some(app) = given
        .map(str::to_string)
        .or_else(|| target.application_id.clone())
    {
        return Ok(app);
    }
    if let Some(entry) = Record::open()?.by_token(&target.token) {
        let created = entry["created_ms"].as_u64().unwrap_or(0);
        if created > 0 && now_ms() > created + TOKEN_LIFETIME_MS {
            return Err(Error::usage(
                "this interaction token is over 15 minutes old and Discord no longer takes it",
            ));
        }
        if let Some(app) = entry["application_id"].as_str() {
            return Ok(app.to_string());
        }
    }
    let client = settings.client()?;
    super::app_commands::application_id(client, None)
}

/// Sends a request addressed by an interaction token (no bot token needed), keeping the
/// interaction token out of everything printed.
fn send_by_token(settings: &Settings, mut spec: RequestSpec, target: &Target) -> Result<()> {
    spec.auth = false;
    if settings.dry_run {
        return print_redacted(settings, &spec, &target.token);
    }
    let answer = send_token_request(settings, spec, target)?;
    settings.printer.print_body(&answer)
}

/// Sends a request addressed by an interaction token and returns the answer's body; the
/// token is blanked out of any error.
fn send_token_request(
    settings: &Settings,
    mut spec: RequestSpec,
    target: &Target,
) -> Result<Vec<u8>> {
    spec.auth = false;
    let client = settings.client()?;
    match client.send(&spec) {
        Ok(response) => Ok(response.body),
        Err(mut e) => {
            e.message = e.message.replace(&target.token, "████");
            Err(explain_unknown(
                e,
                "the token works 15 minutes after the interaction",
            ))
        }
    }
}

fn print_redacted(settings: &Settings, spec: &RequestSpec, token: &str) -> Result<()> {
    let client = settings.client()?;
    let text = client.describe(spec)?.replace(token, "████");
    crate::output::write_stdout(text.as_bytes())
}

/// Adds the rule behind Discord's "Unknown interaction" / "Unknown Webhook" answers.
fn explain_unknown(mut e: Error, rule: &str) -> Error {
    if e.kind == ErrorKind::Api
        && (e.message.contains("10062")
            || e.message.contains("10015")
            || e.message.contains("50027"))
    {
        e.message.push_str(&format!(" ({rule})"));
    }
    e
}

/// Answered interactions, by id: when created, which response, a hash of the token and the
/// application (never the token itself). Entries older than the token's 15 minutes are
/// dropped. Kept under a file lock so two answers at once cannot both pass the check.
struct Record {
    file: Option<File>,
    entries: Map<String, Value>,
}

impl Record {
    fn path() -> Option<PathBuf> {
        crate::rest::ratecache::RateCache::default_dir().map(|d| d.join("interactions.json"))
    }

    fn open() -> Result<Record> {
        let Some(path) = Self::path() else {
            return Ok(Record {
                file: None,
                entries: Map::new(),
            });
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path);
        let Ok(mut file) = file else {
            return Ok(Record {
                file: None,
                entries: Map::new(),
            });
        };
        let _ = file.lock();
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        let mut entries: Map<String, Value> = serde_json::from_str(&text).unwrap_or_default();
        let now = now_ms();
        entries.retain(|_, e| e["created_ms"].as_u64().unwrap_or(0) + TOKEN_LIFETIME_MS > now);
        Ok(Record {
            file: Some(file),
            entries,
        })
    }

    fn check_unanswered(&self, id: &str) -> Result<()> {
        match self.entries.get(id) {
            Some(e) => Err(Error::usage(format!(
                "interaction {id} already has its initial response (type {}); Discord takes one only (it would answer 40060): change it with 'discord respond --edit TOKEN' or add a message with 'discord followup TOKEN'",
                e["type"]
            ))),
            None => Ok(()),
        }
    }

    fn by_token(&self, token: &str) -> Option<Value> {
        let hash = token_hash(token);
        self.entries
            .values()
            .find(|e| e["token_sha1"] == json!(hash))
            .cloned()
    }

    fn add(mut self, id: &str, target: &Target, kind: u64) -> Result<()> {
        self.entries.insert(
            id.to_string(),
            json!({"created_ms": created_ms(id).unwrap_or_else(now_ms), "type": kind,
            "token_sha1": token_hash(&target.token), "application_id": target.application_id}),
        );
        if let Some(file) = self.file.as_mut() {
            let text = Value::Object(self.entries.clone()).to_string();
            let written = file
                .set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| file.write_all(text.as_bytes()));
            if let Err(e) = written {
                crate::output::diag(&format!(
                    "warning: could not record the answered interaction: {e}"
                ));
            }
        }
        Ok(())
    }
}

fn token_hash(token: &str) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
