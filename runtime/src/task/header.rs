//! The lock-free part of a task's state, shared by every handle whatever its output type: its
//! lifecycle word, scheduling word, id, name, and the counters of handles, cancellation
//! requests and catching scopes.

use super::state::{Ended, Schedule, State};
use crate::id::TaskId;
use crate::sync::{AtomicU16, AtomicU32, AtomicU8, Ordering};

/// A task's explicit name. Boxed twice so that unnamed tasks (most of them) pay one word in
/// every task, not the two of a `Box<str>`.
#[allow(clippy::box_collection)]
pub(crate) type TaskName = Box<String>;

/// The lock-free part of a task's state, shared by every handle whatever its type.
pub(crate) struct Header {
    state: AtomicU8,
    /// A spawned task's scheduling state (`state.rs`); here because it fits in the header's
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
    #[inline]
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }

    #[inline]
    pub(crate) fn registry_slot(&self) -> u32 {
        self.registry_slot
    }

    pub(crate) fn name(&self) -> String {
        match &self.name {
            Some(name) => name.to_string(),
            None => format!("Task-{}", self.id),
        }
    }

    /// A new task's header.
    pub(crate) fn new(id: TaskId, name: Option<TaskName>, registry_slot: u32) -> Self {
        Header {
            state: AtomicU8::new(State::RUNNING.bits()),
            schedule: Schedule::new_scheduled(),
            id,
            name,
            catch_depth: AtomicU16::new(0),
            registry_slot,
            handles: AtomicU32::new(0),
            cancel_requests: AtomicU32::new(0),
        }
    }

    /// The lifecycle word, as seen now.
    #[inline]
    pub(crate) fn state(&self) -> State {
        State::from_bits(self.state.load(Ordering::Acquire))
    }

    /// Stores the lifecycle word. Only the core does, under its slot's lock (`Core::set_state`).
    #[inline]
    pub(super) fn store_state(&self, state: State) {
        self.state.store(state.bits(), Ordering::Release);
    }

    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.state().is_done()
    }

    #[inline]
    pub(crate) fn is_cancelled(&self) -> bool {
        self.state().is_cancelled()
    }

    #[inline]
    pub(crate) fn cancel_pending(&self) -> bool {
        self.state().cancel_pending()
    }

    #[inline]
    pub(crate) fn catch_depth(&self) -> u32 {
        u32::from(self.catch_depth.load(Ordering::Relaxed))
    }

    /// Enters a catching scope; returns its level (the depth including it).
    pub(crate) fn enter_catch(&self) -> u32 {
        let depth = self.catch_depth.fetch_add(1, Ordering::Relaxed);
        assert!(depth < u16::MAX, "catch_cancel scopes nested too deeply");
        u32::from(depth) + 1
    }

    pub(crate) fn leave_catch(&self) {
        self.catch_depth.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn cancelling(&self) -> usize {
        self.cancel_requests.load(Ordering::Relaxed) as usize
    }

    /// [`cancelling`](Self::cancelling), ordered after what the request it counts did before
    /// (for the harness's "did a request arrive during this poll?").
    #[inline]
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

    /// Counts a new cancellation request. With Release, before the request's pending bit is
    /// set: see the body's `requests_before`.
    #[inline]
    pub(super) fn count_request(&self) {
        self.cancel_requests.fetch_add(1, Ordering::Release);
    }

    /// Some `Task<T>` handle is alive.
    #[inline]
    pub(super) fn has_handles(&self) -> bool {
        self.handles.load(Ordering::Acquire) != 0
    }

    #[inline]
    pub(crate) fn add_handle(&self) {
        self.handles.fetch_add(1, Ordering::Relaxed);
    }

    /// `true` if it was the last handle.
    #[inline]
    pub(super) fn drop_handle(&self) -> bool {
        self.handles.fetch_sub(1, Ordering::AcqRel) == 1
    }

    #[inline]
    pub(super) fn sole_handle(&self) -> bool {
        self.handles.load(Ordering::Acquire) == 1
    }

    #[inline]
    pub(super) fn ended(&self) -> Ended {
        self.state().ended()
    }
}
