//! File uploads the way Discord expects them. Most endpoints (messages, webhooks, interaction
//! responses) take multipart/form-data with the JSON body in a `payload_json` part, each file in
//! a `files[n]` part, and an `attachments` array in the body whose ids and filenames match the
//! parts. A few take one file under a named field instead ([`FormLayout`]): a guild sticker
//! (`file`, with `name`, `tags` and `description` as plain form fields), an application
//! attachment (`file`), an invite's target users (`target_users_file`).

use std::path::{Path, PathBuf};

use reqwest::blocking::multipart::{Form, Part};
use serde_json::{json, Map, Value};

use crate::{Error, Result};

pub use discord_protocol::endpoints::{FormLayout, DEFAULT_FILE_LIMIT};

/// A file to upload, checked up front.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Where it is read from.
    pub path: PathBuf,
    /// The name Discord shows.
    pub filename: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Every part of a multipart request, in order.
#[derive(Debug, Clone)]
pub struct Multipart {
    /// The JSON body as a `payload_json` part, if the layout has one.
    pub payload_json: Option<Value>,
    /// Plain text fields (name, value).
    pub fields: Vec<(String, String)>,
    /// Files (form field name, file).
    pub files: Vec<(String, Upload)>,
}

/// Lays a request's body and files out as parts: `payload_json` + `files[n]` by default, or as
/// `form` says.
pub fn layout(
    body: Option<&Value>,
    uploads: Vec<Upload>,
    form: Option<FormLayout>,
) -> Result<Multipart> {
    let Some(form) = form else {
        let payload = payload_with_attachments(body, &uploads)?;
        return Ok(payload_and_files(payload, uploads));
    };
    if uploads.len() > 1 {
        return Err(Error::usage(format!(
            "{} files given: this endpoint takes one file (form field '{}'); give --file once",
            uploads.len(),
            form.file_field
        )));
    }
    let files = uploads
        .into_iter()
        .map(|u| (form.file_field.to_string(), u))
        .collect();
    let object = match body {
        None => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => {
            return Err(Error::usage(
                "with --file the body must be a JSON object (its fields become form fields)",
            ))
        }
    };
    if !form.plain_fields {
        return Ok(Multipart {
            payload_json: (!object.is_empty()).then_some(Value::Object(object)),
            fields: Vec::new(),
            files,
        });
    }
    let fields = object
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    Ok(Multipart {
        payload_json: None,
        fields,
        files,
    })
}

/// `payload_json` + `files[n]` with the body as written: for an operation whose `attachments`
/// is not Discord's list of attachments (a Slack-compatible webhook's are Slack's own) or whose
/// body takes no such field (lobby moderation metadata, string values only), no entries are
/// added for the files.
pub fn layout_as_written(body: Option<&Value>, uploads: Vec<Upload>) -> Result<Multipart> {
    Ok(payload_and_files(
        Value::Object(payload_object(body)?),
        uploads,
    ))
}

fn payload_and_files(payload: Value, uploads: Vec<Upload>) -> Multipart {
    let files = uploads
        .into_iter()
        .enumerate()
        .map(|(n, u)| (format!("files[{n}]"), u))
        .collect();
    Multipart {
        payload_json: Some(payload),
        fields: Vec::new(),
        files,
    }
}

/// The body that becomes `payload_json`: a JSON object (or none, an empty one).
fn payload_object(body: Option<&Value>) -> Result<Map<String, Value>> {
    match body {
        None => Ok(Map::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(_) => Err(Error::usage(
            "with --file the body must be a JSON object (it becomes payload_json)",
        )),
    }
}

/// Checks that every file exists and is readable before anything is sent.
pub fn check_files(paths: &[PathBuf]) -> Result<Vec<Upload>> {
    if paths.len() > 10 {
        return Err(Error::usage(format!(
            "{} files given: Discord takes at most 10 per message",
            paths.len()
        )));
    }
    paths
        .iter()
        .map(|path| {
            let meta = std::fs::metadata(path).map_err(|e| {
                Error::usage(format!("--file {}: cannot read it: {e}", path.display()))
            })?;
            if !meta.is_file() {
                return Err(Error::usage(format!(
                    "--file {}: not a regular file",
                    path.display()
                )));
            }
            let filename = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".to_string());
            Ok(Upload {
                path: path.clone(),
                filename,
                size: meta.len(),
            })
        })
        .collect()
}

/// The body sent as `payload_json`: the JSON body with an `attachments` entry per upload, its
/// id a snowflake-typed string as the spec's MessageAttachmentRequest says. An `attachments`
/// array the user wrote is theirs: it is sent as written (an entry for an upload's id only gains
/// the upload's filename if it has none), and no entry is added to it.
pub fn payload_with_attachments(body: Option<&Value>, uploads: &[Upload]) -> Result<Value> {
    let mut object = payload_object(body)?;
    let mut attachments = match object.remove("attachments") {
        Some(Value::Array(items)) if !items.is_empty() => Some(items),
        None | Some(Value::Null) | Some(Value::Array(_)) => None,
        Some(_) => return Err(Error::usage("the body's 'attachments' must be an array")),
    };
    let entries = attachments.get_or_insert_with(|| {
        let auto = uploads.iter().enumerate();
        auto.map(|(n, u)| json!({"id": n.to_string(), "filename": u.filename}))
            .collect()
    });
    for (n, upload) in uploads.iter().enumerate() {
        let same_id = |a: &Value| {
            a.get("id")
                .is_some_and(|id| id == &json!(n) || id == &json!(n.to_string()))
        };
        if let Some(Value::Object(entry)) = entries.iter_mut().find(|a| same_id(a)) {
            entry
                .entry("filename")
                .or_insert_with(|| json!(upload.filename));
        }
    }
    object.insert(
        "attachments".into(),
        Value::Array(attachments.unwrap_or_default()),
    );
    Ok(Value::Object(object))
}

/// Builds the multipart form (afresh for every attempt, since a form is consumed by sending).
pub fn build_form(parts: &Multipart) -> Result<Form> {
    let mut form = Form::new();
    if let Some(payload) = &parts.payload_json {
        let json_part = Part::text(payload.to_string())
            .mime_str("application/json")
            .map_err(|e| Error::runtime(e.to_string()))?;
        form = form.part("payload_json", json_part);
    }
    for (name, value) in &parts.fields {
        form = form.text(name.clone(), value.clone());
    }
    for (name, upload) in &parts.files {
        form = form.part(name.clone(), file_part(&upload.path, &upload.filename)?);
    }
    Ok(form)
}

/// How `--dry-run` shows the parts, one a line.
pub fn describe(parts: &Multipart) -> String {
    let mut out = String::new();
    if let Some(payload) = &parts.payload_json {
        out.push_str(&format!("payload_json: {payload}\n"));
    }
    for (name, value) in &parts.fields {
        out.push_str(&format!("{name}: {value}\n"));
    }
    for (name, u) in &parts.files {
        out.push_str(&format!(
            "{name}: {} ({} bytes, {})\n",
            u.filename,
            u.size,
            guess_mime(&u.filename)
        ));
    }
    out
}

fn file_part(path: &Path, filename: &str) -> Result<Part> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::usage(format!("--file {}: cannot read it: {e}", path.display())))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mime = guess_mime(filename);
    Part::reader_with_length(file, len)
        .file_name(filename.to_string())
        .mime_str(mime)
        .map_err(|e| Error::runtime(e.to_string()))
}

