//! The shared state of one task: the state machine behind [`Task`](crate::Task),
//! [`AnyTask`](crate::AnyTask) and the [`Body`](crate::runtime::body::Body) that drives the future.
//! A spawned task's `Core` lives in its [`TaskCell`](crate::runtime::cell::TaskCell), with the future;
//! the main task's stands alone.
//!
//! # States
//!
//! ```text
//!            cancel()                      harness / catch_cancel takes the request
//!  RUNNING ───────────► RUNNING+CANCEL_PENDING ─────────────────────────────► RUNNING
//!     │                        │  (more cancel() calls: no change, first message kept)
//!     │ complete(Ok|Panicked)  │ complete(_)
//!     ▼                        ▼
//!  COMPLETE (+PANICKED)     COMPLETE+CANCELLED  (a value completed under a pending cancel
//!                                               is dropped: CAN-12; a panic stays a panic)
//! ```
//!
//! `Header::state` holds the bits. They are written only while `Core::slot` is locked, so every
//! transition is atomic with the data it describes (the pending message, the outcome, the
//! waiters); readers that only need a yes/no (`done()`, `cancelled()`, the harness's "is a cancel
//! pending?" check on every poll) load the bits without locking.
//!
//! # Races and who wins
//!
//! | race | who wins | why it is safe |
//! |---|---|---|
//! | `cancel()` × completion | whoever takes `slot`'s lock first | `cancel()` first: `CANCEL_PENDING` is set and the completion turns a value into `Cancelled` (CAN-12), so `true` means "ends cancelled unless caught". Completion first: `cancel()` sees `COMPLETE` and returns `false`. |
//! | `cancel()` × first poll | the cancel | the harness checks `CANCEL_PENDING` before every poll; a task cancelled before its first poll is dropped unpolled (CAN-01). |
//! | `cancel()` × a poll in progress (other thread) | the cancel, at the next suspension | the request wakes the task (`HasCore::wake_for_cancel`: a spawned task schedules itself, the main task wakes `run`'s waker); after the poll returns `Pending` the harness sees `CANCEL_PENDING` and delivers it by dropping the future, unless the request arrived during that poll while a catching scope is pending inside the task: then the request's wake polls the task again so the scope sees it (a `catch_cancel` takes it; a timeout or task-group scope lets an outside one through, and it is dropped then). Found by a multi-thread test, where dropping skipped the handler; pinned by `tests/race.rs`. |
//! | `cancel()` × `catch_cancel` taking the request | one delivery | `take_pending_cancel` clears the bit under the lock; a later `cancel()` is a new request (CAN-07, CAN-14). |
//! | completion × awaiter registration | no lost wake-up | the awaiter checks `COMPLETE` and registers its waker under the lock; the completion sets `COMPLETE` and drains the waiters under the same lock, and wakes them after unlocking. |
//! | completion × listener (gather, wait, task group) | exactly one notice | `listen` returns `AlreadyEnded` if `COMPLETE` is set, else registers under the lock; the completion drains listeners once. |
//! | two awaiters × the value | both get it | the value is moved out only by the awaiter holding the last `Task<T>` handle; otherwise it is cloned (a second handle implies `T: Clone`, recorded by `Task::clone`). |
//! | detach (drop of a `Task` not being awaited) × anything | nothing happens | a handle only decrements `handles`; the task runs on and still completes its `Core`. |
//! | drop of an awaiting future (`TaskFuture`, `AnyTask` polled, gather) × completion | the completion, or a forwarded cancel | the drop removes its waiter, then cancels the task only if it is not `COMPLETE` (CAN-09, CAN-13); a completion that got there first makes that `cancel()` a no-op. |
//! | shutdown × running tasks | shutdown cancels, then waits | `run` cancels every task in the registry that is not done, waits for each to complete, and repeats until no task is left (tasks spawned meanwhile included). |
//! | runtime teardown × an unfinished task (only when `run` unwinds) | the task ends cancelled | `Registry::abort_all` drops the future in place and completes the `Core` with `Cancelled` (`Body::abandon`), so no awaiter waits forever. |
//!
//! `loom` models of these races are in `core_loom.rs`.

