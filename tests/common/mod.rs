//! Helpers shared by the conformance tests.
#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asyncio::{Flavor, RunConfig};

/// The multi-thread configuration the tests use.
pub fn multi_thread() -> RunConfig {
    RunConfig::new()
        .flavor(Flavor::MultiThread)
        .worker_threads(2)
}

/// Runs the same program on both flavors.
pub fn on_both_flavors<F, Fut>(program: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    RunConfig::new().run(program());
    multi_thread().run(program());
}

/// Runs the same program on both flavors, telling it which one it runs on.
pub fn on_each_flavor<F, Fut>(program: F)
where
    F: Fn(Flavor) -> Fut,
    Fut: Future<Output = ()>,
{
    RunConfig::new().run(program(Flavor::CurrentThread));
    multi_thread().run(program(Flavor::MultiThread));
}

/// An ordered log of events, shared between tasks (Python's prints).
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, line: impl Into<String>) {
        self.0.lock().unwrap().push(line.into());
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    pub fn contains(&self, line: &str) -> bool {
        self.0.lock().unwrap().iter().any(|l| l == line)
    }
}

/// Logs `line` when dropped: the Rust spelling of a `finally` block.
pub struct Finally {
    log: Log,
    line: String,
}

impl Finally {
    pub fn new(log: &Log, line: impl Into<String>) -> Self {
        Finally {
            log: log.clone(),
            line: line.into(),
        }
    }
}

impl Drop for Finally {
    fn drop(&mut self) {
        self.log.push(std::mem::take(&mut self.line));
    }
}

/// A flag set from inside a task.
#[derive(Clone, Default)]
pub struct Flag(Arc<AtomicBool>);

impl Flag {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Yields until `condition` holds; panics after a generous 10 s (a hang, not a timing check).
pub async fn until(mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "condition not reached within 10 s"
        );
        asyncio::sleep(Duration::from_millis(1)).await;
    }
}

/// A long sleep: tasks parked here only end by cancellation.
pub async fn park() {
    asyncio::sleep(Duration::from_secs(3600)).await;
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Runs `program` on `config` in a thread of its own with a watchdog: a hang (a deadlock, a
/// dead worker) fails the test after `limit` instead of blocking it, and a panic fails it with
/// its message.
pub fn within<Fut: Future<Output = ()>>(
    limit: Duration,
    config: RunConfig,
    program: impl FnOnce() -> Fut + Send + 'static,
) {
    let (done, finished) = std::sync::mpsc::channel();
    let runner = std::thread::spawn(move || {
        config.run(program());
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            let payload = runner.join().unwrap_err();
            panic!("the program panicked: {}", panic_message(&*payload))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the program hung for {limit:?} (a deadlock, or a dead worker?)")
        }
    }
}
