//! Where `listen` writes dispatch lines: the `--events` filter, the `--max-events` count, and
//! batched writes so a burst costs one write per buffer instead of one per line.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::frame::{self, Frame};
use super::runner::Stop;
use crate::Result;

/// Lines buffered before they are written out regardless of time.
const SINK_BYTES: usize = 64 * 1024;
/// How long a line may wait in the buffer while more keep arriving: a lone event is written
/// at once, a burst in one write per this interval (or per [`SINK_BYTES`]).
const SINK_LATENCY: Duration = Duration::from_millis(2);

/// Where dispatch lines go: `--events`, `--max-events`, and batched writes, so a burst costs
/// one write per [`SINK_BYTES`] or [`SINK_LATENCY`] instead of one per line.
pub struct Sink {
    inner: Mutex<SinkInner>,
    events: Option<Vec<String>>,
    stop: Arc<Stop>,
    observer: Option<Observer>,
    chooser: Option<Chooser>,
    /// Whether the output is this process's stdout, so [`Sink::output_closed`] may look at it.
    stdout: bool,
}

/// Called with every dispatch (type, the frame as read) before `--events` filters it, so a
/// cache can follow events that are not printed.
pub type Observer = Box<dyn Fn(&str, &Frame) + Send + Sync>;

/// Called with each dispatch (type, payload) that passed `--events` while `--max-events` still
/// allows one, under the sink's lock, so calls come one at a time in output order. It decides
/// whether the dispatch is kept (`true`: printed and counted) and may hand a kept one to other
/// consumers; the program above uses it for its filters and handlers. It must not block.
pub type Chooser = Box<dyn Fn(&str, &str) -> bool + Send + Sync>;

struct SinkInner {
    out: Box<dyn Write + Send>,
    buf: Vec<u8>,
    written: u64,
    max: Option<u64>,
    last_write: Instant,
}

impl SinkInner {
    fn write_out(&mut self) -> std::io::Result<()> {
        self.last_write = Instant::now();
        if self.buf.is_empty() {
            return Ok(());
        }
        let result = self
            .out
            .write_all(&self.buf)
            .and_then(|()| self.out.flush());
        self.buf.clear();
        result
    }
}

impl Sink {
    /// A sink writing to `out`.
    pub fn new(
        out: Box<dyn Write + Send>,
        events: Option<Vec<String>>,
        max: Option<u64>,
        stop: Arc<Stop>,
    ) -> Sink {
        Sink {
            inner: Mutex::new(SinkInner {
                out,
                buf: Vec::with_capacity(SINK_BYTES + 4096),
                written: 0,
                max,
                last_write: Instant::now(),
            }),
            events,
            stop,
            stdout: false,
            observer: None,
            chooser: None,
        }
    }

    /// Marks the output as this process's standard output, so that a reader that went away
    /// is noticed while the stream is quiet ([`Sink::output_closed`]).
    pub fn on_stdout(mut self) -> Sink {
        self.stdout = true;
        self
    }

    /// Whether the output is known to be closed without writing to it: only for stdout
    /// ([`stdout_closed`]); other outputs show it at the next write.
    pub fn output_closed(&self) -> bool {
        self.stdout && stdout_closed()
    }

    /// Passes every dispatch to `observer` too, filtered or not.
    pub fn with_observer(mut self, observer: Observer) -> Sink {
        self.observer = Some(observer);
        self
    }

    /// Shows a dispatch (its type and frame) to the observer, if there is one. Called for
    /// every dispatch before [`Sink::emit`], which filters.
    pub fn observe(&self, t: &str, frame: &Frame) {
        if let Some(observe) = &self.observer {
            observe(t, frame);
        }
    }

    /// Keeps only the dispatches `chooser` keeps (see [`Chooser`]).
    pub fn with_chooser(mut self, chooser: Chooser) -> Sink {
        self.chooser = Some(chooser);
        self
    }

