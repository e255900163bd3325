//! A task's two state words: its lifecycle ([`State`], in [`Header`](super::header::Header),
//! written under the core's lock) and its scheduling state ([`Schedule`], a spawned task's place
//! between the run queue and a runner, lock-free).
//!
//! # Lifecycle
//!
//! ```text
//!            request (cancel())                 delivery takes the request
//!  RUNNING ───────────► RUNNING+CANCEL_PENDING ─────────────────────────────► RUNNING
//!     │                        │  (more requests: no change, first message kept)
//!     │ complete(Ok|Panicked)  │ complete(_)
//!     ▼                        ▼
//!  COMPLETE (+PANICKED)     COMPLETE+CANCELLED  (a value completed under a pending cancel
//!                                               is dropped: CAN-12; a panic stays a panic)
//!  COMPLETE with a value ──the last handle takes it, or no handle is left──► +VALUE_GONE
//!  COMPLETE+PANICKED ──a handle reads the error──► +ERROR_READ
//! ```
//!
//! The word is written only while the core's slot is locked, so every transition is atomic with
//! the data it describes (the pending request, the outcome, the waiters); readers that only need
//! a yes/no (`done()`, `cancelled()`, the body's "is a cancel pending?" check on every poll) load
//! it without locking.
//!
//! # Races and who wins
//!
//! | race | who wins | why it is safe |
//! |---|---|---|
//! | `cancel()` × completion | whoever takes the slot's lock first | `cancel()` first: `CANCEL_PENDING` is set and the completion turns a value into `Cancelled` (CAN-12), so `true` means "ends cancelled unless caught". Completion first: `cancel()` sees `COMPLETE` and returns `false`. |
//! | `cancel()` × first poll | the cancel | the body checks `CANCEL_PENDING` before every poll; a task cancelled before its first poll is dropped unpolled (CAN-01). |
//! | `cancel()` × a poll in progress (other thread) | the cancel, at the next suspension | the request wakes the task (a spawned task schedules itself, the main task wakes `run`'s waker); after the poll returns `Pending` the body sees `CANCEL_PENDING` and delivers it by dropping the future, unless the request arrived during that poll while a catching scope is pending inside the task: then the request's wake polls the task again so the scope sees it (see `cancel/`). Pinned by `tests/race.rs`. |
//! | `cancel()` × a catching scope taking the request | one delivery | taking clears the bit under the lock; a later `cancel()` is a new request (CAN-07, CAN-14). |
//! | completion × awaiter registration | no lost wake-up | the awaiter checks `COMPLETE` and registers its waker under the lock; the completion sets `COMPLETE` and drains the waiters under the same lock, and wakes them after unlocking. |
//! | completion × listener (gather, wait, task group) | exactly one notice | `listen` returns `AlreadyEnded` if `COMPLETE` is set, else registers under the lock; the completion drains listeners once. |
//! | two awaiters × the value | both get it | the value is moved out only by the awaiter holding the last `Task<T>` handle; otherwise it is cloned outside the lock (a second handle implies `T: Clone`, recorded by `Task::clone`). |
//! | detach (drop of a `Task` not being awaited) × anything | nothing happens | a handle only decrements `handles`; the task runs on and still completes its core. |
//! | drop of an awaiting future × completion | the completion, or a forwarded cancel | the drop removes its waiter, then cancels the task only if it is not `COMPLETE` (CAN-09, CAN-13); a completion that got there first makes that `cancel()` a no-op. |
//! | shutdown × running tasks | shutdown cancels, then waits | `run` cancels every task in the registry that is not done, waits for each to complete, and repeats until no task is left (tasks spawned meanwhile included). |
//! | runtime teardown × an unfinished task (only when `run` unwinds) | the task ends cancelled | the registry aborts it: its future is dropped in place and its core completed as `Cancelled`, so no awaiter waits forever. |
//!
//! `loom` models of these races: `core_loom.rs`; of the scheduling state: `runtime/cell_loom.rs`.
//!
//! # Scheduling
//!
//! ```text
//!   idle ──wake──► SCHEDULED ──popped, start()──► RUNNING ──Pending, stop()──► idle
//!                      ▲                              │ wake
//!                      └──── Pending, requeued ◄──── RUNNING+SCHEDULED
//!   any ──body Ready (or teardown), finish()──► FINISHED (wakes are ignored from now on)
//! ```
//!
//! A wake sets `SCHEDULED` and only the waker that set it on an idle task pushes the task, so a
//! task is in the queue at most once; a wake during a poll is not lost, the runner requeues the
//! task when the poll returns. Only the runner that moved `SCHEDULED` to `RUNNING` polls, so the
//! future is never polled on two threads at once.

use crate::sync::{AtomicU8, Ordering};

/// How a task ended, for listeners that only count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    Value,
    Cancelled,
    Panicked,
}

/// A snapshot of a task's lifecycle word; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State(u8);