use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::contain;
use crate::error::{Cancelled, TaskError};
use crate::id::TaskId;
use crate::runtime::cell::Schedule;
use crate::sync::{AtomicU16, AtomicU32, AtomicU8, Mutex, MutexGuard, Ordering};

/// A cancel was requested and not yet delivered to the task's body.
pub(crate) const CANCEL_PENDING: u8 = 1;
/// The task has ended; its outcome is stored.
pub(crate) const COMPLETE: u8 = 2;
/// With `COMPLETE`: it ended cancelled.
pub(crate) const CANCELLED: u8 = 4;
/// With `COMPLETE`: it ended by a panic.
pub(crate) const PANICKED: u8 = 8;
/// With `COMPLETE` and a value: the value is gone, moved out by the last handle or dropped
/// because no handle was left to read it.
pub(crate) const VALUE_GONE: u8 = 16;

/// How a task ended, for listeners that only count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    Value,
    Cancelled,
    Panicked,
}

/// Something told about a task's completion without a waker per task (gather, wait).
pub(crate) trait CompletionListener: Send + Sync {
    /// Task number `index` of the listener's set has ended.
    fn completed(&self, index: usize, ended: Ended);
}

/// Registration of a listener: either it is registered under `key`, or the task had already
/// ended.
pub(crate) enum Listen {
    Registered(usize),
    AlreadyEnded(Ended),
}

/// A function to run once a task has ended (`add_done_callback`); it knows its task.
pub(crate) type DoneCallback = Box<dyn FnOnce() + Send>;

/// Hands a task's done callbacks, in the order they were added, to the runtime that runs them,
/// with what to do after them (tell the task's other waiters, see `Waiters::notify`).
pub(crate) type ScheduleCallbacks = Box<dyn FnOnce(Vec<DoneCallback>, DoneCallback) + Send>;

/// A task's done callbacks: one waiter for all of them, so that they run in the order added.
struct DoneCallbacks {
    callbacks: Vec<DoneCallback>,
    schedule: ScheduleCallbacks,
}

enum Waiter {
    Wake(Waker),
    Listen(Arc<dyn CompletionListener>, u32),
    Done(Box<DoneCallbacks>),
}

impl Waiter {
    /// Tells the waiter; a panic (a user's waker) is contained and reported with the task's
    /// name (`name`, called only then), so the other waiters are still told and the completing
    /// thread goes on.
    fn notify(self, ended: Ended, name: &dyn Fn() -> String) {
        let told = contain::catch(move || match self {
            Waiter::Wake(waker) => waker.wake(),
            Waiter::Listen(listener, index) => listener.completed(index as usize, ended),
            Waiter::Done(done) => (done.schedule)(done.callbacks, Box::new(|| {})),
        });
        if let Err(panicked) = told {
            contain::report(&name(), "a waker of a task awaiting the end", &panicked);
        }
    }
}

/// Who is waiting for the task. The first waiter (an awaiter's waker, or the listener of the
/// gather or wait that watches the task) is stored inline and the rest behind a pointer: most
/// tasks have exactly one, and this keeps the common case to no allocation.
#[derive(Default)]
struct Waiters {
    first: Option<Waiter>,
    more: Option<Box<Slab<Waiter>>>,
}

impl Waiters {
    fn insert(&mut self, waiter: Waiter) -> usize {
        if self.first.is_none() {
            self.first = Some(waiter);
            0
        } else {
            self.more.get_or_insert_with(Box::default).insert(waiter) + 1
        }
    }

    fn waker_mut(&mut self, key: usize) -> Option<&mut Waker> {
        let waiter = if key == 0 {
            self.first.as_mut()?
        } else {
            self.more.as_mut()?.get_mut(key - 1)?
        };
        match waiter {
            Waiter::Wake(waker) => Some(waker),
            Waiter::Listen(..) | Waiter::Done(_) => None,
        }
    }

    /// The done callbacks' waiter, if there is one.
    fn done_callbacks(&mut self) -> Option<&mut DoneCallbacks> {
        let more = self
            .more
            .iter_mut()
            .flat_map(|more| more.iter_mut().map(|(_, w)| w));
        self.first
            .iter_mut()
            .chain(more)
            .find_map(|waiter| match waiter {
                Waiter::Done(done) => Some(&mut **done),
                _ => None,
            })
    }

