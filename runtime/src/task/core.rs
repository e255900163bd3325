//! A task's state behind every handle: the [`Header`] (lock-free) and the typed [`Slot`] under
//! a lock (the outcome, the waiters). Transitions are in `state.rs`, with the diagram and the
//! race table.

use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Waker};

use super::header::{Header, TaskName};
use super::outcome::{Outcome, Read, SharedValue, Slot};
use super::state::{Ended, State};
use super::waiters::{
    CompletionListener, DoneCallback, DoneCallbacks, Listen, ScheduleCallbacks, Waiter, Waiters,
};
use crate::contain;
use crate::error::TaskError;
use crate::id::TaskId;
use crate::sync::{Mutex, MutexGuard};
use crate::task::request::Request;

/// One task's state: the [`Header`] plus the typed outcome.
pub(crate) struct Core<T> {
    header: Header,
    slot: Mutex<Slot<T>>,
}

impl<T> Core<T> {
    pub(crate) fn new(name: Option<TaskName>) -> Self {
        Self::with_id(TaskId::next(), name, 0)
    }

    pub(crate) fn with_id(id: TaskId, name: Option<TaskName>, registry_slot: u32) -> Self {
        Core {
            header: Header::new(id, name, registry_slot),
            slot: Mutex::new(Slot {
                outcome: Outcome::Running {
                    pending: Request::default(),
                },
                waiters: Waiters::default(),
                cloner: None,
            }),
        }
    }

    #[inline]
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    #[inline]
    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // User code (a `Clone` impl) can run under this lock; a panic there must not make the
        // task unusable for its other handles.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores the state word. The state only changes under the slot's lock, and a `&Slot` can
    /// only be had through that lock: the argument is the proof.
    #[inline]
    fn set_state(&self, _locked: &Slot<T>, state: State) {
        self.header.store_state(state);
    }

    /// Records a new cancellation request (Python's `cancel()`: counted by `cancelling()`);
    /// `false` iff the task has already ended. Does not wake the task: `cancel::request` does.
    pub(crate) fn request(&self, request: Request) -> bool {
        self.set_pending(request, Header::count_request)
    }

    /// Makes a delivered request pending again without counting a new one (Python's bare
    /// `raise` of a caught `CancelledError`); `false` iff the task has already ended.
    pub(crate) fn reraise(&self, request: Request) -> bool {
        self.set_pending(request, |_| {})
    }

    /// Under the lock: `count` the request, then set it pending (the first message is kept).
    fn set_pending(&self, request: Request, count: impl FnOnce(&Header)) -> bool {
        let mut slot = self.lock();
        let state = self.header.state();
        if state.is_done() {
            return false;
        }
        count(&self.header);
        if !state.cancel_pending() {
            slot.outcome = Outcome::Running { pending: request };
            self.set_state(&slot, state.cancel_requested());
        }
        true
    }

    /// Takes the pending cancellation request for delivery, if there is one.
    pub(crate) fn take_request(&self) -> Option<Request> {
        let mut slot = self.lock();
        let state = self.header.state();
        if !state.cancel_pending() {
            return None;
        }
        self.set_state(&slot, state.cancel_taken());
        Some(slot.take_pending())
    }

    /// Ends the task with `result` and wakes every waiter. A value that arrives while a cancel is
    /// pending is dropped and the task ends cancelled (CAN-12); so is a value no handle can read
    /// (a detached task). Such a value is dropped outside the lock, since its destructor is user
    /// code; if that destructor panics, the task ends `Panicked` instead.
    pub(crate) fn complete(&self, result: Result<T, TaskError>) {
        let mut slot = self.lock();
        let mut state = self.header.state();
        debug_assert!(!state.is_done(), "a task completes once");
        let mut result = result;
        // Read under the lock: see `drop_handle`.
        let unread = state.cancel_pending() || !self.header.has_handles();
        if unread && result.is_ok() {
            drop(slot);
            let dropped = contain::drop_caught(result.ok());
            slot = self.lock();
            state = self.header.state();
            result = match dropped {
                Err(panicked) => Err(TaskError::Panicked(panicked)),
                Ok(()) if state.cancel_pending() => {
                    Err(TaskError::Cancelled(slot.take_pending().into_cancelled()))
                }
                Ok(()) => {
                    // Detached: the value is gone already.
                    slot.outcome = Outcome::Taken;
                    self.set_state(&slot, State::completed(Ended::Value).value_gone());
                    let waiters = slot.waiters.take_all();
                    drop(slot);
                    waiters.notify(Ended::Value, &|| self.header.name());
                    return;
                }
            };
        }
        let ended = match &result {
            Ok(_) => Ended::Value,
            Err(TaskError::Cancelled(_)) => Ended::Cancelled,
            Err(_) => Ended::Panicked,
        };
        // Replaced rather than assigned: only a pending message can be left to drop, and the
        // whole outcome's drop glue (a call) is not needed for that (callgrind: ~11 Ir a task).
        match std::mem::replace(&mut slot.outcome, Outcome::Done(result)) {
            Outcome::Running { pending } => drop(pending),
            _ => unreachable!("a task completes once"),
        }
        self.set_state(&slot, State::completed(ended));
        let waiters = slot.waiters.take_all();
        drop(slot);
        waiters.notify(ended, &|| self.header.name());
    }

