//! The route table: one entry per Discord REST operation, as data. The typed subcommands, their
//! help, request building, `discord endpoints`, completions and man pages are all derived from it.

pub mod app_commands;
pub mod check;
pub mod docs;
pub mod permissions;
// Generated; rustfmt leaves it as the generator wrote it, so the staleness test compares bytes.
#[rustfmt::skip]
mod table;

pub use table::{ENDPOINTS, OVERLOADS, REMOVED};

use crate::paging::Paging;
use crate::Method;

/// Discord's default per-file upload limit (10 MiB).
pub const DEFAULT_FILE_LIMIT: u64 = 10 * 1024 * 1024;

/// How an endpoint that does not take `payload_json` + `files[n]` wants its parts (from the
/// multipart/form-data schema in Discord's OpenAPI description).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormLayout {
    /// The form field the one file goes in (`file`, `target_users_file`).
    pub file_field: &'static str,
    /// Whether the file must be there.
    pub file_required: bool,
    /// Whether the body's fields are plain form fields (true) or one `payload_json` part.
    pub plain_fields: bool,
}

/// The type of a path parameter, query parameter or body field, which decides how its value is
/// checked and how it is put into JSON.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A Discord id: digits that fit in a u64 (sent as a JSON string).
    Snowflake,
    /// A whole number, within Discord's range where it documents one.
    Integer {
        /// The smallest value Discord accepts.
        min: Option<i64>,
        /// The largest value Discord accepts.
        max: Option<i64>,
    },
    /// Any number, within Discord's range where it documents one.
    Number {
        /// The smallest value Discord accepts.
        min: Option<f64>,
        /// The largest value Discord accepts.
        max: Option<f64>,
    },
    /// true or false.
    Bool,
    /// Text, with Discord's length limits if it has them.
    String {
        /// The fewest characters Discord accepts.
        min_len: Option<u32>,
        /// The most characters Discord accepts.
        max_len: Option<u32>,
    },
    /// A point in time, as RFC 3339 text (`2026-01-31T18:00:00Z`).
    DateTime,
    /// One of named values: (name users type, JSON value); the number works too.
    Enum(&'static [(&'static str, &'static str)]),
    /// A permission set: comma-separated names or a number (sent as a string).
    Permissions {
        /// The largest bit set Discord accepts.
        max: Option<u64>,
    },
    /// A colour: `#rrggbb` or a number.
    Colour,
    /// A query parameter that takes several values of one kind: a repeated flag or a comma
    /// list, sent as repeated keys (`author_id=1&author_id=2`), the spec's default `form` style.
    List(&'static Kind),
    /// Any JSON (the spec allows several types).
    Json,
    /// A JSON object.
    JsonObject,
    /// A JSON array.
    JsonArray,
}

/// How a kind is presented to users: its value name, a sample for the help's examples and a
/// description for the help (one home for all three; parsing a value stays with the CLI, in
/// `commands/typed.rs`, which turns text into JSON).
impl Kind {
    /// The value name shown in help (`ID`, `INT`, ...).
    pub fn value_name(self) -> &'static str {
        match self {
            Kind::Snowflake => "ID",
            Kind::Integer { .. } => "INT",
            Kind::Number { .. } => "NUMBER",
            Kind::Bool => "BOOL",
            Kind::String { .. } => "TEXT",
            Kind::DateTime => "RFC3339",
            Kind::Enum(_) => "NAME|NUMBER",
            Kind::Permissions { .. } => "PERMS",
            Kind::Colour => "#RRGGBB|INT",
            Kind::List(item) => item.value_name(),
            Kind::Json => "JSON",
            Kind::JsonObject => "JSON_OBJECT",
            Kind::JsonArray => "JSON_ARRAY",
        }
    }

    /// A sample value, used in the examples of the help (it meets Discord's limits, so an
    /// example copied from the help is a valid request).
    pub fn sample(self) -> String {
        match self {
            Kind::Snowflake => "123456789012345678".into(),
            // 10 (0.5), raised to the minimum and then lowered to the maximum where there are.
            Kind::Integer { min, max } => {
                let n = min.map_or(10, |m| m.max(10));
                max.map_or(n, |m| n.min(m)).to_string()
            }
            Kind::Number { min, max } => {
                let n = min.map_or(0.5, |m| m.max(0.5));
                max.map_or(n, |m| n.min(m)).to_string()
            }
            Kind::Bool => "true".into(),
            Kind::String { min_len, .. } => {
                // A sample that meets a minimum length ("text" is 4 characters).
                "text".repeat((min_len.unwrap_or(1) as usize).div_ceil(4).max(1))
            }
            Kind::DateTime => "2026-01-31T18:00:00Z".into(),
            Kind::Enum(values) => values.first().map(|v| v.0).unwrap_or("0").into(),
            Kind::Permissions { .. } => "KICK_MEMBERS,BAN_MEMBERS".into(),
            Kind::Colour => "'#3498db'".into(),
            Kind::List(item) => item.sample(),
            Kind::Json | Kind::JsonObject => "'{}'".into(),
            Kind::JsonArray => "'[]'".into(),
        }
    }

    /// What a value looks like and what Discord accepts, as the help describes it.
    pub fn description(self) -> String {
        match self {
            Kind::Snowflake => "id".into(),
            Kind::Integer { min, max } => match check::range_text(min, max) {
                Some(range) => format!("integer, {range}"),
                None => "integer".into(),
            },
            Kind::Number { min, max } => match check::range_text(min, max) {
                Some(range) => format!("number, {range}"),
                None => "number".into(),
            },
            Kind::Bool => "true/false".into(),
            Kind::String { min_len, max_len } => {
                match check::range_text(min_len.filter(|n| *n > 0), max_len) {
                    Some(range) => format!("text, {range} characters"),
                    None => "text".into(),
                }
            }
            Kind::DateTime => "RFC 3339 date-time, like 2026-01-31T18:00:00Z".into(),
            Kind::Enum(values) => {
                let names: Vec<String> = values.iter().map(|(n, v)| format!("{n}={v}")).collect();
                format!("one of {}", names.join(", "))
            }
            Kind::Permissions { .. } => "permission names, comma-separated, or a number".into(),
            Kind::Colour => "#rrggbb or a number".into(),
            Kind::List(item) => format!(
                "{}; several as a comma list or a repeated flag",
                item.description()
            ),
            Kind::Json => "JSON".into(),
            Kind::JsonObject => "a JSON object".into(),
            Kind::JsonArray => "a JSON array".into(),
        }
    }
}