    fn remove(&mut self, key: usize) {
        if key == 0 {
            self.first = None;
        } else if let Some(more) = self.more.as_mut() {
            drop(more.try_remove(key - 1));
        }
    }

    fn take_all(&mut self) -> Waiters {
        std::mem::take(self)
    }

    /// Tells every waiter that the task has ended. With done callbacks, those run first and the
    /// other waiters (awaiters, gather, wait, a task group) are told once they have run, on the
    /// runtime: a callback's effects (a follow-up task spawned into a task group, a progress
    /// line) come before anyone waiting for the task resumes, on both flavors.
    fn notify(mut self, ended: Ended, name: &dyn Fn() -> String) {
        if let Some(done) = self.take_done_callbacks() {
            let name = name();
            let rest: DoneCallback = Box::new(move || self.notify(ended, &|| name.clone()));
            (done.schedule)(done.callbacks, rest);
            return;
        }
        if let Some(waiter) = self.first {
            waiter.notify(ended, name);
        }
        if let Some(more) = self.more {
            for (_, waiter) in *more {
                waiter.notify(ended, name);
            }
        }
    }

    fn take_done_callbacks(&mut self) -> Option<Box<DoneCallbacks>> {
        if matches!(self.first, Some(Waiter::Done(_))) {
            return match self.first.take() {
                Some(Waiter::Done(done)) => Some(done),
                _ => None,
            };
        }
        let more = self.more.as_mut()?;
        let key = more
            .iter()
            .find_map(|(key, waiter)| matches!(waiter, Waiter::Done(_)).then_some(key))?;
        match more.remove(key) {
            Waiter::Done(done) => Some(done),
            _ => None,
        }
    }
}

/// A task's explicit name. Boxed twice so that unnamed tasks (most of them) pay one word in
/// every task, not the two of a `Box<str>`.
#[allow(clippy::box_collection)]
pub(crate) type TaskName = Box<String>;

/// The lock-free part of a task's state, shared by every handle whatever its type.
pub(crate) struct Header {
    state: AtomicU8,
    /// A spawned task's scheduling state (`cell.rs`); here because it fits in the header's
    /// padding, which keeps a task one allocator size class smaller.
    pub(crate) schedule: Schedule,
    id: TaskId,
    name: Option<TaskName>,
    /// Number of `catch_cancel` futures currently pending inside this task.
    catch_depth: AtomicU16,
    /// Where a spawned task sits in its registry shard (`RegistryKey::slot`); in the header's
    /// padding rather than in the cell. Unused by the main task.
    registry_slot: u32,
    /// Number of live `Task<T>` handles (not `AnyTask`s).
    handles: AtomicU32,
    /// Python's `cancelling()`: every accepted `cancel()` request, minus `uncancel()`s.
    cancel_requests: AtomicU32,
}

