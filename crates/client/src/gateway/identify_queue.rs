//! `listen --identify-queue URL`: an external queue asked before each IDENTIFY, so that shards
//! in different processes (on different hosts) never identify in the same `max_concurrency`
//! bucket within Discord's 5 seconds. The protocol is twilight's gateway-queue's: a GET of the
//! queue's URL with `?shard=ID`, which the queue answers (with any 2xx) once that shard may
//! identify; it holds the request until then.

use std::sync::mpsc;
use std::time::Duration;

use super::runner::Stop;
use crate::{Error, Notice, Result};

/// How long to wait before asking again after the queue failed, at most.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// An external identify queue.
#[derive(Debug, Clone)]
pub struct IdentifyQueue {
    url: reqwest::Url,
    http: reqwest::blocking::Client,
}

impl IdentifyQueue {
    /// A queue at `url` (http or https).
    pub fn new(url: &str) -> Result<IdentifyQueue> {
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| {
                Error::usage(format!(
                    "--identify-queue {} is not an http(s) URL",
                    crate::error::shown(url)
                ))
            })?;
        // The queue holds each request until the shard's turn, which may take minutes.
        let http = reqwest::blocking::Client::builder()
            .timeout(None)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(crate::user_agent())
            .build()
            .map_err(|e| Error::runtime(format!("cannot set up the HTTP client: {e}")))?;
        Ok(IdentifyQueue { url: parsed, http })
    }

    /// The request for shard `id`: the queue's URL with `shard=ID` added to its query.
    pub fn request_url(&self, id: u32) -> reqwest::Url {
        let mut url = self.url.clone();
        url.query_pairs_mut().append_pair("shard", &id.to_string());
        url
    }

    /// Waits until the queue lets shard `id` identify; false when stopped first (within a
    /// poll interval, however long the queue holds the request). A queue that fails is asked
    /// again with growing waits: identifying without it could cost the bot its token.
    pub fn wait_turn(&self, id: u32, stop: &Stop, notice: &Notice) -> Result<bool> {
        let mut wait = Duration::from_secs(1);
        loop {
            let (tx, rx) = mpsc::channel();
            let request = self.http.get(self.request_url(id));
            std::thread::spawn(move || {
                let answer = request.send().map(|r| r.status());
                let _ = tx.send(answer);
            });
            let answer = loop {
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(answer) => break answer,
                    Err(mpsc::RecvTimeoutError::Timeout) if stop.requested() => return Ok(false),
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        return Err(Error::runtime(
                            "the identify queue request ended unexpectedly",
                        ))
                    }
                }
            };
            let why = match answer {
                Ok(status) if status.is_success() => return Ok(true),
                Ok(status) => format!("answered {status}"),
                Err(e) => format!("cannot be reached ({e})"),
            };
            notice.say(&format!(
                "gateway: the identify queue {why}; asking again in {} s",
                wait.as_secs()
            ));
            if !stop.sleep(wait) {
                return Ok(false);
            }
            wait = (wait * 2).min(MAX_RETRY_WAIT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shard_goes_in_the_query_and_bad_urls_are_refused() {
        let q = IdentifyQueue::new("http://queue.internal:5000/").unwrap();
        assert_eq!(
            q.request_url(42).as_str(),
            "http://queue.internal:5000/?shard=42"
        );
        let q = IdentifyQueue::new("http://q/identify?bot=a").unwrap();
        assert_eq!(q.request_url(1).as_str(), "http://q/identify?bot=a&shard=1");
        assert!(IdentifyQueue::new("queue:5000").is_err());
        assert!(IdentifyQueue::new("ftp://q").is_err());
    }
}
