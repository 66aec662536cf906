//! Sending what an `--exec` handler printed: an interaction's response (through `respond`'s
//! own [`send_initial`]), or with `--reply` a reply to the message (through `send-message`'s
//! own request builder). And the watchdog that defers an interaction still unanswered close
//! to Discord's 3-second limit, so the user sees "thinking..." instead of "The application did
//! not respond" (docs: Receiving and Responding, "Responding to an Interaction").

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::Dispatch;
use crate::commands::respond::{edit_original, send_initial, Target};
use crate::commands::send_message::MAX_CONTENT;
use crate::config::Settings;
use crate::output::diag;
use crate::{Error, ErrorKind, Result};

/// How long after an interaction arrives it is deferred when still unanswered: Discord takes
/// the initial response within 3 s of the interaction, and the request itself takes time.
const DEFER_AFTER: Duration = Duration::from_millis(2_200);
/// How often the watchdog looks.
const TICK: Duration = Duration::from_millis(50);

/// Where an interaction's initial response stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing sent yet.
    Open,
    /// Deferred (type 5): the handler's answer edits the original response.
    Deferred,
    /// Answered (by the handler's output, or by the handler itself with `discord respond`).
    Answered,
}

/// An interaction a handler holds.
pub struct Pending {
    target: Target,
    received: Instant,
    state: Mutex<State>,
}

