//! Loom models of a task's scheduling state (`Schedule`, see the diagram in `state.rs`): wakes
//! racing a poll, each other and the end of the task. The run queue is modelled by a counter of
//! queued entries; the invariants are "never queued twice" and "no wake-up lost".

use loom::sync::atomic::{AtomicBool, AtomicUsize};
use loom::sync::Arc;
use loom::thread;

use super::Schedule;
use crate::sync::model;
use crate::sync::Ordering;

/// A task and its run queue: `queued` counts the task's entries in the queue.
struct Model {
    schedule: Schedule,
    queued: AtomicUsize,
    /// The event a wake announces (say, a timer fired); a poll that sees it completes.
    event: AtomicBool,
}

impl Model {
    fn new() -> Arc<Self> {
        // A new task is scheduled and queued once.
        Arc::new(Model {
            schedule: Schedule::new_scheduled(),
            queued: AtomicUsize::new(1),
            event: AtomicBool::new(false),
        })
    }

    fn push(&self) {
        let before = self.queued.fetch_add(1, Ordering::SeqCst);
        assert_eq!(before, 0, "a task is never in the queue twice");
    }

    fn wake(&self) {
        if self.schedule.wake() {
            self.push();
        }
    }

    /// A runner pops the task and polls it once; `true` if the poll completed the task.
    fn run_once(&self) -> bool {
        let before = self.queued.fetch_sub(1, Ordering::SeqCst);
        assert_eq!(before, 1);
        assert!(
            self.schedule.start(),
            "a queued task that has not finished is polled"
        );
        if self.event.load(Ordering::SeqCst) {
            self.schedule.finish();
            return true;
        }
        if self.schedule.stop() {
            self.push();
        }
        false
    }
}

/// A wake that arrives while the task is being polled (and whose event the poll missed)
/// requeues the task; a wake that arrives after is pushed by the waker. Either way the task is
/// queued exactly once, and its next poll sees the event.
#[test]
fn loom_a_wake_during_a_poll_is_not_lost_and_queues_once() {
    model("schedule: wake during poll", || {
        let task = Model::new();
        let waker = {
            let task = task.clone();
            thread::spawn(move || {
                task.event.store(true, Ordering::SeqCst);
                task.wake();
            })
        };
        let done = task.run_once();
        waker.join().unwrap();
        if !done {
            assert_eq!(
                task.queued.load(Ordering::SeqCst),
                1,
                "the wake was not lost: the task is queued again"
            );
            assert!(task.run_once(), "the next poll sees the event");
        }
        assert_eq!(task.queued.load(Ordering::SeqCst), 0);
    });
}

/// Two wakes of an idle task push it once.
#[test]
fn loom_two_wakes_of_an_idle_task_push_it_once() {
    model("schedule: two wakes", || {
        let task = Model::new();
        assert!(!task.run_once());
        let wakers: Vec<_> = (0..2)
            .map(|_| {
                let task = task.clone();
                thread::spawn(move || task.wake())
            })
            .collect();
        for waker in wakers {
            waker.join().unwrap();
        }
        assert_eq!(task.queued.load(Ordering::SeqCst), 1);
    });
}

/// Wakes racing the task's last poll never queue a finished task, and a finished task is
/// never started again.
#[test]
fn loom_a_finished_task_is_never_queued_again() {
    model("schedule: wake × finish", || {
        let task = Model::new();
        task.event.store(true, Ordering::SeqCst);
        let waker = {
            let task = task.clone();
            thread::spawn(move || task.wake())
        };
        assert!(task.run_once());
        waker.join().unwrap();
        assert_eq!(task.queued.load(Ordering::SeqCst), 0);
        assert!(!task.schedule.start());
    });
}