    fn register(slot: &mut Slot<T>, key: &mut Option<usize>, waker: &Waker) {
        match key.and_then(|k| slot.waiters.waker_mut(k)) {
            Some(old) => {
                if !old.will_wake(waker) {
                    old.clone_from(waker);
                }
            }
            None => *key = Some(slot.waiters.insert(Waiter::Wake(waker.clone()))),
        }
    }

    /// Polls for the task's outcome on behalf of a `Task<T>` handle. The value is moved out when
    /// the caller holds the last handle, cloned otherwise.
    pub(crate) fn poll_value(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<Result<T, TaskError>> {
        let read = {
            let mut slot = std::task::ready!(self.poll_ended(cx, key, true));
            if let Some(value) = self.take_if_last(&mut slot) {
                return Poll::Ready(Ok(value));
            }
            self.read_outcome(&mut slot)
        };
        Poll::Ready(read.finish())
    }

    /// The locked slot once the task has ended (the caller's waiter removed); otherwise
    /// registers the caller's waker under `key` and returns `Pending`. `read`: the caller reads
    /// the outcome (a panic counts as retrieved); not when the runtime only waits for the end.
    fn poll_ended(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
        read: bool,
    ) -> Poll<MutexGuard<'_, Slot<T>>> {
        let mut slot = self.lock();
        if !self.header.is_done() {
            Self::register(&mut slot, key, cx.waker());
            return Poll::Pending;
        }
        if let Some(k) = key.take() {
            slot.waiters.remove(k);
        }
        if read {
            self.mark_read(&slot);
        }
        Poll::Ready(slot)
    }

    /// Reads the outcome for a `Task<T>` handle: moves the value out for the last handle,
    /// otherwise makes it shared so that it is cloned after the lock is released.
    fn read_outcome(&self, slot: &mut Slot<T>) -> Read<T> {
        if let Some(value) = self.take_if_last(slot) {
            return Read::Ready(Ok(value));
        }
        match &slot.outcome {
            Outcome::Shared(_) if self.header.sole_handle() => {
                self.set_state(slot, self.header.state().value_gone());
                let clone = Self::cloner(slot.cloner);
                match std::mem::replace(&mut slot.outcome, Outcome::Taken) {
                    Outcome::Shared(shared) => Read::CloneLast(shared, clone),
                    _ => unreachable!("checked above"),
                }
            }
            Outcome::Taken => {
                unreachable!("the value of a task is moved out only by its last handle")
            }
            _ => Self::read_in_place(slot, slot.cloner),
        }
    }

    /// Reads the outcome and leaves it for the other handles: an error or "still running" as
    /// it is; a value made shared (once) and cloned with `clone` after the lock is released.
    fn read_in_place(slot: &mut Slot<T>, clone: Option<fn(&T) -> T>) -> Read<T> {
        match &slot.outcome {
            Outcome::Done(Err(e)) => Read::Ready(Err(e.clone())),
            Outcome::Running { .. } | Outcome::Taken => Read::Ready(Err(TaskError::InvalidState)),
            Outcome::Shared(shared) => Read::Clone(shared.clone(), Self::cloner(clone)),
            Outcome::Done(Ok(_)) => {
                let Outcome::Done(Ok(value)) = std::mem::replace(&mut slot.outcome, Outcome::Taken)
                else {
                    unreachable!("checked above")
                };
                let shared = SharedValue::new(value);
                slot.outcome = Outcome::Shared(shared.clone());
                Read::Clone(shared, Self::cloner(clone))
            }
        }
    }

    /// The common case of a read, without moving the outcome around: the last handle takes the
    /// value.
    #[inline]
    fn take_if_last(&self, slot: &mut Slot<T>) -> Option<T> {
        if !matches!(slot.outcome, Outcome::Done(Ok(_))) || !self.header.sole_handle() {
            return None;
        }
        self.set_state(slot, self.header.state().value_gone());
        match std::mem::replace(&mut slot.outcome, Outcome::Taken) {
            Outcome::Done(Ok(value)) => Some(value),
            _ => unreachable!("checked above"),
        }
    }

    fn cloner(clone: Option<fn(&T) -> T>) -> fn(&T) -> T {
        clone.expect("a second Task handle implies T: Clone")
    }

    /// The outcome of an ended task, for a handle that is being consumed (gather).
    pub(crate) fn take_outcome(&self) -> Result<T, TaskError> {
        let read = {
            let mut slot = self.lock();
            if !self.header.is_done() {
                return Err(TaskError::InvalidState);
            }
            self.mark_read(&slot);
            if let Some(value) = self.take_if_last(&mut slot) {
                return Ok(value);
            }
            self.read_outcome(&mut slot)
        };
        read.finish()
    }