impl State {
    /// A cancel was requested and not yet delivered to the task's body.
    const CANCEL_PENDING: u8 = 1;
    /// The task has ended; its outcome is stored.
    const COMPLETE: u8 = 2;
    /// With `COMPLETE`: it ended cancelled.
    const CANCELLED: u8 = 4;
    /// With `COMPLETE`: it ended by a panic.
    const PANICKED: u8 = 8;
    /// With `COMPLETE` and a value: the value is gone, moved out by the last handle or dropped
    /// because no handle was left to read it.
    const VALUE_GONE: u8 = 16;
    /// With `PANICKED`: a handle has read the error (the panic was retrieved).
    const ERROR_READ: u8 = 32;

    /// A new task: running, nothing pending.
    pub(crate) const RUNNING: State = State(0);

    #[inline]
    pub(crate) fn from_bits(bits: u8) -> State {
        State(bits)
    }

    #[inline]
    pub(crate) fn bits(self) -> u8 {
        self.0
    }

    #[inline]
    pub(crate) fn is_done(self) -> bool {
        self.0 & Self::COMPLETE != 0
    }

    #[inline]
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & Self::CANCELLED != 0
    }

    #[inline]
    pub(crate) fn cancel_pending(self) -> bool {
        self.0 & Self::CANCEL_PENDING != 0
    }

    /// Ended by a panic that no handle has read yet (`runtime/unhandled.rs`).
    #[inline]
    pub(crate) fn panic_unread(self) -> bool {
        self.0 & (Self::PANICKED | Self::ERROR_READ) == Self::PANICKED
    }

    /// Ended with a value that some handle may still read.
    #[inline]
    pub(crate) fn has_value(self) -> bool {
        self.is_done() && self.0 & (Self::CANCELLED | Self::PANICKED | Self::VALUE_GONE) == 0
    }

    /// How an ended task ended.
    #[inline]
    pub(crate) fn ended(self) -> Ended {
        if self.0 & Self::CANCELLED != 0 {
            Ended::Cancelled
        } else if self.0 & Self::PANICKED != 0 {
            Ended::Panicked
        } else {
            Ended::Value
        }
    }

    /// A request was recorded.
    #[inline]
    pub(crate) fn cancel_requested(self) -> State {
        State(self.0 | Self::CANCEL_PENDING)
    }

    /// The pending request was taken for delivery.
    #[inline]
    pub(crate) fn cancel_taken(self) -> State {
        State(self.0 & !Self::CANCEL_PENDING)
    }

    /// The task ended this way (anything pending is over).
    #[inline]
    pub(crate) fn completed(ended: Ended) -> State {
        State(match ended {
            Ended::Value => Self::COMPLETE,
            Ended::Cancelled => Self::COMPLETE | Self::CANCELLED,
            Ended::Panicked => Self::COMPLETE | Self::PANICKED,
        })
    }

    /// A handle read the error.
    #[inline]
    pub(crate) fn error_read(self) -> State {
        State(self.0 | Self::ERROR_READ)
    }

    /// The value was moved out or dropped.
    #[inline]
    pub(crate) fn value_gone(self) -> State {
        State(self.0 | Self::VALUE_GONE)
    }
}

/// A spawned task's scheduling state; see the module docs. Kept in the task's `Header`, whose
/// padding it fits in.
pub(crate) struct Schedule(AtomicU8);

impl Schedule {
    /// In the run queue, or to be put back there when the current poll returns.
    const SCHEDULED: u8 = 1;
    /// Being polled.
    const RUNNING: u8 = 2;
    /// The body has ended; wakes are ignored.
    const FINISHED: u8 = 4;

    /// A new task is scheduled at once.
    #[inline]
    pub(crate) fn new_scheduled() -> Self {
        Schedule(AtomicU8::new(Self::SCHEDULED))
    }

    /// A wake: `true` if the caller must push the task to the queue.
    #[inline]
    pub(crate) fn wake(&self) -> bool {
        let previous = self.0.fetch_or(Self::SCHEDULED, Ordering::AcqRel);
        previous & (Self::SCHEDULED | Self::RUNNING | Self::FINISHED) == 0
    }

    /// A runner took the task from the queue: `true` if it is to be polled (not finished).
    #[inline]
    pub(crate) fn start(&self) -> bool {
        self.0
            .compare_exchange(
                Self::SCHEDULED,
                Self::RUNNING,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// The poll returned `Pending`: `true` if the task was woken meanwhile and must be pushed
    /// back to the queue.
    #[inline]
    pub(crate) fn stop(&self) -> bool {
        self.0.fetch_and(!Self::RUNNING, Ordering::AcqRel) & Self::SCHEDULED != 0
    }

    /// The body has ended.
    #[inline]
    pub(crate) fn finish(&self) {
        self.0.store(Self::FINISHED, Ordering::Release);
    }
}

#[cfg(all(test, asyncio_loom))]
#[path = "state_loom.rs"]
mod loom_models;
