//! The two views of a task that handles hold: typed ([`CoreOwner`], what a
//! [`Task<T>`](crate::Task) points at) and erased ([`ErasedCore`], what an
//! [`AnyTask`](crate::AnyTask), the registry, gather and wait point at).
//!
//! A task's [`Core`] is owned by a spawned task's cell (`runtime/cell.rs`), by the main task
//! (`runtime/main_task.rs`) or, in unit tests, stands alone. Each owner implements
//! [`CoreOwner`]; [`ErasedCore`] follows for every owner, and a `dyn CoreOwner<Output = T>`
//! upcasts to a `dyn ErasedCore`.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::core::Core;
use super::header::Header;
use super::waiters::{CompletionListener, DoneCallback, Listen, ScheduleCallbacks};
use crate::error::TaskError;
use crate::task::request::Request;

/// What owns a task's [`Core`] with output `Output`. Handles point at the owner.
pub(crate) trait CoreOwner: ErasedCore {
    type Output;
    fn core(&self) -> &Core<Self::Output>;
    /// Runtime teardown: ends the task as cancelled if it is still running; `true` if it did.
    fn abort_owned(&self) -> bool {
        false
    }
    /// A cancellation was requested: wake the task so that it is delivered even if the task is
    /// parked in a long sleep. By value: a spawned task schedules itself with this reference.
    fn wake_owned(self: Arc<Self>) {
        drop(self);
    }
}

impl<T: Send + 'static> CoreOwner for Core<T> {
    type Output = T;
    #[inline]
    fn core(&self) -> &Core<T> {
        self
    }
}

/// The type-erased view of a task.
pub(crate) trait ErasedCore: Send + Sync {
    fn header(&self) -> &Header;
    /// Records a new cancellation request, without waking: see `cancel::request`.
    fn request(&self, request: Request) -> bool;
    /// Makes a delivered request pending again, not counted: see `cancel::reraise`.
    fn reraise(&self, request: Request) -> bool;
    /// Wakes the task so that a pending cancellation is delivered.
    fn wake_for_cancel(self: Arc<Self>);
    /// Takes the pending request for delivery.
    fn take_request(&self) -> Option<Request>;
    /// Waits for the end, registering a waker under `key`; the error if it failed.
    fn poll_done(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<Result<(), TaskError>>;
    /// Waits for the end without reading the outcome (see `Core::poll_end`).
    fn poll_end(&self, cx: &mut Context<'_>, key: &mut Option<usize>) -> Poll<()>;
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
    /// The error of an ended task (`None` for a value, or while running); retrieves a panic.
    fn error(&self) -> Option<TaskError>;
    /// The error, without counting as a retrieval (the runtime's own reports).
    fn peek_error(&self) -> Option<TaskError>;
    /// Runtime teardown: ends the task as cancelled if it is still running; `true` if it did.
    fn abort(&self) -> bool;
}

impl<C: CoreOwner> ErasedCore for C {
    fn header(&self) -> &Header {
        CoreOwner::core(self).header()
    }

    fn request(&self, request: Request) -> bool {
        CoreOwner::core(self).request(request)
    }

    fn reraise(&self, request: Request) -> bool {
        CoreOwner::core(self).reraise(request)
    }

    fn wake_for_cancel(self: Arc<Self>) {
        CoreOwner::wake_owned(self);
    }

    fn take_request(&self) -> Option<Request> {
        CoreOwner::core(self).take_request()
    }

    fn poll_done(
        &self,
        cx: &mut Context<'_>,
        key: &mut Option<usize>,
    ) -> Poll<Result<(), TaskError>> {
        CoreOwner::core(self).poll_done(cx, key)
    }

    fn poll_end(&self, cx: &mut Context<'_>, key: &mut Option<usize>) -> Poll<()> {
        CoreOwner::core(self).poll_end(cx, key)
    }

    fn listen(&self, listener: Arc<dyn CompletionListener>, index: usize) -> Listen {
        CoreOwner::core(self).listen(listener, index)
    }

    fn remove_waiter(&self, key: usize) {
        CoreOwner::core(self).remove_waiter(key);
    }

    fn add_done_callback(
        &self,
        callback: DoneCallback,
        schedule: &mut dyn FnMut() -> ScheduleCallbacks,
    ) -> Result<(), DoneCallback> {
        CoreOwner::core(self).add_done_callback(callback, schedule)
    }

    fn error(&self) -> Option<TaskError> {
        CoreOwner::core(self).error()
    }

    fn peek_error(&self) -> Option<TaskError> {
        CoreOwner::core(self).peek_error()
    }

    fn abort(&self) -> bool {
        CoreOwner::abort_owned(self)
    }
}