/// The variants of a union request body, told apart by one field (the discriminator): which
/// other fields each value of it requires.
#[derive(Debug)]
pub struct Variants {
    /// The discriminator field (`type`, `trigger_type`, `entity_type`).
    pub field: &'static str,
    /// One entry per variant of the union.
    pub variants: &'static [Variant],
}

/// One variant of a union request body.
#[derive(Debug)]
pub struct Variant {
    /// The discriminator values (JSON) that choose it.
    pub values: &'static [&'static str],
    /// The fields this variant requires beyond those every variant requires.
    pub required: &'static [&'static str],
}

/// A parameter or field of an operation.
#[derive(Debug)]
pub struct Field {
    /// Discord's name (`channel_id`, `limit`, `content`).
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Whether Discord requires it.
    pub required: bool,
    /// One-line help.
    pub help: &'static str,
}

impl Field {
    /// The flag this field is given on the command line (`rate-limit-per-user`).
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }
}

/// What an operation's request body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A JSON object whose top-level fields are flags.
    Object,
    /// Any other JSON (an array, a union Discord does not describe as fields); given with --body.
    Json,
}

/// One Discord REST operation.
#[derive(Debug)]
pub struct Endpoint {
    /// The subcommand name: kebab-case of the docs' name (`get-channel`).
    pub name: &'static str,
    /// Other names that work: the original library's method names and operationIds.
    pub aliases: &'static [&'static str],
    /// The HTTP method.
    pub method: Method,
    /// The path template with `{placeholders}`, as Discord documents it.
    pub path: &'static str,
    /// The resource group (Discord's tag: channels, guilds, ...).
    pub group: &'static str,
    /// One-line description.
    pub summary: &'static str,
    /// The `{placeholders}` of the path, in order: the positionals.
    pub path_params: &'static [Field],
    /// Query parameters.
    pub query: &'static [Field],
    /// The request body, if the operation takes one.
    pub body: Option<Body>,
    /// Top-level fields of a JSON object body.
    pub fields: &'static [Field],
    /// Whether it takes file attachments (multipart/form-data): `--file`.
    pub multipart: bool,
    /// How its files go out when not as `payload_json` + `files[n]` (one file under a named
    /// form field, maybe with plain form fields).
    pub form: Option<FormLayout>,
    /// Whether Discord records an audit log reason: `--reason`.
    pub reason: bool,
    /// How it pages, if it does: `--paginate`.
    pub paging: Option<Paging>,
    /// The question asked before running it on a terminal, if it destroys something hard to
    /// take back (`--yes` skips it): `{param}` is a path id, `{request}` the method and path.
    pub confirm: Option<&'static str>,
    /// Whether the token is sent.
    pub auth: Auth,
    /// Whether Discord requires a request body.
    pub body_required: bool,
    /// For a union body, which fields each value of its discriminator requires.
    pub variants: Option<Variants>,
}

/// Whether an operation sends the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Always: running it without a token is a usage error.
    Required,
    /// When there is one: Discord answers without a token too (the gateway URL, an invite).
    Optional,
    /// Never: a token in the path authorizes (webhooks, interaction responses).
    Never,
}

