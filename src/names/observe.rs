//! What the cache learns from what the tool sees anyway: REST answers (by the route they came
//! from) and gateway dispatches (by their type). Pure: each function turns JSON into a
//! [`Change`], which [`super::Names`] applies to the store.
//!
//! Object shapes are Discord's: Guild, Channel, Role, User, Guild Member and Emoji objects
//! (docs/resources/*.md), and the dispatch payloads of docs/events/gateway-events.md.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::store::{Entry, ObjKind};

/// What one answer or dispatch tells the cache.
#[derive(Debug, Default, PartialEq)]
pub struct Change {
    /// Objects seen, to store.
    pub seen: Vec<Entry>,
    /// Objects Discord says are gone: (kind, id, guild).
    pub gone: Vec<(ObjKind, u64, u64)>,
    /// The current user's id, when the answer is about the current user.
    pub me: Option<u64>,
    /// Guilds known by id only (READY's list).
    pub guild_ids: Vec<u64>,
    /// Lists seen whole (`channels:GUILD`, `roles:GUILD`), see [`super::Names::complete`].
    pub complete: Vec<String>,
}

impl Change {
    /// Whether there is nothing to store.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
            && self.gone.is_empty()
            && self.me.is_none()
            && self.complete.is_empty()
            && self.guild_ids.is_empty()
    }
}

fn id_of(v: &Value, key: &str) -> Option<u64> {
    v.get(key)?.as_str()?.parse().ok()
}

/// A channel or thread object.
pub fn channel(v: &Value, guild: Option<u64>) -> Option<Entry> {
    let id = id_of(v, "id")?;
    let name = v.get("name")?.as_str()?;
    let guild = id_of(v, "guild_id").or(guild).unwrap_or(0);
    Some(Entry::new(ObjKind::Channel, id, guild, name))
}

/// A role object of `guild`.
pub fn role(v: &Value, guild: u64) -> Option<Entry> {
    Some(Entry::new(
        ObjKind::Role,
        id_of(v, "id")?,
        guild,
        v.get("name")?.as_str()?,
    ))
}

/// A custom emoji of `guild` (unicode emoji have no id and are skipped).
pub fn emoji(v: &Value, guild: u64) -> Option<Entry> {
    Some(Entry::new(
        ObjKind::Emoji,
        id_of(v, "id")?,
        guild,
        v.get("name")?.as_str()?,
    ))
}

/// A user object: found by username and global name.
pub fn user(v: &Value) -> Option<Entry> {
    let mut e = Entry::new(
        ObjKind::User,
        id_of(v, "id")?,
        0,
        v.get("username")?.as_str()?,
    );
    if let Some(g) = v.get("global_name").and_then(Value::as_str) {
        e.aliases.push(g.to_string());
    }
    Some(e)
}

/// A guild member object of `guild` (with its user): the user, and the member found by
/// username, global name and nickname.
pub fn member(v: &Value, guild: u64) -> Vec<Entry> {
    let Some(u) = v.get("user").and_then(user) else {
        return Vec::new();
    };
    let mut m = u.clone();
    m.kind = ObjKind::Member;
    m.guild = guild;
    if let Some(nick) = v.get("nick").and_then(Value::as_str) {
        m.aliases.push(nick.to_string());
    }
    vec![u, m]
}

/// A guild object, with whatever it carries (roles, emojis; channels, threads and members in
/// GUILD_CREATE).
pub fn guild(v: &Value) -> Vec<Entry> {
    let (Some(id), Some(name)) = (id_of(v, "id"), v.get("name").and_then(Value::as_str)) else {
        return Vec::new();
    };
    let mut out = vec![Entry::new(ObjKind::Guild, id, 0, name)];
    let list = |key: &str| v.get(key).and_then(Value::as_array).into_iter().flatten();
    out.extend(list("roles").filter_map(|r| role(r, id)));
    out.extend(list("emojis").filter_map(|e| emoji(e, id)));
    out.extend(list("channels").filter_map(|c| channel(c, Some(id))));
    out.extend(list("threads").filter_map(|c| channel(c, Some(id))));
    out.extend(list("members").flat_map(|m| member(m, id)));
    out
}

