//! `listen --exec`: a program run once per chosen dispatch, as a [`Consumer`]. Up to `--jobs`
//! handlers run at once; events of one channel wait for each other so they are handled in the
//! order they came (lanes, keyed by channel, else guild). Running a handler is
//! [`super::handler`]; sending what it printed is [`super::answer`].

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::answer::{Pending, Watchdog};
use super::handler::{Handler, Outcome, Program};
use super::{Consumer, Dispatch};
use crate::cli::ListenArgs;
use crate::config::Settings;
use crate::output::diag;
use crate::{Error, Result};

/// Whether `listen` runs a handler (or forwards to an endpoint) that is given message events,
/// and so should ask for the MESSAGE_CONTENT intent.
pub fn wants_content(args: &ListenArgs) -> bool {
    let handler = args.exec.exec.is_some()
        || args.exec.exec_argv.is_some()
        || args.forward.forward_to.is_some();
    handler
        && args.events.iter().any(|e| {
            let e = e.trim().to_ascii_uppercase();
            e == "MESSAGE_CREATE" || e == "MESSAGE_UPDATE"
        })
}

/// The `--exec` consumer for these flags, `None` without `--exec`/`--exec-argv`.
pub fn consumer(settings: &Settings, args: &ListenArgs) -> Result<Option<Box<dyn Consumer>>> {
    let a = &args.exec;
    let program = match (&a.exec, &a.exec_argv) {
        (Some(cmd), _) if !cmd.trim().is_empty() => Program::Shell(cmd.clone()),
        (None, Some(argv)) if argv.first().is_some_and(|p| !p.is_empty()) => {
            Program::Argv(argv.clone())
        }
        (None, None) if a.reply => {
            return Err(Error::usage(
                "--reply posts what a handler prints: give the handler with --exec CMD or --exec-argv PROGRAM",
            ))
        }
        (None, None) => return Ok(None),
        _ => {
            return Err(Error::usage(
                "--exec and --exec-argv need a command to run, e.g. --exec ./handler.sh",
            ))
        }
    };
    if a.jobs == 0 {
        return Err(Error::usage(
            "--jobs must be 1 or more (handlers running at once)",
        ));
    }
    if !(a.exec_timeout.is_finite() && a.exec_timeout > 0.0) {
        return Err(Error::usage(
            "--exec-timeout must be a number of seconds above 0, e.g. --exec-timeout 30",
        ));
    }
    let handler = Handler::new(settings, program, Duration::from_secs_f64(a.exec_timeout))?;
    Ok(Some(Box::new(Exec::start(
        Arc::new(settings.clone()),
        handler,
        a.jobs,
        a.reply,
    ))))
}

/// One event waiting for, or given to, a handler.
struct Job {
    dispatch: Arc<Dispatch>,
    /// The interaction it carries, watched so it is deferred in time.
    interaction: Option<Arc<Pending>>,
}

/// Events waiting, by lane. A lane is in `lanes` while it has a job queued or running, and in
/// `ready` while it has one queued and none running, so a lane runs one job at a time.
#[derive(Default)]
struct Queue {
    lanes: HashMap<String, VecDeque<Job>>,
    ready: VecDeque<String>,
    closed: bool,
}

/// What the workers share.
struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a lane becomes ready, when one empties, and at close.
    changed: Condvar,
    /// Set when the close grace ran out: running handlers are killed, queued ones dropped.
    abort: AtomicBool,
    handler: Handler,
    settings: Arc<Settings>,
    watchdog: Watchdog,
    reply: bool,
}

