//! File uploads the way Discord expects them: multipart/form-data with the JSON body in a
//! `payload_json` part, each file in a `files[n]` part, and an `attachments` array in the body
//! whose ids and filenames match the parts.

use std::path::{Path, PathBuf};

use reqwest::blocking::multipart::{Form, Part};
use serde_json::{json, Map, Value};

use crate::{Error, Result};

/// Discord's default per-file upload limit (10 MiB).
pub const DEFAULT_FILE_LIMIT: u64 = 10 * 1024 * 1024;

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

/// The body sent as `payload_json`: the JSON body with an `attachments` entry per upload (an
/// entry the user already wrote for that id keeps its other fields, such as `description`).
pub fn payload_with_attachments(body: Option<&Value>, uploads: &[Upload]) -> Result<Value> {
    let mut object = match body {
        None => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => {
            return Err(Error::usage(
                "with --file the body must be a JSON object (it becomes payload_json)",
            ))
        }
    };
    let mut attachments = match object.remove("attachments") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(Error::usage("the body's 'attachments' must be an array")),
    };
    for (n, upload) in uploads.iter().enumerate() {
        let same_id = |a: &Value| {
            a.get("id")
                .map(|id| id == &json!(n) || id == &json!(n.to_string()))
                .unwrap_or(false)
        };
        match attachments.iter_mut().find(|a| same_id(a)) {
            Some(Value::Object(entry)) => {
                entry.insert("filename".into(), json!(upload.filename));
            }
            _ => attachments.push(json!({"id": n, "filename": upload.filename})),
        }
    }
    object.insert("attachments".into(), Value::Array(attachments));
    Ok(Value::Object(object))
}

/// Builds the multipart form (afresh for every attempt, since a form is consumed by sending).
pub fn build_form(payload: &Value, uploads: &[Upload]) -> Result<Form> {
    let json_part = Part::text(payload.to_string())
        .mime_str("application/json")
        .map_err(|e| Error::runtime(e.to_string()))?;
    let mut form = Form::new().part("payload_json", json_part);
    for (n, upload) in uploads.iter().enumerate() {
        let part = file_part(&upload.path, &upload.filename)?;
        form = form.part(format!("files[{n}]"), part);
    }
    Ok(form)
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
    fn attachments_match_parts() {
        let body = json!({"content": "x", "attachments": [{"id": 1, "description": "second"}]});
        let payload =
            payload_with_attachments(Some(&body), &[upload("a.txt"), upload("b.png")]).unwrap();
        assert_eq!(
            payload["attachments"],
            json!([{"id": 1, "description": "second", "filename": "b.png"},
                   {"id": 0, "filename": "a.txt"}])
        );
        assert_eq!(payload["content"], "x");
    }

    #[test]
    fn missing_file_is_a_usage_error() {
        let err = check_files(&[PathBuf::from("/nonexistent/x.txt")]).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Usage);
        assert!(payload_with_attachments(Some(&json!([1])), &[]).is_err());
    }
}