fn each<'a>(body: &'a Value, key: Option<&str>) -> impl Iterator<Item = &'a Value> {
    let list = match key {
        Some(k) => body.get(k),
        None => Some(body),
    };
    list.and_then(Value::as_array).into_iter().flatten()
}

/// What a successful REST answer to `method` `api_path` (no query, no API prefix) tells.
pub fn response(method: &str, api_path: &str, body: &Value) -> Change {
    let api_path = api_path.split('?').next().unwrap_or(api_path);
    let seg: Vec<&str> = api_path.trim_matches('/').split('/').collect();
    let num = |s: &str| s.parse::<u64>().ok();
    let mut c = Change::default();
    let seen = &mut c.seen;
    match (method, seg.as_slice()) {
        ("GET" | "PATCH", ["users", "@me"]) => {
            seen.extend(user(body));
            c.me = id_of(body, "id");
        }
        ("GET", ["users", "@me", "guilds"]) => seen.extend(each(body, None).flat_map(guild)),
        ("GET", ["users", _]) => seen.extend(user(body)),
        ("GET" | "PATCH", ["guilds", _]) | ("POST", ["guilds"]) => seen.extend(guild(body)),
        ("DELETE", ["channels", ch]) => {
            if let Some(id) = num(ch) {
                let g = id_of(body, "guild_id").unwrap_or(0);
                c.gone.push((ObjKind::Channel, id, g));
            }
        }
        ("GET" | "PATCH" | "POST", ["channels", _]) | ("POST", ["guilds", _, "channels"]) => {
            seen.extend(channel(body, None))
        }
        ("GET", ["guilds", g, "channels"]) => {
            seen.extend(each(body, None).filter_map(|ch| channel(ch, num(g))))
        }
        (_, ["guilds", _, "threads", "active"] | ["channels", _, "threads", ..]) => {
            seen.extend(each(body, Some("threads")).filter_map(|ch| channel(ch, None)));
            seen.extend(channel(body, None));
        }
        ("GET", ["guilds", g, "roles"]) => {
            let g = num(g).unwrap_or(0);
            seen.extend(each(body, None).filter_map(|r| role(r, g)))
        }
        ("POST", ["guilds", g, "roles"]) | ("GET" | "PATCH", ["guilds", g, "roles", _]) => {
            seen.extend(role(body, num(g).unwrap_or(0)))
        }
        ("DELETE", ["guilds", g, "roles", r]) => {
            if let (Some(g), Some(r)) = (num(g), num(r)) {
                c.gone.push((ObjKind::Role, r, g));
            }
        }
        ("GET", ["guilds", g, "members" | "bans"])
        | ("GET", ["guilds", g, "members", "search"]) => {
            let g = num(g).unwrap_or(0);
            seen.extend(each(body, None).flat_map(|m| member(m, g)))
        }
        ("GET" | "PATCH" | "PUT", ["guilds", g, "members", _]) => {
            seen.extend(member(body, num(g).unwrap_or(0)))
        }
        ("DELETE", ["guilds", g, "members", u]) => {
            if let (Some(g), Some(u)) = (num(g), num(u)) {
                c.gone.push((ObjKind::Member, u, g));
            }
        }
        ("GET", ["guilds", g, "emojis"]) => {
            let g = num(g).unwrap_or(0);
            seen.extend(each(body, None).filter_map(|e| emoji(e, g)))
        }
        (_, ["channels", _, "messages", ..]) => {
            let messages: Vec<&Value> = if body.is_array() {
                each(body, None).collect()
            } else {
                vec![body]
            };
            seen.extend(
                messages
                    .iter()
                    .filter_map(|m| m.get("author").and_then(user)),
            );
        }
        _ => {}
    }
    c
}