    /// Queues one dispatch as received (with the shard spliced in when asked), writing the
    /// buffer out when it is full, old, or the last line `--max-events` allows. `now` is when
    /// the payload arrived: the caller has read the clock already, and at a million events a
    /// second each clock read shows.
    pub fn emit(
        &self,
        payload: &str,
        t: &str,
        shard: Option<[u32; 2]>,
        now: Instant,
    ) -> Result<()> {
        if let Some(events) = &self.events {
            if !events.iter().any(|e| e == t) {
                return Ok(());
            }
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.max.is_some_and(|m| inner.written >= m) {
            return Ok(());
        }
        if let Some(choose) = &self.chooser {
            if !choose(t, payload) {
                return Ok(());
            }
        }
        inner.written += 1;
        let last = inner.max.is_some_and(|m| inner.written >= m);
        let result = if payload.len() >= SINK_BYTES {
            // A payload this big (a GUILD_CREATE of a large guild can be tens of MB) is written
            // straight from the frame rather than copied into the buffer first.
            inner.write_out().and_then(|()| {
                let inner = &mut *inner;
                frame::write_line(payload, shard, &mut inner.out).and_then(|()| inner.out.flush())
            })
        } else {
            frame::write_line(payload, shard, &mut inner.buf).and_then(|()| {
                let due = last
                    || inner.buf.len() >= SINK_BYTES
                    || now.saturating_duration_since(inner.last_write) >= SINK_LATENCY;
                if due {
                    inner.write_out()
                } else {
                    Ok(())
                }
            })
        };
        if let Err(e) = result {
            self.stop.request();
            return Err(e.into());
        }
        if last {
            self.stop.request();
        }
        Ok(())
    }

    /// Writes out and flushes whatever is buffered (called when the connection is quiet and
    /// at the end).
    pub fn flush(&self) -> Result<()> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = inner.write_out() {
            self.stop.request();
            return Err(e.into());
        }
        Ok(())
    }
}

/// Whether standard output is a pipe or socket whose reader has gone (`listen | head -1` after
/// `head` exits). Asked when the stream is quiet, so that a closed output ends `listen` at
/// once rather than at the next event's write. `poll` reports `POLLERR` (pipes) or `POLLHUP`
/// (sockets) for such an output without writing to it.
#[cfg(unix)]
pub fn stdout_closed() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a count of 1 and a zero timeout: poll only reads and writes it.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready == 1 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

/// Elsewhere a closed output is noticed at the next write.
#[cfg(not(unix))]
pub fn stdout_closed() -> bool {
    false
}

/// An output that keeps what is written in memory, for tests and for programs that embed the
/// client: clones share the same bytes.
#[derive(Clone, Default)]
pub struct Buf(pub Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sink_filters_counts_and_stops() {
        let buf = Buf::default();
        let stop = Arc::new(Stop::default());
        let sink = Sink::new(
            Box::new(buf.clone()),
            Some(vec!["A".into()]),
            Some(2),
            Arc::clone(&stop),
        );
        sink.emit(r#"{"t":"A","s":1}"#, "A", Some([0, 2]), Instant::now())
            .unwrap();
        sink.emit(r#"{"t":"B","s":2}"#, "B", None, Instant::now())
            .unwrap();
        assert!(!stop.requested());
        sink.emit(r#"{"t":"A","s":3}"#, "A", None, Instant::now())
            .unwrap();
        sink.emit(r#"{"t":"A","s":4}"#, "A", None, Instant::now())
            .unwrap();
        assert!(stop.requested());
        assert_eq!(
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
            "{\"t\":\"A\",\"s\":1,\"shard\":[0,2]}\n{\"t\":\"A\",\"s\":3}\n"
        );
    }

    #[test]
    fn the_chooser_drops_lines_before_they_count() {
        let buf = Buf::default();
        let stop = Arc::new(Stop::default());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        let sink = Sink::new(Box::new(buf.clone()), None, Some(1), Arc::clone(&stop)).with_chooser(
            Box::new(move |t, _| {
                kept.lock().unwrap().push(t.to_string());
                t == "B"
            }),
        );
        for t in ["A", "B", "C"] {
            let line = format!(r#"{{"t":"{t}"}}"#);
            sink.emit(&line, t, None, Instant::now()).unwrap();
        }
        // A was dropped without counting; B used up --max-events 1, so C was never offered.
        assert_eq!(*seen.lock().unwrap(), ["A", "B"]);
        assert!(stop.requested());
        assert_eq!(
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
            "{\"t\":\"B\"}\n"
        );
    }

    #[test]
    fn big_payloads_are_written_in_order_without_the_buffer() {
        let buf = Buf::default();
        let sink = Sink::new(Box::new(buf.clone()), None, None, Arc::default());
        let big = format!(r#"{{"t":"A","s":2,"d":"{}"}}"#, "x".repeat(SINK_BYTES));
        sink.emit(r#"{"t":"A","s":1}"#, "A", Some([1, 2]), Instant::now())
            .unwrap();
        sink.emit(&big, "A", Some([1, 2]), Instant::now()).unwrap();
        sink.emit(r#"{"t":"A","s":3}"#, "A", Some([1, 2]), Instant::now())
            .unwrap();
        sink.flush().unwrap();
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], r#"{"t":"A","s":1,"shard":[1,2]}"#);
        assert_eq!(
            lines[1],
            format!("{},\"shard\":[1,2]}}", &big[..big.len() - 1])
        );
        assert_eq!(lines[2], r#"{"t":"A","s":3,"shard":[1,2]}"#);
        // The buffer never grew to hold the big one.
        assert!(sink.inner.lock().unwrap().buf.capacity() < 2 * SINK_BYTES);
    }
}