/// The `--exec` consumer.
pub struct Exec {
    shared: Arc<Shared>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl Exec {
    /// Starts `jobs` workers.
    fn start(settings: Arc<Settings>, handler: Handler, jobs: usize, reply: bool) -> Exec {
        let shared = Arc::new(Shared {
            queue: Mutex::default(),
            changed: Condvar::new(),
            abort: AtomicBool::new(false),
            handler,
            watchdog: Watchdog::start(Arc::clone(&settings)),
            settings,
            reply,
        });
        let workers = (0..jobs)
            .map(|_| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || work(&shared))
            })
            .collect();
        Exec {
            shared,
            workers: Mutex::new(workers),
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The lane of an event: its channel, else its guild, else its own (no order to keep).
fn lane(dispatch: &Dispatch) -> String {
    match (dispatch.channel_id(), dispatch.guild_id()) {
        (Some(c), _) => format!("c{c}"),
        (None, Some(g)) => format!("g{g}"),
        (None, None) => format!("s{}", dispatch.seq.unwrap_or(0)),
    }
}

impl Consumer for Exec {
    fn consume(&self, dispatch: Arc<Dispatch>) {
        let mut q = self.shared.lock();
        if q.closed {
            return;
        }
        let interaction = Pending::of(&dispatch).map(|p| {
            let p = Arc::new(p);
            self.shared.watchdog.watch(Arc::clone(&p));
            p
        });
        let key = lane(&dispatch);
        let job = Job {
            dispatch,
            interaction,
        };
        match q.lanes.entry(key) {
            Entry::Occupied(mut lane) => lane.get_mut().push_back(job),
            Entry::Vacant(lane) => {
                let key = lane.key().clone();
                lane.insert(VecDeque::from([job]));
                q.ready.push_back(key);
                self.shared.changed.notify_all();
            }
        }
    }

    fn close(&self, grace: Duration) {
        let deadline = Instant::now() + grace;
        let mut q = self.shared.lock();
        q.closed = true;
        self.shared.changed.notify_all();
        while !q.lanes.is_empty() {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                let waiting: usize = q.lanes.values().map(VecDeque::len).sum();
                diag(&format!(
                    "listen: stopping: handlers still running after {} s are killed; {waiting} event(s) left unhandled",
                    grace.as_secs()
                ));
                self.shared.abort.store(true, Ordering::SeqCst);
                break;
            };
            q = self
                .shared
                .changed
                .wait_timeout(q, left)
                .map_or_else(|p| p.into_inner().0, |(g, _)| g);
        }
        drop(q);
        let workers = std::mem::take(&mut *self.workers.lock().unwrap_or_else(|p| p.into_inner()));
        for worker in workers {
            let _ = worker.join();
        }
        self.shared.watchdog.stop();
    }
}

/// A worker: takes the next ready lane's first job, runs it, and puts the lane back.
fn work(shared: &Shared) {
    loop {
        let (key, job) = {
            let mut q = shared.lock();
            loop {
                if shared.abort.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(key) = q.ready.pop_front() {
                    let job = q.lanes.get_mut(&key).and_then(VecDeque::pop_front);
                    if let Some(job) = job {
                        break (key, job);
                    }
                    continue;
                }
                if q.closed && q.lanes.is_empty() {
                    return;
                }
                q = shared.changed.wait(q).unwrap_or_else(|p| p.into_inner());
            }
        };
        run(shared, &job);
        let mut q = shared.lock();
        if q.lanes.get(&key).is_some_and(|l| !l.is_empty()) {
            q.ready.push_back(key);
        } else {
            q.lanes.remove(&key);
        }
        shared.changed.notify_all();
    }
}

/// Runs the handler for one job and acts on how it ended.
fn run(shared: &Shared, job: &Job) {
    let d = &job.dispatch;
    let what = format!("{} (seq {})", d.event, d.seq.unwrap_or(0));
    // What a handler prints on stderr may hold the bot token or the interaction's.
    let redact = |text: &str| match &job.interaction {
        Some(p) => p.redact(&shared.handler.redact(text)),
        None => shared.handler.redact(text),
    };
    match shared.handler.run(d, &shared.abort) {
        Outcome::Done(stdout) => {
            let text = String::from_utf8_lossy(&stdout);
            let answered = match &job.interaction {
                Some(pending) => pending.answer(&shared.settings, text.trim()),
                None if shared.reply => super::answer::reply(&shared.settings, d, text.trim()),
                None => Ok(()),
            };
            if let Err(e) = answered {
                diag(&format!(
                    "listen: handler for {what}: its answer was not sent: {}",
                    redact(&e.message)
                ));
            }
        }
        Outcome::Failed { status, last_line } => {
            diag(&format!(
                "listen: handler for {what} failed ({status}){}",
                if last_line.is_empty() {
                    String::new()
                } else {
                    format!(": {}", redact(&last_line))
                }
            ));
            if let Some(pending) = &job.interaction {
                pending.abandon();
            }
        }
        Outcome::TimedOut => {
            diag(&format!(
                "listen: handler for {what} was killed after --exec-timeout {} s",
                shared.handler.timeout().as_secs_f64()
            ));
            if let Some(pending) = &job.interaction {
                pending.defer(&shared.settings);
            }
        }
        Outcome::Aborted => {
            if let Some(pending) = &job.interaction {
                pending.defer(&shared.settings);
            }
        }
        Outcome::NotStarted(why) => {
            diag(&format!(
                "listen: handler for {what} could not be started: {why}"
            ));
            if let Some(pending) = &job.interaction {
                pending.abandon();
            }
        }
    }
}