/// What a gateway dispatch `t` with data `d` tells.
pub fn dispatch(t: &str, d: &Value) -> Change {
    let mut c = Change::default();
    let g = id_of(d, "guild_id");
    let seen = &mut c.seen;
    match t {
        "READY" => {
            if let Some(u) = d.get("user") {
                seen.extend(user(u));
                c.me = id_of(u, "id");
            }
            // READY lists every guild of the session (of this shard, when sharded; the names
            // of a shard's guilds then come from its GUILD_CREATEs).
            c.guild_ids = each(d, Some("guilds"))
                .filter_map(|g| id_of(g, "id"))
                .collect();
            let sharded = d
                .get("shard")
                .and_then(Value::as_array)
                .and_then(|s| s.get(1)?.as_u64());
            if sharded.unwrap_or(1) <= 1 {
                c.complete.push("guilds".into());
            }
        }
        "USER_UPDATE" => seen.extend(user(d)),
        "GUILD_CREATE" => {
            // GUILD_CREATE carries every channel and role of the guild (gateway-events.md).
            seen.extend(guild(d));
            if let Some(id) = id_of(d, "id") {
                c.complete = vec![format!("channels:{id}"), format!("roles:{id}")];
            }
        }
        "GUILD_UPDATE" => seen.extend(guild(d)),
        "GUILD_DELETE" => {
            // An outage makes a guild unavailable; only a real leave or removal drops it.
            let unavailable = d.get("unavailable").and_then(Value::as_bool) == Some(true);
            if let (Some(id), false) = (id_of(d, "id"), unavailable) {
                c.gone.push((ObjKind::Guild, id, 0));
            }
        }
        "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "THREAD_CREATE" | "THREAD_UPDATE" => {
            seen.extend(channel(d, None))
        }
        "CHANNEL_DELETE" | "THREAD_DELETE" => {
            if let Some(id) = id_of(d, "id") {
                c.gone.push((ObjKind::Channel, id, g.unwrap_or(0)));
            }
        }
        "THREAD_LIST_SYNC" => seen.extend(each(d, Some("threads")).filter_map(|ch| channel(ch, g))),
        "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE" => {
            seen.extend(d.get("role").and_then(|r| role(r, g.unwrap_or(0))))
        }
        "GUILD_ROLE_DELETE" => {
            if let (Some(g), Some(r)) = (g, id_of(d, "role_id")) {
                c.gone.push((ObjKind::Role, r, g));
            }
        }
        "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" => seen.extend(member(d, g.unwrap_or(0))),
        "GUILD_MEMBERS_CHUNK" => {
            let g = g.unwrap_or(0);
            seen.extend(each(d, Some("members")).flat_map(|m| member(m, g)))
        }
        "GUILD_MEMBER_REMOVE" => {
            if let (Some(g), Some(u)) = (g, d.get("user").and_then(|u| id_of(u, "id"))) {
                c.gone.push((ObjKind::Member, u, g));
            }
        }
        "GUILD_EMOJIS_UPDATE" => {
            let g = g.unwrap_or(0);
            seen.extend(each(d, Some("emojis")).filter_map(|e| emoji(e, g)))
        }
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" => seen.extend(author(d, g)),
        _ => {}
    }
    c
}

/// A message's author, and in a guild its member (the dispatch's `member` lacks `user`).
fn author(d: &Value, guild: Option<u64>) -> Vec<Entry> {
    let Some(a) = d.get("author") else {
        return Vec::new();
    };
    match (guild, d.get("member")) {
        (Some(g), Some(m)) => {
            let mut m = m.clone();
            m["user"] = a.clone();
            member(&m, g)
        }
        _ => user(a).into_iter().collect(),
    }
}

/// Every key the functions above read. [`parse_kept`] keeps only these.
const KEPT_KEYS: &[&str] = &[
    "id",
    "name",
    "guild_id",
    "username",
    "global_name",
    "nick",
    "user",
    "roles",
    "emojis",
    "channels",
    "threads",
    "members",
    "guilds",
    "unavailable",
    "shard",
    "role",
    "role_id",
    "author",
    "member",
];

/// Parses a dispatch's `d` keeping, at every depth, only the keys this module reads. A big
/// guild's GUILD_CREATE parsed whole into a `Value` took about 14 times its size in memory
/// (400 MB for a 26.5 MB payload of 100,000 members); most of each member is left out here.
pub fn parse_kept(text: &str) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    Kept.deserialize(&mut de).ok()
}

/// A `Value` with only [`KEPT_KEYS`] in its objects.
struct Kept;

/// An object key, borrowed from the text unless it has escapes.
#[derive(serde::Deserialize)]
struct Key<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>);

