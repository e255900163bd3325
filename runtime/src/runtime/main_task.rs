//! The main task: `run` blocks on it rather than spawning it, as its future need not be `Send`
//! or `'static`. Its core stands alone (no cell), and a cancel wakes `run`'s waker.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use atomic_waker::AtomicWaker;
use pin_project_lite::pin_project;

use super::body::Body;
use super::current;
use super::registry::RegistryKey;
use crate::cancel::Request;
use crate::error::TaskError;
use crate::task::core::Core;
use crate::task::erased::{CoreOwner, ErasedCore};

/// The main task's state: its `Core`, and the waker of `run` that polls it, which a `cancel()`
/// wakes.
pub(crate) struct MainCore {
    core: Core<()>,
    waker: AtomicWaker,
}

impl MainCore {
    pub(crate) fn new() -> Self {
        MainCore {
            core: Core::new(None),
            waker: AtomicWaker::new(),
        }
    }
}

impl CoreOwner for MainCore {
    type Output = ();

    fn core(&self) -> &Core<()> {
        &self.core
    }

    fn wake_owned(self: Arc<Self>) {
        self.waker.wake();
    }
}

pin_project! {
    /// The main task: `run` blocks on it rather than spawning it, as its future need not be
    /// `Send` or `'static`.
    pub(crate) struct MainHarness<F: Future<Output = ()>> {
        core: Arc<MainCore>,
        this: Option<Arc<dyn ErasedCore>>,
        registration: Option<RegistryKey>,
        #[pin]
        body: Body<F>,
    }

    impl<F: Future<Output = ()>> PinnedDrop for MainHarness<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if !this.core.core.header().is_done() {
                // Dropped unfinished (a panic unwinding through `run`): its awaiters must not
                // wait forever.
                this.core.core.complete(Err(TaskError::Cancelled(Request::default().into_cancelled())));
                unregister(this.registration);
            }
        }
    }
}

impl<F: Future<Output = ()>> MainHarness<F> {
    pub(crate) fn new(core: Arc<MainCore>, registration: RegistryKey, future: F) -> Self {
        let this: Arc<dyn ErasedCore> = core.clone();
        MainHarness {
            core,
            this: Some(this),
            registration: Some(registration),
            body: Body::new(future),
        }
    }
}

fn unregister(registration: &mut Option<RegistryKey>) {
    if let Some(key) = registration.take() {
        let _ = current::with_runtime(|rt| rt.registry.remove(key));
    }
}

impl<F: Future<Output = ()>> Future for MainHarness<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        this.core.waker.register(cx.waker());
        std::task::ready!(this.body.poll(&this.core.core, this.this, cx));
        unregister(this.registration);
        Poll::Ready(())
    }
}

pin_project! {
    /// Catches a panic of the inner future, keeping the payload (for `run`, which re-raises
    /// `main`'s panic after shutdown).
    pub(crate) struct CatchUnwind<F> {
        #[pin]
        future: F,
    }
}

impl<F> CatchUnwind<F> {
    pub(crate) fn new(future: F) -> Self {
        CatchUnwind { future }
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.project().future;
        match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
