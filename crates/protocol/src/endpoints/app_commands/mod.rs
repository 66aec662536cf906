//! Discord's rules for application commands, shared by `discord commands sync` (which checks a
//! file before sending anything) and the sandbox (which answers as Discord does): validation,
//! the canonical form with Discord's defaults filled in (so a command read back from Discord
//! compares equal to the file it came from), and a readable diff of two commands.
//!
//! Source: Discord's docs, Interactions > Application Commands ("Application Command Object",
//! "Application Command Naming", "Application Command Option Structure", "Registering a Command")
//! and the OpenAPI description's `ApplicationCommandCreateRequest`.

use serde_json::{json, Map, Value};

use super::permissions;

mod compare;

pub use compare::{canonical, diff, trimmed};

/// Command types: CHAT_INPUT (slash), USER and MESSAGE (context menus), PRIMARY_ENTRY_POINT.
pub const CHAT_INPUT: u64 = 1;
/// Option types that are containers rather than values.
const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;
/// At most this many top-level global CHAT_INPUT commands ("A Quick Note on Limits").
pub const MAX_GLOBAL_CHAT_INPUT: usize = 100;
/// At most 25 options per command or subcommand, 25 choices per option.
const MAX_OPTIONS: usize = 25;
const MAX_CHOICES: usize = 25;
/// Name, description and choice names/values of a command and all its options together.
const MAX_TOTAL_CHARS: usize = 4000;

/// Locales Discord accepts as keys of `name_localizations`/`description_localizations`
/// (Reference > Locales).
pub const LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// Keys of a command Discord sets itself; a file may carry them (e.g. saved from the API) and
/// they are ignored.
const SERVER_KEYS: &[&str] = &[
    "id",
    "application_id",
    "version",
    "guild_id",
    "name_localized",
    "description_localized",
];

/// Keys a command object may set.
const COMMAND_KEYS: &[&str] = &[
    "type",
    "name",
    "name_localizations",
    "description",
    "description_localizations",
    "options",
    "default_member_permissions",
    "dm_permission",
    "contexts",
    "integration_types",
    "nsfw",
    "handler",
];

/// Keys an option object may set.
const OPTION_KEYS: &[&str] = &[
    "type",
    "name",
    "name_localizations",
    "description",
    "description_localizations",
    "required",
    "choices",
    "options",
    "channel_types",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
    "autocomplete",
];

/// One rule a command breaks: where (`options[1].name`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's path inside the command, `options[0].choices[2].value`; empty for the whole
    /// command.
    pub field: String,
    /// What is wrong, lowercase, naming the rule.
    pub message: String,
}

/// The path a problem in a sub-object is reported under.
fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else if key.starts_with('[') {
        format!("{base}{key}")
    } else {
        format!("{base}.{key}")
    }
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A string of `min..=max` characters, if present (or required).
    fn text(&mut self, obj: &Map<String, Value>, base: &str, key: &str, min: usize, max: usize) {
        let field = join(base, key);
        match obj.get(key) {
            None | Some(Value::Null) if min == 0 => {}
            None | Some(Value::Null) => self.push(field, "is required"),
            Some(Value::String(s)) => {
                let n = s.chars().count();
                if n < min || n > max {
                    self.push(
                        field,
                        format!("must be {min} to {max} characters long (it is {n})"),
                    );
                }
            }
            Some(_) => self.push(field, "must be a string"),
        }
    }

    fn name(&mut self, value: Option<&Value>, field: &str, chat_input: bool) {
        let Some(name) = value.and_then(Value::as_str) else {
            self.push(field, "is required and must be a string");
            return;
        };
        let n = name.chars().count();
        if !(1..=32).contains(&n) {
            self.push(
                field,
                format!("must be 1 to 32 characters long (it is {n})"),
            );
        }
        if chat_input {
            if let Some(bad) = name.chars().find(|c| !name_char(*c)) {
                self.push(field, format!("'{name}' has '{bad}': slash command and option names take letters, digits, '-', '_' and '\\'' only (no spaces)"));
            } else if name.chars().any(char::is_uppercase) {
                self.push(
                    field,
                    format!("'{name}' must be lowercase ('{}')", name.to_lowercase()),
                );
            }
        }
    }

    fn localizations(&mut self, obj: &Map<String, Value>, base: &str, key: &str, max: usize) {
        let field = join(base, key);
        match obj.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (locale, text) in map {
                    let at = format!("{field}.{locale}");
                    if !LOCALES.contains(&locale.as_str()) {
                        self.push(
                            at.clone(),
                            format!(
                                "unknown locale '{locale}' (Discord's locales: {})",
                                LOCALES.join(", ")
                            ),
                        );
                    }
                    let n = text.as_str().map(|s| s.chars().count());
                    match n {
                        Some(n) if (1..=max).contains(&n) => {}
                        Some(n) => self.push(
                            at,
                            format!("must be 1 to {max} characters long (it is {n})"),
                        ),
                        None => self.push(at, "must be a string"),
                    }
                }
            }
            Some(_) => self.push(field, "must be an object of locale: text"),
        }
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, base: &str, known: &[&str]) {
        for key in obj.keys() {
            if !known.contains(&key.as_str()) && !SERVER_KEYS.contains(&key.as_str()) {
                self.push(
                    join(base, key),
                    format!(
                        "is not a field Discord knows here (fields: {})",
                        known.join(", ")
                    ),
                );
            }
        }
    }
}