impl<'de> DeserializeSeed<'de> for Kept {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Kept {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Kept)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key()? {
            if KEPT_KEYS.contains(&key.as_ref()) {
                object.insert(key.into_owned(), map.next_value_seed(Kept)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(c: &Change) -> Vec<(ObjKind, u64, u64, String)> {
        c.seen
            .iter()
            .map(|e| (e.kind, e.id, e.guild, e.name.clone()))
            .collect()
    }

    #[test]
    fn parse_kept_keeps_what_the_cache_reads_and_learns_the_same() {
        let d = json!({
            "id": "1", "name": "G", "description": "left out", "features": ["A"],
            "roles": [{"id": "2", "name": "mods", "permissions": "8", "color": 3}],
            "members": [{"user": {"id": "3", "username": "u", "global_name": "U", "avatar": "x"},
                         "nick": "n", "roles": ["2"], "joined_at": "2026-01-01T00:00:00Z"}],
            "channels": [{"id": "4", "name": "general", "type": 0, "topic": "t\"q"}],
        });
        let kept = parse_kept(&d.to_string()).unwrap();
        assert_eq!(kept["description"], Value::Null);
        assert_eq!(kept["members"][0]["user"]["avatar"], Value::Null);
        assert_eq!(kept["members"][0]["nick"], "n");
        let names = |v: &Value| {
            let mut e: Vec<String> = dispatch("GUILD_CREATE", v)
                .seen
                .iter()
                .map(|e| {
                    format!(
                        "{:?} {} {} {} {:?}",
                        e.kind, e.id, e.guild, e.name, e.aliases
                    )
                })
                .collect();
            e.sort();
            e
        };
        assert_eq!(names(&kept), names(&d));
        // The guild, its role and channel, and the member as a user and as a member.
        assert_eq!(names(&kept).len(), 5);
        assert!(parse_kept("{\"id\":").is_none());
    }

    #[test]
    fn guild_create_carries_channels_roles_and_members() {
        let d = json!({"id": "1", "name": "G", "roles": [{"id": "1", "name": "@everyone"}],
            "channels": [{"id": "2", "name": "general", "type": 0}],
            "members": [{"user": {"id": "3", "username": "alice", "global_name": "Alice"}, "nick": "al"}]});
        let c = dispatch("GUILD_CREATE", &d);
        let n = names(&c);
        assert!(n.contains(&(ObjKind::Guild, 1, 0, "G".into())));
        assert!(n.contains(&(ObjKind::Role, 1, 1, "@everyone".into())));
        assert!(n.contains(&(ObjKind::Channel, 2, 1, "general".into())));
        assert!(n.contains(&(ObjKind::User, 3, 0, "alice".into())));
        let m = c.seen.iter().find(|e| e.kind == ObjKind::Member).unwrap();
        assert_eq!(m.aliases, ["Alice", "al"]);
    }

    #[test]
    fn deletions_are_seen_as_gone() {
        let c = dispatch(
            "CHANNEL_DELETE",
            &json!({"id": "2", "guild_id": "1", "name": "x"}),
        );
        assert_eq!(c.gone, [(ObjKind::Channel, 2, 1)]);
        let c = dispatch("GUILD_DELETE", &json!({"id": "1", "unavailable": true}));
        assert!(c.is_empty());
        let c = response("DELETE", "/guilds/1/roles/5", &Value::Null);
        assert_eq!(c.gone, [(ObjKind::Role, 5, 1)]);
    }

    #[test]
    fn rest_answers_by_route() {
        let c = response("GET", "/users/@me", &json!({"id": "9", "username": "bot"}));
        assert_eq!(c.me, Some(9));
        let c = response(
            "GET",
            "/guilds/1/channels",
            &json!([{"id": "2", "name": "general"}]),
        );
        assert_eq!(names(&c), [(ObjKind::Channel, 2, 1, "general".into())]);
        let c = response(
            "GET",
            "/channels/2/messages",
            &json!([{"id": "5", "author": {"id": "3", "username": "alice"}}]),
        );
        assert_eq!(names(&c), [(ObjKind::User, 3, 0, "alice".into())]);
    }
}