impl Header {
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }

    pub(crate) fn registry_slot(&self) -> u32 {
        self.registry_slot
    }

    pub(crate) fn name(&self) -> String {
        match &self.name {
            Some(name) => name.to_string(),
            None => format!("Task-{}", self.id),
        }
    }

    pub(crate) fn state(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state() & COMPLETE != 0
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.state() & CANCELLED != 0
    }

    pub(crate) fn cancel_pending(&self) -> bool {
        self.state() & CANCEL_PENDING != 0
    }

    pub(crate) fn catch_depth(&self) -> u32 {
        u32::from(self.catch_depth.load(Ordering::Relaxed))
    }

    /// Enters a catching scope; returns its level (the depth including it).
    pub(crate) fn enter_catch(&self) -> u32 {
        let depth = self.catch_depth.fetch_add(1, Ordering::Relaxed);
        assert!(depth < u16::MAX, "catch_cancel scopes nested too deeply");
        u32::from(depth) + 1
    }

    /// A cancellation is pending and the scope at `level` is the innermost catching scope, so
    /// the cancellation belongs at the scope's current await, without polling further.
    pub(crate) fn pending_for_innermost(&self, level: u32) -> bool {
        self.cancel_pending() && self.catch_depth() == level
    }

    pub(crate) fn leave_catch(&self) {
        self.catch_depth.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn cancelling(&self) -> usize {
        self.cancel_requests.load(Ordering::Relaxed) as usize
    }

    /// [`cancelling`](Self::cancelling), ordered after what the request it counts did before
    /// (for the harness's "did a request arrive during this poll?").
    pub(crate) fn cancelling_acquire(&self) -> usize {
        self.cancel_requests.load(Ordering::Acquire) as usize
    }

    pub(crate) fn uncancel(&self) -> usize {
        let mut current = self.cancel_requests.load(Ordering::Relaxed);
        loop {
            if current == 0 {
                return 0;
            }
            match self.cancel_requests.compare_exchange_weak(
                current,
                current - 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return (current - 1) as usize,
                Err(seen) => current = seen,
            }
        }
    }

    pub(crate) fn add_handle(&self) {
        self.handles.fetch_add(1, Ordering::Relaxed);
    }

    /// `true` if it was the last handle.
    fn drop_handle(&self) -> bool {
        self.handles.fetch_sub(1, Ordering::AcqRel) == 1
    }

    fn sole_handle(&self) -> bool {
        self.handles.load(Ordering::Acquire) == 1
    }

    fn ended(&self) -> Ended {
        let state = self.state();
        if state & CANCELLED != 0 {
            Ended::Cancelled
        } else if state & PANICKED != 0 {
            Ended::Panicked
        } else {
            Ended::Value
        }
    }
}

/// What the task has produced so far. The pending cancellation's message shares the space of
/// the outcome: it only exists while the task runs.
enum Outcome<T> {
    Running {
        pending_message: Option<Arc<str>>,
    },
    Done(Result<T, TaskError>),
    /// A value read by more than one handle: each reader takes a reference under the slot's
    /// lock and clones the value after releasing it, since a `Clone` is user code and may use
    /// the task (`cancel()`, `result()`), which takes that lock.
    Shared(Arc<SharedValue<T>>),
    /// The value was moved out by the last handle, or dropped when no handle was left
    /// (`VALUE_GONE`).
    Taken,
}

/// A task's value once a second handle reads it (see [`Outcome::Shared`]). The mutex serialises
/// the clones: a `Task<T>` is `Sync` for `T: Send`, so two threads must not read `&T` at once.
struct SharedValue<T> {
    value: Mutex<T>,
}

thread_local! {
    /// The [`SharedValue`] being cloned on this thread (its address; 0: none), to turn a
    /// `Clone` that reads its own task's value again into a clear panic instead of a deadlock.
    static CLONING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<T> SharedValue<T> {
    /// Clones the value; runs the user's `Clone` with no lock of the task held.
    fn clone_with(&self, clone: fn(&T) -> T) -> T {
        let address = self as *const Self as usize;
        let previous = CLONING.with(|c| c.replace(address));
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                CLONING.with(|c| c.set(self.0));
            }
        }
        let _restore = Restore(previous);
        // (Not under loom, whose model threads share one OS thread and so its thread-locals.)
        assert!(
            cfg!(asyncio_loom) || previous != address,
            "the Clone of a task's value read that same task's value (Task::result or await \
             inside its own Clone)"
        );
        let value = self.value.lock().unwrap_or_else(PoisonError::into_inner);
        clone(&value)
    }

    fn into_value(this: Arc<Self>, clone: fn(&T) -> T) -> T {
        match Arc::try_unwrap(this) {
            Ok(shared) => shared
                .value
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            // Another handle is cloning it right now (it was the last but one).
            Err(this) => this.clone_with(clone),
        }
    }
}

/// What a reader does once the slot's lock is released.
enum Read<T> {
    Ready(Result<T, TaskError>),
    Clone(Arc<SharedValue<T>>, fn(&T) -> T),
    CloneLast(Arc<SharedValue<T>>, fn(&T) -> T),
}

impl<T> Read<T> {
    /// Finishes the read outside the slot's lock (a clone runs user code).
    #[inline]
    fn finish(self) -> Result<T, TaskError> {
        match self {
            Read::Ready(result) => result,
            Read::Clone(shared, clone) => Ok(shared.clone_with(clone)),
            Read::CloneLast(shared, clone) => Ok(SharedValue::into_value(shared, clone)),
        }
    }
}

