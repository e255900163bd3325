//! Loom models of the run queue's sleepers (`scheduler.rs`): a push racing runners that are
//! going to sleep never leaves a task queued with every runner asleep and none woken. The queue
//! itself (`concurrent-queue`) is not instrumented: its operations are atomic steps here; the
//! fences, the sleeper list and the `sleeping`/`notified` flags are.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

use loom::sync::mpsc;
use loom::thread;

use super::{Runnable, Scheduler};
use crate::sync::model;

/// A task that counts its runs.
struct Counted(Arc<StdAtomicUsize>);

impl Runnable for Counted {
    fn run(self: Arc<Self>) {
        self.0.fetch_add(1, StdOrdering::SeqCst);
    }
}

/// A runner's waker: counts wake-ups.
#[derive(Default)]
struct Alarm(StdAtomicUsize);

impl Wake for Alarm {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, StdOrdering::SeqCst);
    }
}

/// Two runners go to sleep while a task is pushed: the task is run by a runner that saw it, or
/// the push wakes a runner that sleeps. (A woken runner polls again and finds it.)
#[test]
fn loom_a_push_racing_runners_going_to_sleep_is_never_lost() {
    model("scheduler: push × two runners going to sleep", || {
        let scheduler = Arc::new(Scheduler::new(false));
        let ran = Arc::new(StdAtomicUsize::new(0));
        let mut releases = Vec::new();
        let runners: Vec<_> = (0..2)
            .map(|_| {
                let scheduler = scheduler.clone();
                let (release, released) = mpsc::channel::<()>();
                releases.push(release);
                thread::spawn(move || {
                    let alarm = Arc::new(Alarm::default());
                    let waker = Waker::from(alarm.clone());
                    let mut runner = pin!(scheduler.serve(std::future::pending::<()>()));
                    let polled = runner.as_mut().poll(&mut Context::from_waker(&waker));
                    assert!(polled.is_pending());
                    // Stay asleep (registered) until the push is over, as a parked thread
                    // would; then report whether the push woke us.
                    released.recv().unwrap();
                    alarm.0.load(StdOrdering::SeqCst)
                })
            })
            .collect();
        // The push on a thread of its own, so that it meets the runners in every order.
        let pusher = {
            let (scheduler, ran) = (scheduler.clone(), ran.clone());
            thread::spawn(move || scheduler.push(Arc::new(Counted(ran))))
        };
        pusher.join().unwrap();
        for release in releases {
            release.send(()).unwrap();
        }
        let woken: Vec<usize> = runners.into_iter().map(|r| r.join().unwrap()).collect();
        let runs = ran.load(StdOrdering::SeqCst);
        assert!(runs <= 1, "a task runs once");
        if runs == 0 {
            assert!(
                woken.iter().any(|&n| n > 0),
                "lost wake-up: the task is queued and every runner sleeps"
            );
        }
    });
}
