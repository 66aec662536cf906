//! Comparing commands: the canonical form with Discord's defaults filled in (what Discord
//! holds once a command is created, so a command read back compares equal to the file it came
//! from), the short form `commands pull` prints, and a readable diff.

use serde_json::{json, Map, Value};

use super::{command_type, join, member_permissions, SUB_COMMAND, SUB_COMMAND_GROUP};

/// The command as Discord holds it once created: only the fields a command sets, each with
/// Discord's default when not given, `default_member_permissions` as a decimal string. Two
/// commands that behave the same have equal canonical forms.
pub fn canonical(command: &Value) -> Value {
    let kind = command_type(command);
    let get = |k: &str| command.get(k).filter(|v| !v.is_null()).cloned();
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    out.insert("name".into(), get("name").unwrap_or(json!("")));
    out.insert(
        "name_localizations".into(),
        localizations(get("name_localizations")),
    );
    out.insert(
        "description".into(),
        get("description").unwrap_or(json!("")),
    );
    out.insert(
        "description_localizations".into(),
        localizations(get("description_localizations")),
    );
    let options = get("options")
        .and_then(|o| o.as_array().cloned())
        .unwrap_or_default();
    out.insert(
        "options".into(),
        Value::Array(options.iter().map(canonical_option).collect()),
    );
    out.insert(
        "default_member_permissions".into(),
        get("default_member_permissions")
            .and_then(|p| member_permissions(&p).ok())
            .unwrap_or(Value::Null),
    );
    out.insert(
        "dm_permission".into(),
        get("dm_permission").unwrap_or(json!(true)),
    );
    out.insert("contexts".into(), get("contexts").unwrap_or(Value::Null));
    out.insert(
        "integration_types".into(),
        get("integration_types").unwrap_or(json!([0])),
    );
    out.insert("nsfw".into(), get("nsfw").unwrap_or(json!(false)));
    if kind == 4 {
        out.insert("handler".into(), get("handler").unwrap_or(json!(1)));
    }
    Value::Object(out)
}

/// Empty localizations are the same as none.
fn localizations(value: Option<Value>) -> Value {
    match value {
        Some(Value::Object(m)) if !m.is_empty() => Value::Object(m),
        _ => Value::Null,
    }
}

fn canonical_option(option: &Value) -> Value {
    let kind = option["type"].as_u64().unwrap_or(0);
    let get = |k: &str| option.get(k).filter(|v| !v.is_null()).cloned();
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    out.insert("name".into(), get("name").unwrap_or(json!("")));
    out.insert(
        "name_localizations".into(),
        localizations(get("name_localizations")),
    );
    out.insert(
        "description".into(),
        get("description").unwrap_or(json!("")),
    );
    out.insert(
        "description_localizations".into(),
        localizations(get("description_localizations")),
    );
    if matches!(kind, SUB_COMMAND | SUB_COMMAND_GROUP) {
        let subs = get("options")
            .and_then(|o| o.as_array().cloned())
            .unwrap_or_default();
        out.insert(
            "options".into(),
            Value::Array(subs.iter().map(canonical_option).collect()),
        );
        return Value::Object(out);
    }
    out.insert("required".into(), get("required").unwrap_or(json!(false)));
    if matches!(kind, 3 | 4 | 10) {
        out.insert(
            "autocomplete".into(),
            get("autocomplete").unwrap_or(json!(false)),
        );
        let choices: Vec<Value> = get("choices")
            .and_then(|c| c.as_array().cloned())
            .unwrap_or_default();
        let choices = choices.iter().map(|ch| json!({"name": ch["name"], "name_localizations": localizations(ch.get("name_localizations").cloned()), "value": ch["value"]})).collect::<Vec<_>>();
        if !choices.is_empty() {
            out.insert("choices".into(), Value::Array(choices));
        }
    }
    for key in [
        "channel_types",
        "min_value",
        "max_value",
        "min_length",
        "max_length",
    ] {
        if let Some(v) = get(key) {
            out.insert(key.into(), v);
        }
    }
    Value::Object(out)
}

