//! A spawned task in one allocation: its [`Core`] (what its handles see, with its scheduling
//! state, `task/state.rs`), and its [`Body`] (the future). The cell is the task's waker, its
//! entry in the run queue and in the registry, and what every `Task`/`AnyTask` handle points at.
//! Only the runner that moved the task from scheduled to running polls it, so the future is
//! never polled on two threads at once.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use super::body::Body;
use super::registry::RegistryKey;
use super::runnable::Runnable;
use super::shared::Shared;
use crate::contain;
use crate::id::TaskId;
use crate::task::core::Core;
use crate::task::erased::{CoreOwner, ErasedCore};
use crate::task::header::TaskName;
use crate::task::state::Ended;

/// One spawned task; see the module docs.
pub(crate) struct TaskCell<F: Future> {
    core: Core<F::Output>,
    shared: Arc<Shared>,
    // Inline, not boxed: one allocation per task instead of two (see `body`).
    body: Mutex<Body<F>>,
}

impl<F> TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// A new task, already in its `Arc`: a cell never exists outside one (the pinning in
    /// [`with_body`](Self::with_body) relies on it).
    pub(crate) fn new(
        id: TaskId,
        name: Option<TaskName>,
        shared: Arc<Shared>,
        registration: RegistryKey,
        future: F,
    ) -> Arc<Self> {
        Arc::new(TaskCell {
            core: Core::with_id(id, name, registration.slot()),
            shared,
            body: Mutex::new(Body::new(future)),
        })
    }

    /// Runs `f` on the pinned body.
    ///
    /// The body is pinned in place inside the cell rather than boxed: measured with callgrind
    /// and perf (docs/performance.md, "Notes"), the second allocation per task cost ~25% of
    /// spawn + await and ~30 B per task. Pinning in place needs the one `unsafe` of the crate.
    #[allow(unsafe_code)]
    fn with_body<R>(&self, f: impl FnOnce(Pin<&mut Body<F>>) -> R) -> R {
        // `Body` contains the panics of the task's future; a poisoned lock can only come from
        // a bug of ours, and the state is still consistent.
        let mut body = self.body.lock().unwrap_or_else(PoisonError::into_inner);
        // SAFETY: `Pin::new_unchecked` requires that the body is never moved again until it is
        // dropped. The body is a field of this cell, and a cell is only ever created inside an
        // `Arc` (`TaskCell::new` returns the `Arc`) that is never unwrapped (no
        // `Arc::into_inner`, `try_unwrap` or `get_mut` on a cell), so the cell never moves. The
        // body is only reached through this mutex and only as `Pin<&mut Body<F>>`, and `Body`
        // has no method that moves the future out (`Body::poll` and `Body::abandon` drop it in
        // place with `Pin::set`). It is dropped in place when the cell is dropped. Tested by
        // `tests/pinned.rs`: futures that check their own address on every poll and drop.
        f(unsafe { Pin::new_unchecked(&mut *body) })
    }

    /// The body has ended: no more polls, and the registry forgets the task.
    fn finished(&self) {
        self.core.header().schedule.finish();
        let header = self.core.header();
        let registry = &self.shared.registry;
        registry.remove(registry.key_of(header.id(), header.registry_slot()));
    }
}

impl<F> CoreOwner for TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = F::Output;

    #[inline]
    fn core(&self) -> &Core<F::Output> {
        &self.core
    }

    fn wake_owned(self: Arc<Self>) {
        Wake::wake(self);
    }

    fn abort_owned(&self) -> bool {
        let ended = self.with_body(|body| body.abandon(&self.core));
        if ended {
            self.finished();
        }
        ended
    }
}

impl<F> Runnable for TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn run(self: Arc<Self>) {
        // The task's own code is contained inside `Body::poll` (its future, the destructors, the
        // wakers it calls). Should a bug of ours let a panic through anyway, this guard ends the
        // task (abandoned: cancelled) while it unwinds, so that its awaiters do not wait
        // forever; the runner's catch reports it (`scheduler::Serving::poll`). Free when nothing
        // panics, unlike a catch per task.
        let guard = AbandonOnUnwind(&*self);
        self.poll_once();
        std::mem::forget(guard);
    }
}

/// See [`TaskCell::run`].
struct AbandonOnUnwind<'a, F: Future + Send + 'static>(&'a TaskCell<F>)
where
    F::Output: Send + 'static;

impl<F> Drop for AbandonOnUnwind<'_, F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn drop(&mut self) {
        let cell = self.0;
        if let Err(panic) = contain::catch(|| CoreOwner::abort_owned(cell)) {
            contain::report(
                &cell.core.header().name(),
                "the runtime, abandoning",
                &panic,
            );
        }
    }
}

impl<F> TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[inline]
    fn poll_once(self: &Arc<Self>) {
        if !self.core.header().schedule.start() {
            return;
        }
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        let mut this: Option<Arc<dyn ErasedCore>> = Some(self.clone());
        let polled = self.with_body(|body| body.poll(&self.core, &mut this, &mut cx));
        drop(this);
        match polled {
            Poll::Ready(()) => {
                self.finished();
                if self.core.header().state().ended() == Ended::Panicked {
                    self.shared.panicked.record(self.clone());
                }
            }
            Poll::Pending => {
                if self.core.header().schedule.stop() {
                    self.shared.scheduler.push(self.clone());
                }
            }
        }
    }
}

impl<F> Wake for TaskCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn wake(self: Arc<Self>) {
        if self.core.header().schedule.wake() {
            self.shared.scheduler.push(self.clone());
        }
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.core.header().schedule.wake() {
            self.shared.scheduler.push(self.clone());
        }
    }
}

#[cfg(test)]
mod size_budget {
    /// A task for a future with no state of its own (e.g. `std::future::pending()`) must fit
    /// the allocator's 160-byte class with the `Arc` header (16 B) and glibc's chunk header
    /// (8 B), i.e. 136 B: that is what keeps a parked task under the 250 B target of
    /// docs/performance.md with room to spare. A field added to the cell or the core shows up
    /// here first.
    #[test]
    fn a_trivial_task_fits_its_size_class() {
        let cell = std::mem::size_of::<super::TaskCell<std::future::Pending<()>>>();
        assert!(cell <= 136, "TaskCell grew to {cell} B (budget 136 B)");
    }
}