/// An overload of the original library: the same method name with more arguments was another
/// operation (`get_webhook(id)` and `get_webhook(id, token)`).
#[derive(Debug)]
pub struct Overload {
    /// The command name.
    pub name: &'static str,
    /// How many positionals select the other operation.
    pub positionals: usize,
    /// The command that runs then.
    pub target: &'static str,
}

/// A method of the original library whose endpoint Discord removed.
#[derive(Debug)]
pub struct Removed {
    /// The old name, kebab-case.
    pub name: &'static str,
    /// What replaced it.
    pub message: &'static str,
}

/// Finds an endpoint by name or alias.
pub fn find(name: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.name == name)
        .or_else(|| ENDPOINTS.iter().find(|e| e.aliases.contains(&name)))
}

/// Finds the endpoint a raw request goes to: `method` and an API path without its query
/// (`/guilds/1/stickers`), each `{placeholder}` of a route matching one segment. Where two
/// routes match, the one with fewer placeholders (the more literal one) wins.
pub fn find_route(method: Method, api_path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .filter(|e| e.method == method && path_matches(e.path, api_path))
        .min_by_key(|e| e.path.matches('{').count())
}

/// Whether an API path (no query) fits a route template: the same number of segments, each
/// equal or taken by a placeholder (`{channel_id}`, or `*` in paging patterns). The one place
/// a path is matched against a route.
pub fn path_matches(template: &str, api_path: &str) -> bool {
    let mut route = template.split('/').filter(|s| !s.is_empty());
    let mut path = api_path.split('/').filter(|s| !s.is_empty());
    loop {
        match (route.next(), path.next()) {
            (None, None) => return true,
            (Some(r), Some(s)) if r == s || r == "*" || r.starts_with('{') => {}
            _ => return false,
        }
    }
}

impl Endpoint {
    /// The path's `{placeholder}` values, in order with their names, when `api_path` (without
    /// its query, still percent-encoded) is this route's path; `None` when it is not.
    pub fn captures<'p>(&self, api_path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
        if !path_matches(self.path, api_path) {
            return None;
        }
        let route = self.path.split('/').filter(|s| !s.is_empty());
        let path = api_path.split('/').filter(|s| !s.is_empty());
        let placeholder = |r: &'static str| r.strip_prefix('{')?.strip_suffix('}');
        Some(
            route
                .zip(path)
                .filter_map(|(r, s)| Some((placeholder(r)?, s)))
                .collect(),
        )
    }
}

/// Finds a removed method by name.
pub fn find_removed(name: &str) -> Option<&'static Removed> {
    REMOVED.iter().find(|r| r.name == name)
}