struct Slot<T> {
    outcome: Outcome<T>,
    waiters: Waiters,
    cloner: Option<fn(&T) -> T>,
}

impl<T> Slot<T> {
    fn pending_message(&mut self) -> Option<Arc<str>> {
        match &mut self.outcome {
            Outcome::Running { pending_message } => pending_message.take(),
            _ => None,
        }
    }
}

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
            header: Header {
                state: AtomicU8::new(0),
                schedule: Schedule::new_scheduled(),
                id,
                name,
                catch_depth: AtomicU16::new(0),
                registry_slot,
                handles: AtomicU32::new(0),
                cancel_requests: AtomicU32::new(0),
            },
            slot: Mutex::new(Slot {
                outcome: Outcome::Running {
                    pending_message: None,
                },
                waiters: Waiters::default(),
                cloner: None,
            }),
        }
    }

    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // User code (a `Clone` impl) can run under this lock; a panic there must not make the
        // task unusable for its other handles.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores the state word. The state only changes under the slot's lock, and a `&Slot` can
    /// only be had through that lock: the argument is the proof.
    fn set_state(&self, _locked: &Slot<T>, state: u8) {
        self.header.state.store(state, Ordering::Release);
    }

    /// Sets a pending cancellation; `false` iff the task has already ended. `counted` says
    /// whether it is a new request for `cancelling()` (a re-raise of a delivered cancellation is
    /// not). Does not wake the task: [`cancel`] does that.
    pub(crate) fn request_cancel(&self, message: Option<Arc<str>>, counted: bool) -> bool {
        let mut slot = self.lock();
        let state = self.header.state();
        if state & COMPLETE != 0 {
            return false;
        }
        if counted {
            // Before the pending bit, with Release: see `Body::poll`'s `requests_before`.
            self.header.cancel_requests.fetch_add(1, Ordering::Release);
        }
        if state & CANCEL_PENDING == 0 {
            slot.outcome = Outcome::Running {
                pending_message: message,
            };
            self.set_state(&slot, state | CANCEL_PENDING);
        }
        true
    }

    /// Takes a pending cancellation request for delivery: `Some(message)` if there was one.
    pub(crate) fn take_pending_cancel(&self) -> Option<Option<Arc<str>>> {
        let mut slot = self.lock();
        let state = self.header.state();
        if state & CANCEL_PENDING == 0 {
            return None;
        }
        self.set_state(&slot, state & !CANCEL_PENDING);
        Some(slot.pending_message())
    }

    /// Ends the task with `result` and wakes every waiter. A value that arrives while a cancel is
    /// pending is dropped and the task ends cancelled (CAN-12); so is a value no handle can read
    /// (a detached task). Such a value is dropped outside the lock, since its destructor is user
    /// code; if that destructor panics, the task ends `Panicked` instead.
    pub(crate) fn complete(&self, result: Result<T, TaskError>) {
        let mut slot = self.lock();
        let mut state = self.header.state();
        debug_assert!(state & COMPLETE == 0, "a task completes once");
        let mut result = result;
        // Read under the lock: see `drop_handle`.
        let unread =
            state & CANCEL_PENDING != 0 || self.header.handles.load(Ordering::Acquire) == 0;
        if unread && result.is_ok() {
            drop(slot);
            let dropped = contain::drop_caught(result.ok());
            slot = self.lock();
            state = self.header.state();
            result = match dropped {
                Err(panicked) => Err(TaskError::Panicked(panicked)),
                Ok(()) if state & CANCEL_PENDING != 0 => {
                    Err(TaskError::Cancelled(Cancelled::new(slot.pending_message())))
                }
                Ok(()) => {
                    // Detached: the value is gone already.
                    slot.outcome = Outcome::Taken;
                    self.set_state(&slot, COMPLETE | VALUE_GONE);
                    let waiters = slot.waiters.take_all();
                    drop(slot);
                    waiters.notify(Ended::Value, &|| self.header.name());
                    return;
                }
            };
        }
        let (bits, ended) = match &result {
            Ok(_) => (COMPLETE, Ended::Value),
            Err(TaskError::Cancelled(_)) => (COMPLETE | CANCELLED, Ended::Cancelled),
            Err(_) => (COMPLETE | PANICKED, Ended::Panicked),
        };
        // Replaced rather than assigned: only a pending message can be left to drop, and the
        // whole outcome's drop glue (a call) is not needed for that (callgrind: ~11 Ir a task).
        match std::mem::replace(&mut slot.outcome, Outcome::Done(result)) {
            Outcome::Running { pending_message } => drop(pending_message),
            _ => unreachable!("a task completes once"),
        }
        self.set_state(&slot, bits);
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
            let mut slot = std::task::ready!(self.poll_ended(cx, key));
            if let Some(value) = self.take_if_last(&mut slot) {
                return Poll::Ready(Ok(value));
            }
            self.read_outcome(&mut slot)
        };
        Poll::Ready(read.finish())
    }

    /// The locked slot once the task has ended (the caller's waiter removed); otherwise
    /// registers the caller's waker under `key` and returns `Pending`.
    fn poll_ended(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<MutexGuard<'_, Slot<T>>> {
        let mut slot = self.lock();
        if self.header.state() & COMPLETE == 0 {
            Self::register(&mut slot, key, cx.waker());
            return Poll::Pending;
        }
        if let Some(k) = key.take() {
            slot.waiters.remove(k);
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
                self.set_state(slot, self.header.state() | VALUE_GONE);
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
                let shared = Arc::new(SharedValue {
                    value: Mutex::new(value),
                });
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
        self.set_state(slot, self.header.state() | VALUE_GONE);
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
            if self.header.state() & COMPLETE == 0 {
                return Err(TaskError::InvalidState);
            }
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
        let read = Self::read_in_place(&mut self.lock(), Some(T::clone));
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
        if state & COMPLETE != 0 && state & (CANCELLED | PANICKED | VALUE_GONE) != 0 {
            return;
        }
        let value = {
            let mut slot = self.lock();
            if matches!(slot.outcome, Outcome::Done(Ok(_)) | Outcome::Shared(_)) {
                let state = self.header.state();
                self.set_state(&slot, state | VALUE_GONE);
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
}

/// What owns a task's [`Core`]: the core itself (the main task) or a spawned task's
/// [`TaskCell`](crate::runtime::cell::TaskCell). Handles point at the owner.
pub(crate) trait HasCore: Send + Sync + 'static {
    type Output: Send + 'static;
    fn core(&self) -> &Core<Self::Output>;
    /// Runtime teardown: ends the task as cancelled if it is still running; `true` if it did.
    fn abort(&self) -> bool {
        false
    }
    /// A cancellation was requested: wake the task so that it is delivered even if the task is
    /// parked in a long sleep.
    fn wake_for_cancel(this: Arc<Self>) {
        drop(this);
    }
}

impl<T: Send + 'static> HasCore for Core<T> {
    type Output = T;
    fn core(&self) -> &Core<T> {
        self
    }
}

/// What both kinds of handle can do to cancel a task: [`Task<T>`](crate::Task) (through
/// [`TypedCore`]) and [`AnyTask`](crate::AnyTask) (through [`ErasedCore`]); see [`cancel`].
pub(crate) trait Cancel: Send + Sync {
    /// Records a cancellation request; `counted` says whether it is a new request for
    /// `cancelling()` (a re-raise of a delivered one is not). Does not wake the task: see
    /// [`cancel`]. `false` iff the task has ended.
    fn request_cancel(&self, message: Option<Arc<str>>, counted: bool) -> bool;
    /// Wakes the task so that a cancellation is delivered even if it is parked in a long sleep.
    /// By value: a spawned task schedules itself with this very reference.
    fn wake_for_cancel(self: Arc<Self>);
}

impl<C: HasCore> Cancel for C {
    fn request_cancel(&self, message: Option<Arc<str>>, counted: bool) -> bool {
        HasCore::core(self).request_cancel(message, counted)
    }

    fn wake_for_cancel(self: Arc<Self>) {
        HasCore::wake_for_cancel(self);
    }
}

/// Requests cancellation of `task` and wakes it (Python's `cancel()`); `false` iff it has
/// ended. With `counted == false`, re-raises a delivered cancellation without counting a new
/// request (Python's bare `raise`).
pub(crate) fn cancel<C: Cancel + ?Sized>(
    task: &Arc<C>,
    message: Option<Arc<str>>,
    counted: bool,
) -> bool {
    let accepted = task.request_cancel(message, counted);
    if accepted {
        task.clone().wake_for_cancel();
    }
    accepted
}

/// What a [`Task<T>`](crate::Task) points at: a task with output `T`, whatever its future.
pub(crate) trait TypedCore<T>: Cancel {
    fn core(&self) -> &Core<T>;
    fn erased(&self) -> &dyn ErasedCore;
    fn into_erased(self: Arc<Self>) -> Arc<dyn ErasedCore>;
}

impl<C: HasCore> TypedCore<C::Output> for C {
    fn core(&self) -> &Core<C::Output> {
        HasCore::core(self)
    }
    fn erased(&self) -> &dyn ErasedCore {
        self
    }
    fn into_erased(self: Arc<Self>) -> Arc<dyn ErasedCore> {
        self
    }
}

/// The type-erased view of a task used by [`AnyTask`](crate::AnyTask), the registry, gather and
/// wait.
pub(crate) trait ErasedCore: Cancel + 'static {
    fn header(&self) -> &Header;
    fn take_pending_cancel(&self) -> Option<Option<Arc<str>>>;
    /// Waits for the end, registering a waker under `key`; the error if it failed.
    fn poll_done(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<Result<(), TaskError>>;
    fn listen(&self, listener: Arc<dyn CompletionListener>, index: usize) -> Listen;
    fn remove_waiter(&self, key: usize);
    /// Adds `callback` to run once the task has ended, after those added before; the first
    /// one of a task also sets how they are scheduled (`schedule`, called once). `Err` gives the
    /// callback back if the task has ended already (the caller schedules it).
    fn add_done_callback(
        &self,
        callback: DoneCallback,
        schedule: &mut dyn FnMut() -> ScheduleCallbacks,
    ) -> Result<(), DoneCallback>;
    /// The error of an ended task (`None` for a value, or while running).
    fn error(&self) -> Option<TaskError>;
    /// Runtime teardown: ends the task as cancelled if it is still running; `true` if it did.
    fn abort(&self) -> bool;
}

impl<C: HasCore> ErasedCore for C {
    fn header(&self) -> &Header {
        &HasCore::core(self).header
    }

    fn take_pending_cancel(&self) -> Option<Option<Arc<str>>> {
        HasCore::core(self).take_pending_cancel()
    }

    fn poll_done(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<Result<(), TaskError>> {
        let slot = std::task::ready!(HasCore::core(self).poll_ended(cx, key));
        Poll::Ready(match &slot.outcome {
            Outcome::Done(Err(e)) => Err(e.clone()),
            _ => Ok(()),
        })
    }

    fn listen(&self, listener: Arc<dyn CompletionListener>, index: usize) -> Listen {
        let core = HasCore::core(self);
        let mut slot = core.lock();
        if core.header.state() & COMPLETE != 0 {
            return Listen::AlreadyEnded(core.header.ended());
        }
        // A gather or wait over 2^32 tasks would need terabytes of tasks first.
        let index = u32::try_from(index).expect("fewer than 2^32 tasks watched at once");
        Listen::Registered(slot.waiters.insert(Waiter::Listen(listener, index)))
    }

    fn remove_waiter(&self, key: usize) {
        HasCore::core(self).lock().waiters.remove(key);
    }

    fn add_done_callback(
        &self,
        callback: DoneCallback,
        schedule: &mut dyn FnMut() -> ScheduleCallbacks,
    ) -> Result<(), DoneCallback> {
        let core = HasCore::core(self);
        let mut slot = core.lock();
        if core.header.state() & COMPLETE != 0 {
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

    fn error(&self) -> Option<TaskError> {
        match &HasCore::core(self).lock().outcome {
            Outcome::Done(Err(e)) => Some(e.clone()),
            _ => None,
        }
    }

    fn abort(&self) -> bool {
        HasCore::abort(self)
    }
}

#[cfg(all(test, asyncio_loom))]
#[path = "core_loom.rs"]
pub(crate) mod loom_models;
