//! Containment: the places where the runtime runs user code that is not the task's own poll —
//! a destructor (of a future, a value, a panic payload), a waker, a `Clone` — go through here,
//! so that a panic there never unwinds into the scheduler, `run`, or a worker thread (API.md,
//! "Cancellation: the contract", rule 10).
//!
//! A contained panic either becomes the task's outcome (`TaskError::Panicked`), when the task
//! has none yet, or is reported on stderr with the task's name, when it already has one.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Panicked;

/// Runs `f`, catching a panic: `Err` with its message. The panic's payload is dropped here,
/// contained as well (see [`drop_payload`]).
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Panicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let panicked = Panicked::from_payload(&*payload);
        drop_payload(payload);
        panicked
    })
}

/// Drops `value`, catching a panic of its destructor.
pub(crate) fn drop_caught<T>(value: T) -> Result<(), Panicked> {
    catch(move || drop(value))
}

/// Drops a panic payload. A payload is user data too, and its destructor may panic: the payload
/// of *that* panic is leaked rather than dropped (one allocation, once per such destructor),
/// since dropping it could panic again without end.
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(second) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        report(
            "",
            "the destructor of a panic payload",
            &Panicked::from_payload(&*second),
        );
        std::mem::forget(second);
    }
}

/// Reports on stderr a panic that cannot become a task's outcome (the task already has one).
/// `task` is the task's name, or empty when there is no task to name.
pub(crate) fn report(task: &str, what: &str, panicked: &Panicked) {
    if task.is_empty() {
        eprintln!("asyncio: {what} panicked: {}", panicked.message());
    } else {
        eprintln!(
            "asyncio: {what} of task {task} panicked: {}",
            panicked.message()
        );
    }
}