/// A content type from the file name's extension (Discord uses it for previews).
pub fn guess_mime(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "txt" | "log" | "md" => "text/plain",
        "json" => "application/json",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str) -> Upload {
        Upload {
            path: PathBuf::from(name),
            filename: name.to_string(),
            size: 1,
        }
    }

    #[test]
    fn a_body_as_written_gets_no_entries() {
        // A Slack-compatible webhook's attachments are Slack's: nothing is added or merged.
        let body = json!({"text": "x", "attachments": [{"title": "slack"}]});
        let parts = layout_as_written(Some(&body), vec![upload("a.txt")]).unwrap();
        assert_eq!(parts.payload_json, Some(body));
        assert_eq!(parts.files[0].0, "files[0]");
        let parts = layout_as_written(None, vec![upload("a.txt")]).unwrap();
        assert_eq!(parts.payload_json, Some(json!({})));
        assert!(layout_as_written(Some(&json!([1])), vec![]).is_err());
    }

    #[test]
    fn attachments_match_parts() {
        let body = json!({"content": "x", "attachments": [{"id": 1, "description": "second"}]});
        let payload =
            payload_with_attachments(Some(&body), &[upload("a.txt"), upload("b.png")]).unwrap();
        assert_eq!(
            payload["attachments"],
            json!([{"id": 1, "description": "second", "filename": "b.png"}])
        );
        assert_eq!(payload["content"], "x");
        // Without the user's array, one entry per upload, ids as the spec's snowflake strings.
        let payload = payload_with_attachments(None, &[upload("a.txt"), upload("b.png")]).unwrap();
        assert_eq!(
            payload["attachments"],
            json!([{"id": "0", "filename": "a.txt"}, {"id": "1", "filename": "b.png"}])
        );
    }

    #[test]
    fn missing_file_is_a_usage_error() {
        let err = check_files(&[PathBuf::from("/nonexistent/x.txt")]).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Usage);
        assert!(payload_with_attachments(Some(&json!([1])), &[]).is_err());
    }

    const STICKER: FormLayout = FormLayout {
        file_field: "file",
        file_required: true,
        plain_fields: true,
    };

    #[test]
    fn default_layout_is_payload_json_and_numbered_files() {
        let parts = layout(Some(&json!({"content": "x"})), vec![upload("a.txt")], None).unwrap();
        assert_eq!(
            parts.payload_json.unwrap()["attachments"][0]["filename"],
            "a.txt"
        );
        assert_eq!(parts.files[0].0, "files[0]");
        assert!(parts.fields.is_empty());
    }

    #[test]
    fn form_layout_sends_plain_fields_and_the_named_file() {
        let body = json!({"name": "s", "tags": "x", "description": null, "n": 3});
        let parts = layout(Some(&body), vec![upload("s.png")], Some(STICKER)).unwrap();
        assert!(parts.payload_json.is_none());
        assert_eq!(
            parts.fields,
            vec![
                ("name".to_string(), "s".to_string()),
                ("tags".to_string(), "x".to_string()),
                ("n".to_string(), "3".to_string())
            ]
        );
        assert_eq!(parts.files[0].0, "file");
        assert_eq!(
            describe(&parts),
            "name: s\ntags: x\nn: 3\nfile: s.png (1 bytes, image/png)\n"
        );
        let err = layout(None, vec![upload("a"), upload("b")], Some(STICKER)).unwrap_err();
        assert!(err.to_string().contains("takes one file"), "{err}");
    }

    #[test]
    fn form_layout_with_payload_json_names_the_file() {
        let invite = FormLayout {
            file_field: "target_users_file",
            file_required: false,
            plain_fields: false,
        };
        let body = json!({"max_age": 0});
        let parts = layout(Some(&body), vec![upload("users.csv")], Some(invite)).unwrap();
        assert_eq!(parts.payload_json, Some(body));
        assert_eq!(parts.files[0].0, "target_users_file");
    }
}