/// The canonical form with every default left out again: what `commands pull` prints, short
/// to read and edit, and equal to the original once made canonical.
pub fn trimmed(command: &Value) -> Value {
    let full = canonical(command);
    let defaults = canonical(&json!({"type": command_type(command)}));
    let mut out = Map::new();
    if let (Some(obj), Some(def)) = (full.as_object(), defaults.as_object()) {
        for (k, v) in obj {
            let keep =
                matches!(k.as_str(), "name" | "description" | "type") || def.get(k) != Some(v);
            if keep {
                out.insert(
                    k.clone(),
                    if k == "options" {
                        trim_options(v)
                    } else {
                        v.clone()
                    },
                );
            }
        }
    }
    Value::Object(out)
}

fn trim_options(options: &Value) -> Value {
    let list = options.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.into_iter()
            .map(|o| {
                let mut m = o.as_object().cloned().unwrap_or_default();
                m.retain(|k, v| !(v.is_null() || (k != "type" && *v == json!(false))));
                if let Some(sub) = m.get("options").cloned() {
                    m.insert("options".into(), trim_options(&sub));
                }
                for ch in m
                    .get_mut("choices")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(o) = ch.as_object_mut() {
                        o.retain(|_, v| !v.is_null());
                    }
                }
                Value::Object(m)
            })
            .collect(),
    )
}

/// The differences between two canonical commands, one line each: `description: "a" -> "b"`,
/// `options[1]: added {...}`.
pub fn diff(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_into(old, new, "", &mut out);
    out
}

fn diff_into(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) if !path.is_empty() || a.contains_key("type") => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.dedup();
            let mut seen = Vec::new();
            for k in keys {
                if seen.contains(&k) {
                    continue;
                }
                seen.push(k);
                let null = Value::Null;
                diff_into(
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    &join(path, k),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.iter().chain(b).all(Value::is_object) => {
            for i in 0..a.len().max(b.len()) {
                let at = format!("{path}[{i}]");
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => diff_into(x, y, &at, out),
                    (None, Some(y)) => out.push(format!("{at}: added {}", short(y))),
                    (Some(x), None) => out.push(format!("{at}: removed {}", short(x))),
                    (None, None) => {}
                }
            }
        }
        _ => out.push(format!("{path}: {old} -> {new}")),
    }
}

/// An option or choice named briefly in a diff line.
fn short(value: &Value) -> String {
    match value["name"].as_str() {
        Some(name) => format!("'{name}'"),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discords_answer_compares_equal_to_the_file() {
        let file = json!({"name": "echo", "description": "Echoes", "default_member_permissions": "MANAGE_GUILD",
                          "options": [{"type": 3, "name": "text", "description": "What", "required": true}]});
        // What Discord sends back: ids, version, defaults filled in.
        let registered = json!({"id": "1", "application_id": "2", "version": "3", "type": 1, "name": "echo",
            "description": "Echoes", "default_member_permissions": "32", "dm_permission": true, "contexts": null,
            "integration_types": [0], "nsfw": false, "name_localizations": null, "description_localizations": null,
            "options": [{"type": 3, "name": "text", "description": "What", "required": true, "autocomplete": false,
                         "name_localizations": null, "description_localizations": null}]});
        assert_eq!(canonical(&file), canonical(&registered));
        assert_eq!(canonical(&trimmed(&registered)), canonical(&file));
        let mut changed = registered.clone();
        changed["options"][0]["required"] = json!(false);
        changed["description"] = json!("Says it back");
        assert_eq!(
            diff(&canonical(&registered), &canonical(&changed)),
            [
                "description: \"Echoes\" -> \"Says it back\"",
                "options[0].required: true -> false"
            ]
        );
    }
}