impl Pending {
    /// The interaction an INTERACTION_CREATE carries.
    pub fn of(dispatch: &Dispatch) -> Option<Pending> {
        if dispatch.event != "INTERACTION_CREATE" {
            return None;
        }
        let d = dispatch.d();
        let text = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
        Some(Pending {
            target: Target {
                id: Some(text("id")?),
                token: text("token")?,
                application_id: text("application_id"),
            },
            received: Instant::now(),
            state: Mutex::new(State::Open),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Defers the interaction (type 5) unless it has its initial response already.
    pub fn defer(&self, settings: &Settings) {
        let mut state = self.lock();
        if *state != State::Open {
            return;
        }
        *state = match send_initial(settings, &self.target, json!({"type": 5}), &[]) {
            Ok(_) => State::Deferred,
            Err(e) if answered_already(&e) => State::Answered,
            Err(e) => {
                diag(&format!(
                    "listen: could not defer interaction {}: {}",
                    self.target.id.as_deref().unwrap_or("?"),
                    self.redact(&e.message)
                ));
                State::Answered
            }
        };
    }

    /// Leaves the interaction unanswered for good (its handler failed): no deferral, so the
    /// user sees Discord's own "did not respond" rather than "thinking..." forever.
    pub fn abandon(&self) {
        let mut state = self.lock();
        if *state == State::Open {
            *state = State::Answered;
        }
    }

    /// Sends the handler's output as the response: JSON as the interaction response object,
    /// other text as a channel message (type 4); after a deferral, a message edits the
    /// original response. Nothing printed sends nothing.
    pub fn answer(&self, settings: &Settings, text: &str) -> Result<()> {
        let mut state = self.lock();
        let before = std::mem::replace(&mut *state, State::Answered);
        if text.is_empty() || before == State::Answered {
            // Nothing printed: no answer, and no deferral either (the handler may have
            // answered itself, or chose not to).
            return Ok(());
        }
        let body = response_body(text)?;
        let result = match before {
            State::Open => match send_initial(settings, &self.target, body.clone(), &[]) {
                // The handler deferred it itself (`discord respond --defer`): its output is
                // the answer that replaces "thinking".
                Err(e) if answered_already(&e) => self.edit(settings, &body),
                other => other.map(drop),
            },
            _ => self.edit(settings, &body),
        };
        result.map_err(|mut e| {
            e.message = self.redact(&e.message);
            e
        })
    }

    /// Puts a message response in place of the deferred one.
    fn edit(&self, settings: &Settings, body: &Value) -> Result<()> {
        match body["type"].as_u64() {
            Some(4 | 7) => edit_original(settings, &self.target, body["data"].clone()).map(drop),
            Some(5 | 6) => Ok(()),
            other => Err(Error::usage(format!(
                "a type {} response cannot follow a deferred one; answer within 2 s, or print a message",
                other.map_or("?".to_string(), |t| t.to_string())
            ))),
        }
    }

    /// `text` with the interaction token blanked out.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.target.token, "████")
    }
}

/// Whether `respond` refused because the interaction has its initial response already (the
/// handler answered it itself with `discord respond`).
fn answered_already(e: &Error) -> bool {
    e.kind == ErrorKind::Usage && e.message.contains("already has its initial response")
}

/// The interaction response for a handler's output.
fn response_body(text: &str) -> Result<Value> {
    if text.starts_with('{') {
        let body: Value = serde_json::from_str(text).map_err(|e| {
            Error::usage(format!(
                "the handler printed JSON that does not parse ({e}); print an interaction response object such as {{\"type\":4,\"data\":{{\"content\":\"hi\"}}}}, or plain text"
            ))
        })?;
        if !body["type"].is_u64() {
            return Err(Error::usage(
                "the handler printed JSON without a numeric \"type\": an interaction response is {\"type\":4,\"data\":{...}}",
            ));
        }
        return Ok(body);
    }
    check_length(text)?;
    Ok(json!({"type": 4, "data": {"content": text}}))
}

/// Discord's message length limit, checked before sending.
fn check_length(text: &str) -> Result<()> {
    let n = text.chars().count();
    if n > MAX_CONTENT {
        return Err(Error::usage(format!(
            "the handler printed {n} characters; a message holds at most {MAX_CONTENT}"
        )));
    }
    Ok(())
}

/// With `--reply`: posts `text` in the event's channel as a reply to its message (split into
/// several messages when over the limit, the first being the reply). Mentions in it ping no
/// one, as with any content `send-message` did not get typed by a person.
pub fn reply(settings: &Settings, d: &Dispatch, text: &str) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let data = d.d();
    let message = match d.event.as_str() {
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" => data.get("id"),
        _ => data.get("message_id"),
    }
    .and_then(Value::as_str);
    let (Some(channel), Some(message)) = (d.channel_id(), message) else {
        return Err(Error::usage(format!(
            "--reply answers message events; a {} has no message to reply to",
            d.event
        )));
    };
    let mut args = crate::commands::send_message::reply_args(channel, message)?;
    args.content = Some(text.to_string());
    args.content_from_stdin = true;
    let client = settings.client()?;
    for spec in crate::commands::send_message::requests(&args)? {
        client.send(&spec)?;
    }
    Ok(())
}

/// Defers interactions whose handler has not answered within [`DEFER_AFTER`], including those
/// still queued behind another event of their channel.
pub struct Watchdog {
    pending: Arc<Mutex<Vec<Arc<Pending>>>>,
    stop: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Watchdog {
    /// Starts the watchdog thread.
    pub fn start(settings: Arc<Settings>) -> Watchdog {
        let pending: Arc<Mutex<Vec<Arc<Pending>>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (pending, stop) = (Arc::clone(&pending), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(TICK);
                    let due: Vec<Arc<Pending>> = {
                        let mut list = pending.lock().unwrap_or_else(|p| p.into_inner());
                        // One being answered right now is looked at again next time.
                        list.retain(|p| p.state.try_lock().map_or(true, |s| *s == State::Open));
                        list.iter()
                            .filter(|p| p.received.elapsed() >= DEFER_AFTER)
                            .cloned()
                            .collect()
                    };
                    for p in due {
                        p.defer(&settings);
                    }
                }
            })
        };
        Watchdog {
            pending,
            stop,
            thread: Mutex::new(Some(thread)),
        }
    }

    /// Watches one interaction until it is answered.
    pub fn watch(&self, pending: Arc<Pending>) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(pending);
    }

    /// Stops the thread (after the handlers are done).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_becomes_a_response() {
        assert_eq!(
            response_body("pong").unwrap(),
            json!({"type": 4, "data": {"content": "pong"}})
        );
        let modal = r#"{"type":9,"data":{"custom_id":"m","title":"t","components":[]}}"#;
        assert_eq!(response_body(modal).unwrap()["type"], 9);
        assert!(response_body("{not json").is_err());
        assert!(response_body(r#"{"data":{}}"#).is_err());
        assert!(response_body(&"x".repeat(MAX_CONTENT + 1)).is_err());
    }
}