/// Whether a character may appear in a CHAT_INPUT command or option name: Discord's pattern
/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`.
fn name_char(c: char) -> bool {
    matches!(c, '-' | '_' | '\'')
        || c.is_alphanumeric()
        || ('\u{0900}'..='\u{097F}').contains(&c)
        || ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// Checks one command against Discord's rules; an empty list means it is valid.
pub fn validate(command: &Value) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let Some(obj) = command.as_object() else {
        c.push("", "a command must be a JSON object");
        return c.problems;
    };
    c.unknown_keys(obj, "", COMMAND_KEYS);
    let kind = match obj.get("type") {
        None | Some(Value::Null) => CHAT_INPUT,
        Some(v) => match v.as_u64() {
            Some(k @ 1..=4) => k,
            _ => {
                c.push(
                    "type",
                    "must be 1 (CHAT_INPUT), 2 (USER), 3 (MESSAGE) or 4 (PRIMARY_ENTRY_POINT)",
                );
                CHAT_INPUT
            }
        },
    };
    let chat_input = kind == CHAT_INPUT;
    c.name(obj.get("name"), "name", chat_input);
    c.localizations(obj, "", "name_localizations", 32);
    if chat_input {
        c.text(obj, "", "description", 1, 100);
        c.localizations(obj, "", "description_localizations", 100);
    } else if obj
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| !d.is_empty())
    {
        c.push("description", "must be empty for USER and MESSAGE commands");
    }
    if let Some(p) = obj.get("default_member_permissions") {
        if let Err(e) = member_permissions(p) {
            c.push("default_member_permissions", e);
        }
    }
    match obj.get("options") {
        None | Some(Value::Null) => {}
        Some(_) if !chat_input => c.push("options", "only CHAT_INPUT commands take options"),
        Some(v) => options(&mut c, v, "options", 0),
    }
    let total = total_chars(command);
    if total > MAX_TOTAL_CHARS {
        c.push("", format!("names, descriptions and choices add up to {total} characters; Discord allows {MAX_TOTAL_CHARS} per command"));
    }
    c.problems
}

/// Checks an `options` array at nesting `depth` (0: the command's; 1: a group's or
/// subcommand's; 2: a subcommand's inside a group).
fn options(c: &mut Checker, value: &Value, base: &str, depth: usize) {
    let Some(list) = value.as_array() else {
        c.push(base, "must be an array of options");
        return;
    };
    if list.len() > MAX_OPTIONS {
        c.push(
            base,
            format!("has {} options; Discord allows {MAX_OPTIONS}", list.len()),
        );
    }
    let mut seen_optional = false;
    let mut names = Vec::new();
    let kinds: Vec<u64> = list
        .iter()
        .map(|o| o["type"].as_u64().unwrap_or(0))
        .collect();
    let containers = kinds
        .iter()
        .filter(|k| matches!(**k, SUB_COMMAND | SUB_COMMAND_GROUP))
        .count();
    if containers > 0 && containers < list.len() {
        c.push(
            base,
            "subcommands and groups cannot be mixed with other options at the same level",
        );
    }
    for (i, option) in list.iter().enumerate() {
        let at = format!("{base}[{i}]");
        let Some(obj) = option.as_object() else {
            c.push(at, "an option must be a JSON object");
            continue;
        };
        c.unknown_keys(obj, &at, OPTION_KEYS);
        let kind = kinds[i];
        if !(1..=11).contains(&kind) {
            c.push(
                join(&at, "type"),
                "must be an option type from 1 (SUB_COMMAND) to 11 (ATTACHMENT)",
            );
        }
        c.name(obj.get("name"), &join(&at, "name"), true);
        if let Some(n) = obj.get("name").and_then(Value::as_str) {
            if names.contains(&n) {
                c.push(join(&at, "name"), format!("'{n}' is used by two options"));
            }
            names.push(n);
        }
        c.localizations(obj, &at, "name_localizations", 32);
        c.text(obj, &at, "description", 1, 100);
        c.localizations(obj, &at, "description_localizations", 100);
        let container = matches!(kind, SUB_COMMAND | SUB_COMMAND_GROUP);
        let required = obj
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !container {
            if required && seen_optional {
                c.push(
                    join(&at, "required"),
                    "required options must come before optional ones",
                );
            }
            seen_optional |= !required;
        }
        nesting(c, obj, &at, kind, depth);
        value_rules(c, obj, &at, kind);
    }
}

/// Where subcommands and groups may be, and what they hold (Slash Commands > "Subcommands
/// and Subcommand Groups": groups at the top only, holding subcommands; subcommands hold
/// value options).
fn nesting(c: &mut Checker, obj: &Map<String, Value>, at: &str, kind: u64, depth: usize) {
    let container = matches!(kind, SUB_COMMAND | SUB_COMMAND_GROUP);
    match kind {
        SUB_COMMAND_GROUP if depth > 0 => {
            c.push(at, "a subcommand group can only be at the top level")
        }
        SUB_COMMAND if depth > 1 => c.push(at, "a subcommand cannot contain subcommands"),
        SUB_COMMAND_GROUP
            if obj
                .get("options")
                .and_then(Value::as_array)
                .is_some_and(|o| o.iter().any(|s| s["type"] != json!(SUB_COMMAND))) =>
        {
            c.push(
                join(at, "options"),
                "a subcommand group holds only subcommands (type 1)",
            )
        }
        _ => {}
    }
    if let Some(sub) = obj.get("options").filter(|v| !v.is_null()) {
        if container {
            options(c, sub, &join(at, "options"), depth + 1);
        } else {
            c.push(
                join(at, "options"),
                "only subcommands and groups take options",
            );
        }
    }
}

/// The rules that depend on an option's value type: choices, ranges, lengths, channel types.
fn value_rules(c: &mut Checker, obj: &Map<String, Value>, at: &str, kind: u64) {
    let has = |k: &str| obj.get(k).is_some_and(|v| !v.is_null());
    if has("choices") {
        if !matches!(kind, 3 | 4 | 10) {
            c.push(
                join(at, "choices"),
                "only STRING, INTEGER and NUMBER options take choices",
            );
        }
        if obj.get("autocomplete").and_then(Value::as_bool) == Some(true) {
            c.push(
                join(at, "autocomplete"),
                "an option with choices cannot also autocomplete",
            );
        }
        choices(c, &obj["choices"], &join(at, "choices"), kind);
    }
    for key in ["min_value", "max_value"] {
        if has(key) && !(matches!(kind, 4 | 10) && obj[key].is_number()) {
            c.push(
                join(at, key),
                "only INTEGER and NUMBER options take it, as a number",
            );
        }
    }
    for (key, min) in [("min_length", 0), ("max_length", 1)] {
        if has(key) {
            match obj[key].as_u64() {
                Some(n) if kind == 3 && (min..=6000).contains(&n) => {}
                _ => c.push(
                    join(at, key),
                    format!("only STRING options take it, {min} to 6000"),
                ),
            }
        }
    }
    if has("channel_types") && kind != 7 {
        c.push(join(at, "channel_types"), "only CHANNEL options take it");
    }
    if has("autocomplete") && !matches!(kind, 3 | 4 | 10) {
        c.push(
            join(at, "autocomplete"),
            "only STRING, INTEGER and NUMBER options autocomplete",
        );
    }
}

fn choices(c: &mut Checker, value: &Value, base: &str, kind: u64) {
    let Some(list) = value.as_array() else {
        c.push(base, "must be an array of {\"name\", \"value\"} objects");
        return;
    };
    if list.len() > MAX_CHOICES {
        c.push(
            base,
            format!("has {} choices; Discord allows {MAX_CHOICES}", list.len()),
        );
    }
    for (i, choice) in list.iter().enumerate() {
        let at = format!("{base}[{i}]");
        let Some(obj) = choice.as_object() else {
            c.push(at, "a choice must be a {\"name\", \"value\"} object");
            continue;
        };
        c.text(obj, &at, "name", 1, 100);
        c.localizations(obj, &at, "name_localizations", 100);
        let value = obj.get("value").unwrap_or(&Value::Null);
        let fits = match kind {
            3 => value.as_str().is_some_and(|s| s.chars().count() <= 100),
            4 => value.is_i64() || value.is_u64(),
            _ => value.is_number(),
        };
        if !fits {
            let what = match kind {
                3 => "a string of at most 100 characters",
                4 => "an integer",
                _ => "a number",
            };
            c.push(
                join(&at, "value"),
                format!("must be {what}, like the option's type"),
            );
        }
    }
}

/// Counts what Discord's 4000-character limit counts: every name, description, and choice
/// name and value, through all nesting.
fn total_chars(value: &Value) -> usize {
    let Some(obj) = value.as_object() else {
        return 0;
    };
    let len = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .map_or(0, |s| s.chars().count())
    };
    let mut n = len("name") + len("description");
    if let Some(v) = obj.get("value") {
        n += v
            .as_str()
            .map_or_else(|| v.to_string().len(), |s| s.chars().count());
    }
    for key in ["options", "choices"] {
        if let Some(list) = obj.get(key).and_then(Value::as_array) {
            n += list.iter().map(total_chars).sum::<usize>();
        }
    }
    n
}

/// `default_member_permissions` as Discord stores it (a decimal string, or null): from a
/// number, a numeric string, or permission names (`MANAGE_GUILD,KICK_MEMBERS`).
pub fn member_permissions(value: &Value) -> Result<Value, String> {
    match value {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => n
            .as_u64()
            .map(|n| json!(n.to_string()))
            .ok_or_else(|| "must be a non-negative integer".to_string()),
        Value::String(s) => permissions::parse(s).map(|n| json!(n.to_string())),
        _ => Err(
            "must be permission names (\"MANAGE_GUILD,KICK_MEMBERS\"), a number, or null".into(),
        ),
    }
}

/// Checks a whole set of commands for one scope: each command, then names used twice and the
/// global CHAT_INPUT limit. Each problem comes with the index and name of its command.
pub fn validate_set(commands: &[Value], global: bool) -> Vec<(usize, String, Problem)> {
    let mut out = Vec::new();
    let name_of = |c: &Value| c["name"].as_str().unwrap_or("?").to_string();
    let mut keys: Vec<(u64, String)> = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        for p in validate(command) {
            out.push((i, name_of(command), p));
        }
        let key = (command_type(command), name_of(command));
        if keys.contains(&key) {
            out.push((
                i,
                key.1.clone(),
                Problem {
                    field: "name".into(),
                    message:
                        "two commands of the same type have this name; names are unique per type"
                            .into(),
                },
            ));
        }
        keys.push(key);
    }
    let chat = keys.iter().filter(|(t, _)| *t == CHAT_INPUT).count();
    if global && chat > MAX_GLOBAL_CHAT_INPUT {
        out.push((
            0,
            String::new(),
            Problem {
                field: String::new(),
                message: format!(
                    "{chat} global CHAT_INPUT commands; Discord allows {MAX_GLOBAL_CHAT_INPUT}"
                ),
            },
        ));
    }
    out
}

/// A command's type (CHAT_INPUT when not given).
pub fn command_type(command: &Value) -> u64 {
    command["type"].as_u64().unwrap_or(CHAT_INPUT)
}

/// The readable name of a command type.
pub fn type_name(kind: u64) -> &'static str {
    match kind {
        1 => "slash",
        2 => "user",
        3 => "message",
        4 => "entry point",
        _ => "unknown type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(command: Value) -> Vec<String> {
        validate(&command).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn names_follow_discords_naming_rules() {
        // "Application Command Naming": CHAT_INPUT names are 1-32 characters of
        // [-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}], lowercase where a letter has a lowercase form.
        assert!(fields(json!({"name": "ping", "description": "Replies"})).is_empty());
        assert!(fields(json!({"name": "héllo-wörld_'1", "description": "x"})).is_empty());
        assert!(fields(json!({"name": "สวัสดี", "description": "x"})).is_empty());
        assert_eq!(
            fields(json!({"name": "Ping", "description": "x"})),
            ["name"]
        );
        assert_eq!(
            fields(json!({"name": "two words", "description": "x"})),
            ["name"]
        );
        assert_eq!(
            fields(json!({"name": "a".repeat(33), "description": "x"})),
            ["name"]
        );
        assert_eq!(fields(json!({"name": "", "description": "x"})), ["name"]);
        // USER and MESSAGE commands may have capitals and spaces, and no description.
        assert!(fields(json!({"type": 2, "name": "High Five"})).is_empty());
        assert_eq!(
            fields(json!({"type": 3, "name": "Quote", "description": "no"})),
            ["description"]
        );
    }

    #[test]
    fn descriptions_options_and_choices_are_bounded() {
        assert_eq!(
            fields(json!({"name": "a", "description": ""})),
            ["description"]
        );
        assert_eq!(
            fields(json!({"name": "a", "description": "d".repeat(101)})),
            ["description"]
        );
        let opt = |i: usize| json!({"type": 3, "name": format!("o{i}"), "description": "x"});
        let many: Vec<Value> = (0..26).map(opt).collect();
        assert_eq!(
            fields(json!({"name": "a", "description": "x", "options": many})),
            ["options"]
        );
        let choices: Vec<Value> = (0..26)
            .map(|i| json!({"name": format!("c{i}"), "value": format!("{i}")}))
            .collect();
        let cmd = json!({"name": "a", "description": "x", "options": [{"type": 3, "name": "o", "description": "x", "choices": choices}]});
        assert_eq!(fields(cmd), ["options[0].choices"]);
        let cmd = json!({"name": "a", "description": "x", "options": [{"type": 4, "name": "n", "description": "x", "choices": [{"name": "one", "value": "1"}]}]});
        assert_eq!(fields(cmd), ["options[0].choices[0].value"]);
    }

    #[test]
    fn required_options_come_first() {
        let cmd = json!({"name": "a", "description": "x", "options": [
            {"type": 3, "name": "opt", "description": "x"},
            {"type": 3, "name": "req", "description": "x", "required": true}]});
        assert_eq!(fields(cmd), ["options[1].required"]);
    }

    #[test]
    fn localizations_and_permissions() {
        let cmd = json!({"name": "a", "description": "x", "name_localizations": {"fr": "salut", "xx": "y"},
                         "description_localizations": {"de": ""}, "default_member_permissions": "FLY"});
        assert_eq!(
            fields(cmd),
            [
                "name_localizations.xx",
                "description_localizations.de",
                "default_member_permissions"
            ]
        );
        assert_eq!(
            member_permissions(&json!("MANAGE_GUILD,KICK_MEMBERS")),
            Ok(json!("34"))
        );
        assert_eq!(member_permissions(&json!(8)), Ok(json!("8")));
    }

    #[test]
    fn sets_have_unique_names_and_at_most_100_global_slash_commands() {
        let cmd = |name: String| json!({"name": name, "description": "x"});
        let set: Vec<Value> = (0..101).map(|i| cmd(format!("c{i}"))).collect();
        assert_eq!(validate_set(&set, true).len(), 1);
        assert!(validate_set(&set, false).is_empty());
        let twice = [
            cmd("a".into()),
            cmd("a".into()),
            json!({"type": 2, "name": "a"}),
        ];
        assert_eq!(validate_set(&twice, false).len(), 1);
    }
}
