//! `--names`: names next to ids in output, from the cache only (no extra requests). Every key
//! `X_id` whose value is a snowflake the cache knows gets a sibling key `X_id_name` holding the
//! name as a person writes it (`#general`, `@alice`, `Sandbox Guild`, `@&moderators`), so the
//! output stays valid JSON and keeps every key Discord sent. `X_ids` arrays (and a member's
//! `roles`) get `X_ids_names` / `roles_names` arrays, `null` for ids the cache does not know.

use serde_json::{Map, Value};

use super::store::{Entry, ObjKind, Store};

/// How an object is written in text.
pub fn label(e: &Entry) -> String {
    match e.kind {
        ObjKind::Channel => format!("#{}", e.name),
        ObjKind::User | ObjKind::Member => format!("@{}", e.name),
        ObjKind::Role => format!("@&{}", e.name),
        ObjKind::Emoji => format!(":{}:", e.name),
        ObjKind::Guild => e.name.clone(),
    }
}

/// The name of an id, preferring what it most likely is.
pub fn name_of(store: &Store, id: u64) -> Option<String> {
    let rank = |k: ObjKind| match k {
        ObjKind::Channel => 0,
        ObjKind::Guild => 1,
        ObjKind::Role => 2,
        ObjKind::User => 3,
        ObjKind::Emoji => 4,
        ObjKind::Member => 5,
    };
    let entries = store.by_id(id).ok()?;
    entries.iter().min_by_key(|e| rank(e.kind)).map(label)
}

/// Adds the name keys throughout `value`.
pub fn annotate(store: &Store, value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| annotate(store, v)),
        Value::Object(map) => {
            map.values_mut().for_each(|v| annotate(store, v));
            let added = names_for(store, map);
            map.extend(added);
        }
        _ => {}
    }
}

fn snowflake(v: &Value) -> Option<u64> {
    v.as_str()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

fn names_for(store: &Store, map: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut added = Vec::new();
    for (key, v) in map {
        if key.ends_with("_id") {
            if let Some(name) = snowflake(v).and_then(|id| name_of(store, id)) {
                added.push((format!("{key}_name"), Value::String(name)));
            }
        } else if key.ends_with("_ids") || key == "roles" {
            let Some(items) = v.as_array() else { continue };
            if items.is_empty() || !items.iter().all(|i| snowflake(i).is_some()) {
                continue;
            }
            let names: Vec<Value> = items
                .iter()
                .map(|i| {
                    snowflake(i)
                        .and_then(|id| name_of(store, id))
                        .map_or(Value::Null, Value::String)
                })
                .collect();
            added.push((format!("{key}_names"), Value::Array(names)));
        }
    }
    added.retain(|(k, _)| !map.contains_key(k));
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::store::Entry;
    use serde_json::json;

    #[test]
    fn known_ids_get_a_sibling_name_and_json_stays_valid() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("n.sqlite")).unwrap();
        s.upsert(&[
            Entry::new(ObjKind::Channel, 7, 1, "general"),
            Entry::new(ObjKind::Guild, 1, 0, "G"),
            Entry::new(ObjKind::Role, 9, 1, "mods"),
        ])
        .unwrap();
        let mut v = json!([{"channel_id": "7", "guild_id": "1", "author_id": "8",
                            "member": {"roles": ["9", "10"]}}]);
        annotate(&s, &mut v);
        assert_eq!(v[0]["channel_id_name"], "#general");
        assert_eq!(v[0]["guild_id_name"], "G");
        assert!(v[0].get("author_id_name").is_none());
        assert_eq!(v[0]["member"]["roles_names"], json!(["@&mods", null]));
        assert_eq!(v[0]["channel_id"], "7");
    }
}
