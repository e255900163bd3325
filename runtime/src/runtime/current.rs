//! Which runtime this thread serves: set by `run` on its thread and by each worker on its own.

use std::cell::RefCell;
use std::sync::Arc;

use super::shared::Shared;

thread_local! {
    static RUNTIME: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
}

/// Marks this thread as serving `shared` until the guard is dropped.
pub(crate) struct RuntimeGuard(());

impl RuntimeGuard {
    /// Panics if the thread already serves a runtime: `run` cannot nest.
    pub(crate) fn enter(shared: Arc<Shared>) -> RuntimeGuard {
        RUNTIME.with(|rt| {
            let mut rt = rt.borrow_mut();
            assert!(
                rt.is_none(),
                "asyncio::run (or #[async_main] / #[async_test]) was called inside a running \
                 asyncio runtime: runtimes do not nest. Await the future, or spawn it with \
                 spawn!/asyncio::spawn, instead"
            );
            *rt = Some(shared);
        });
        RuntimeGuard(())
    }
}

impl Drop for RuntimeGuard {
    fn drop(&mut self) {
        let shared = RUNTIME.with(|rt| rt.borrow_mut().take());
        drop(shared);
    }
}

/// Runs `f` with this thread's runtime, or returns `None` outside any runtime.
pub(crate) fn with_runtime<R>(f: impl FnOnce(&Arc<Shared>) -> R) -> Option<R> {
    RUNTIME.with(|rt| rt.borrow().as_ref().map(f))
}