impl Endpoint {
    /// The operation's section in Discord's docs, where the docs describe it.
    pub fn docs_url(&self) -> Option<&'static str> {
        docs::DOCS
            .iter()
            .find(|(method, path, _)| *method == self.method.as_str() && *path == self.path)
            .map(|(_, _, url)| *url)
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    #[test]
    fn every_docs_row_is_an_operation_of_the_table() {
        for (method, path, url) in docs::DOCS {
            assert!(
                ENDPOINTS
                    .iter()
                    .any(|e| e.method.as_str() == *method && e.path == *path),
                "{method} {path}"
            );
            assert!(url.starts_with("https://discord.com/developers/docs/") && url.contains('#'));
        }
        let get_channel = ENDPOINTS.iter().find(|e| e.name == "get-channel").unwrap();
        assert_eq!(
            get_channel.docs_url(),
            Some("https://discord.com/developers/docs/resources/channel#get-channel")
        );
        let documented = ENDPOINTS.iter().filter(|e| e.docs_url().is_some()).count();
        assert_eq!(documented, docs::DOCS.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn paths_match_templates_segment_by_segment() {
        let t = "/channels/{channel_id}/messages";
        assert!(path_matches(t, "/channels/1/messages"));
        assert!(path_matches(t, "channels/1/messages/"));
        assert!(!path_matches(t, "/channels/1/messages/2"));
        assert!(!path_matches(t, "/channels/1"));
        assert!(!path_matches(t, "/guilds/1/messages"));
        assert!(path_matches("guilds/*/bans", "/guilds/9/bans"));
        assert!(path_matches("", "/"));
    }

    #[test]
    fn raw_paths_find_their_route() {
        let find = |m, p| find_route(m, p).map(|e| e.name);
        assert_eq!(
            find(Method::Post, "/guilds/1/stickers"),
            Some("create-guild-sticker")
        );
        assert_eq!(find(Method::Get, "/users/@me"), Some("get-current-user"));
        assert_eq!(find(Method::Get, "/users/5"), Some("get-user"));
        assert_eq!(find(Method::Get, "/nowhere/at/all"), None);
        let search = find_route(Method::Get, "/guilds/7/members/search");
        assert_eq!(search.map(|e| e.name), Some("search-guild-members"));
        let member = find_route(Method::Get, "/guilds/7/members/9").unwrap();
        assert_eq!(
            member.captures("/guilds/7/members/9"),
            Some(vec![("guild_id", "7"), ("user_id", "9")])
        );
        assert_eq!(member.captures("/guilds/7/roles/9"), None);
    }

    fn is_kebab(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    #[test]
    fn names_and_aliases_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for e in ENDPOINTS {
            for n in std::iter::once(&e.name).chain(e.aliases) {
                assert!(is_kebab(n), "{n} is not kebab-case");
                assert!(seen.insert(*n), "{n} is used twice");
            }
        }
        for r in REMOVED {
            assert!(is_kebab(r.name), "{} is not kebab-case", r.name);
            assert!(
                seen.insert(r.name),
                "{} is removed and also a command",
                r.name
            );
        }
        assert_eq!(ENDPOINTS.len(), 242);
    }

    /// The help's examples must be valid requests: each sample meets its kind's own limits.
    #[test]
    fn every_sample_meets_its_limits() {
        let fields = ENDPOINTS
            .iter()
            .flat_map(|e| e.path_params.iter().chain(e.query).chain(e.fields));
        for f in fields {
            let sample = f.kind.sample();
            match f.kind {
                Kind::Integer { min, max } => {
                    let n: i64 = sample.parse().unwrap();
                    assert!(
                        min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m),
                        "{}",
                        f.name
                    );
                }
                Kind::Number { min, max } => {
                    let n: f64 = sample.parse().unwrap();
                    assert!(
                        min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m),
                        "{}",
                        f.name
                    );
                }
                Kind::String { min_len, .. } => {
                    assert!(
                        sample.chars().count() >= min_len.unwrap_or(0) as usize,
                        "{}",
                        f.name
                    );
                }
                Kind::Enum(values) if !values.is_empty() => {
                    assert!(values.iter().any(|(n, _)| *n == sample), "{}", f.name);
                }
                _ => assert!(!sample.is_empty(), "{}", f.name),
            }
            assert!(!f.kind.description().is_empty(), "{}", f.name);
        }
        let range = Kind::Integer {
            min: Some(1),
            max: Some(100),
        };
        assert_eq!(range.description(), "integer, from 1 to 100");
        assert_eq!(Kind::List(&Kind::Snowflake).sample(), "123456789012345678");
        assert_eq!(
            Kind::List(&Kind::Snowflake).description(),
            "id; several as a comma list or a repeated flag"
        );
    }

    #[test]
    fn every_placeholder_is_a_positional_in_order() {
        for e in ENDPOINTS {
            let placeholders: Vec<&str> = e
                .path
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(p, _)| p))
                .collect();
            let params: Vec<&str> = e.path_params.iter().map(|f| f.name).collect();
            assert_eq!(placeholders, params, "{}", e.name);
            for f in e.path_params.iter().chain(e.query).chain(e.fields) {
                assert!(!f.name.is_empty() && !f.help.is_empty(), "{}", e.name);
            }
        }
    }

    #[test]
    fn every_operation_is_listed_once() {
        let mut seen = HashSet::new();
        for e in ENDPOINTS {
            assert!(
                seen.insert((e.method, e.path)),
                "{} {}",
                e.method.as_str(),
                e.path
            );
        }
    }

    #[test]
    fn only_lists_page() {
        // Discord pages only GET lists; a paging rule on another method would be a policy slip.
        for e in ENDPOINTS.iter().filter(|e| e.paging.is_some()) {
            assert_eq!(e.method, Method::Get, "{}", e.name);
            let sample = e.path_params.iter().fold(e.path.to_string(), |p, f| {
                p.replace(&format!("{{{}}}", f.name), "1")
            });
            assert_eq!(crate::paging::detect(&sample), e.paging, "{}", e.name);
        }
    }

    #[test]
    fn removed_methods_name_a_replacement_that_exists() {
        for r in REMOVED {
            let mentioned = r
                .message
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|w| w.contains('-') && *w != r.name)
                .any(|w| find(w).is_some());
            assert!(mentioned, "{}: {}", r.name, r.message);
        }
    }

    #[test]
    fn aliases_resolve() {
        assert_eq!(
            find("get-channel").map(|e| e.path),
            Some("/channels/{channel_id}")
        );
        assert_eq!(find("upload-file").map(|e| e.name), Some("create-message"));
        assert_eq!(
            find("create-guild-ban").map(|e| e.method),
            Some(Method::Put)
        );
        assert!(find("get-guild-embed").is_none());
        assert!(find_removed("get-guild-embed").is_some());
    }
}