    /// Python's `result()`: the outcome without waiting, `InvalidState` while running. The value
    /// is cloned after the lock is released.
    pub(crate) fn result_cloned(&self) -> Result<T, TaskError>
    where
        T: Clone,
    {
        let read = {
            let mut slot = self.lock();
            self.mark_read(&slot);
            Self::read_in_place(&mut slot, Some(T::clone))
        };
        read.finish()
    }

    /// A `Task<T>` handle is dropped. The last one drops a value nobody took: no handle can
    /// read it any more, so it goes now, not when the task's memory does.
    ///
    /// Race with `complete`: the count is decremented before the lock is taken, and `complete`
    /// reads it under the lock; so either `complete` sees no handle and drops the value itself,
    /// or this sees the stored value under the lock and drops it. Exactly once either way
    /// (loom: `loom_the_last_handle_and_completion_drop_the_value_exactly_once`).
    pub(crate) fn drop_handle(&self) {
        if !self.header.drop_handle() {
            return;
        }
        let state = self.header.state();
        if state.is_done() && !state.has_value() {
            return;
        }
        let value = {
            let mut slot = self.lock();
            if matches!(slot.outcome, Outcome::Done(Ok(_)) | Outcome::Shared(_)) {
                self.set_state(&slot, self.header.state().value_gone());
                Some(std::mem::replace(&mut slot.outcome, Outcome::Taken))
            } else {
                None
            }
        };
        // Outside the lock: the value's destructor is user code. The task has its outcome
        // already, so a panic there is reported rather than raised where the handle was dropped
        // (which may be the runtime's own code, or another task's).
        if let Err(panicked) = contain::drop_caught(value) {
            contain::report(&self.header.name(), "the value's destructor", &panicked);
        }
    }

    /// Records how to clone the value, when a second handle is made.
    pub(crate) fn new_handle_clone(&self)
    where
        T: Clone,
    {
        let mut slot = self.lock();
        slot.cloner = Some(T::clone);
        self.header.add_handle();
    }

    /// Waits for the end without reading the outcome (shutdown, a delivery waiting for the
    /// tasks it forwarded to): a panic nobody read stays unread (`runtime/unhandled.rs`).
    pub(crate) fn poll_end(&self, cx: &mut Context<'_>, key: &mut Option<usize>) -> Poll<()> {
        drop(std::task::ready!(self.poll_ended(cx, key, false)));
        Poll::Ready(())
    }

    /// Waits for the end, registering a waker under `key`; the error if it failed.
    pub(crate) fn poll_done(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<Result<(), TaskError>> {
        let slot = std::task::ready!(self.poll_ended(cx, key, true));
        Poll::Ready(match &slot.outcome {
            Outcome::Done(Err(e)) => Err(e.clone()),
            _ => Ok(()),
        })
    }

    /// Registers `listener` to be told when the task ends, unless it has ended already.
    pub(crate) fn listen(&self, listener: Arc<dyn CompletionListener>, index: usize) -> Listen {
        let mut slot = self.lock();
        if self.header.is_done() {
            return Listen::AlreadyEnded(self.header.ended());
        }
        // A gather or wait over 2^32 tasks would need terabytes of tasks first.
        let index = u32::try_from(index).expect("fewer than 2^32 tasks watched at once");
        Listen::Registered(slot.waiters.insert(Waiter::Listen(listener, index)))
    }

    pub(crate) fn remove_waiter(&self, key: usize) {
        self.lock().waiters.remove(key);
    }

    /// See [`ErasedCore::add_done_callback`](super::erased::ErasedCore::add_done_callback).
    pub(crate) fn add_done_callback(
        &self,
        callback: DoneCallback,
        schedule: &mut dyn FnMut() -> ScheduleCallbacks,
    ) -> Result<(), DoneCallback> {
        let mut slot = self.lock();
        if self.header.is_done() {
            return Err(callback);
        }
        match slot.waiters.done_callbacks() {
            Some(done) => done.callbacks.push(callback),
            None => {
                let done = DoneCallbacks {
                    callbacks: vec![callback],
                    schedule: schedule(),
                };
                slot.waiters.insert(Waiter::Done(Box::new(done)));
            }
        }
        Ok(())
    }

    /// The error of an ended task (`None` for a value, or while running); a panic read this
    /// way is retrieved.
    pub(crate) fn error(&self) -> Option<TaskError> {
        let slot = self.lock();
        self.mark_read(&slot);
        slot.error()
    }

    /// The error, for the runtime's own reports: not a retrieval.
    pub(crate) fn peek_error(&self) -> Option<TaskError> {
        self.lock().error()
    }

    /// A handle is reading the outcome: a panic counts as retrieved from now on.
    #[inline]
    fn mark_read(&self, slot: &Slot<T>) {
        let state = self.header.state();
        if state.panic_unread() {
            self.set_state(slot, state.error_read());
        }
    }
}

#[cfg(all(test, asyncio_loom))]
#[path = "core_loom.rs"]
mod loom_models;
