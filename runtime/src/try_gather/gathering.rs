//! The waiting machinery shared by the tuple and the dynamic forms of `try_gather`: one
//! completion listener records the order in which the children end.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use atomic_waker::AtomicWaker;

use crate::cancel::forward;
use crate::error::TaskError;
use crate::handle::any::AnyTask;
use crate::task::erased::ErasedCore;
use crate::task::state::Ended;
use crate::task::waiters::{CompletionListener, Listen};
use crate::watch::stop_watching;

/// The children of a `try_gather`, seen through what the waiting needs.
pub(super) trait TryChildren<E> {
    fn count(&self) -> usize;
    fn core(&self, index: usize) -> &dyn ErasedCore;
    fn any(&self, index: usize) -> AnyTask;
    /// Reads the outcome of child `index`, which has ended: keeps an `Ok` value, gives back the
    /// child's `Err` or its `TaskError`.
    fn collect(&mut self, index: usize) -> Result<(), Result<E, TaskError>>;
}

/// The order in which the children end: one listener registered on every child.
pub(super) struct Arrivals {
    ended: Mutex<Vec<usize>>,
    waker: AtomicWaker,
}

impl Arrivals {
    fn take(&self) -> Vec<usize> {
        std::mem::take(&mut *self.ended.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl CompletionListener for Arrivals {
    fn completed(&self, index: usize, _ended: Ended) {
        self.ended
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(index);
        self.waker.wake();
    }
}

/// The waiting machinery shared by the tuple and the dynamic forms.
pub(super) struct TryGathering<E> {
    arrivals: Option<Arc<Arrivals>>,
    keys: Vec<Option<usize>>,
    ended: usize,
    /// The first failure; once set, the other children have been asked to stop.
    failure: Option<E>,
    failed: bool,
    finished: bool,
    /// `E::from`, taken where the bound is checked, so that the futures need no bound of their
    /// own (one misuse, one error).
    pub(super) convert: fn(TaskError) -> E,
}

impl<E> TryGathering<E> {
    pub(super) fn new(convert: fn(TaskError) -> E) -> Self {
        TryGathering {
            arrivals: None,
            keys: Vec::new(),
            ended: 0,
            failure: None,
            failed: false,
            finished: false,
            convert,
        }
    }

    fn start(&mut self, waker: &Waker, children: &impl TryChildren<E>) -> Arc<Arrivals> {
        let arrivals = Arc::new(Arrivals {
            ended: Mutex::new(Vec::new()),
            waker: AtomicWaker::new(),
        });
        arrivals.waker.register(waker);
        let listener: Arc<dyn CompletionListener> = arrivals.clone();
        self.keys = (0..children.count())
            .map(
                |index| match children.core(index).listen(listener.clone(), index) {
                    Listen::Registered(key) => Some(key),
                    Listen::AlreadyEnded(ended) => {
                        arrivals.completed(index, ended);
                        None
                    }
                },
            )
            .collect();
        self.arrivals = Some(arrivals.clone());
        arrivals
    }

    /// `Ready(Ok)` once every child has ended with a value; `Ready(Err)` with the first failure,
    /// once every child has ended.
    pub(super) fn poll(
        &mut self,
        cx: &mut Context<'_>,
        children: &mut impl TryChildren<E>,
    ) -> Poll<Result<(), E>> {
        let arrivals = match &self.arrivals {
            Some(arrivals) => arrivals.clone(),
            None => self.start(cx.waker(), children),
        };
        // Registered before reading, so that a child ending meanwhile wakes this poll's waker.
        arrivals.waker.register(cx.waker());
        for index in arrivals.take() {
            self.ended += 1;
            if self.failed {
                continue; // stopped by us, or a later failure: the first one is reported
            }
            if let Err(failure) = children.collect(index) {
                self.failed = true;
                self.failure = Some(failure.unwrap_or_else(self.convert));
                for other in 0..children.count() {
                    if !children.core(other).header().is_done() {
                        let _ = children.any(other).cancel();
                    }
                }
            }
        }
        if self.ended < children.count() {
            return Poll::Pending;
        }
        self.finished = true;
        stop_watching(
            &mut self.keys,
            (0..children.count()).map(|index| children.core(index)),
        );
        Poll::Ready(self.failure.take().map_or(Ok(()), Err))
    }
}

/// `TryGathering::abandon` without the `From<TaskError>` bound, which `Drop` cannot have.
pub(super) fn abandon<E>(gathering: &mut TryGathering<E>, children: &impl TryChildren<E>) {
    if gathering.finished {
        return;
    }
    gathering.finished = true;
    stop_watching(
        &mut gathering.keys,
        (0..children.count()).map(|index| children.core(index)),
    );
    for index in 0..children.count() {
        if !children.core(index).header().is_done() {
            forward::forward(children.any(index).core().clone());
        }
    }
}
