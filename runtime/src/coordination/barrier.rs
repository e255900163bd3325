//! `Barrier`: Python's `asyncio.Barrier` (3.11), with its four states.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::error::BrokenBarrierError;
use super::wait_list::lock_state;
use super::wait_list::{Key, WaitList, Wakeups};
use crate::sync::Mutex;

/// Python's `_BarrierState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Tasks arrive and wait.
    Filling,
    /// The last one arrived: the waiters leave; newcomers wait for them to be gone.
    Draining,
    /// `reset()` while tasks waited: they leave with `BrokenBarrierError`, then `Filling`.
    Resetting,
    /// `abort()`: every wait fails until `reset()`.
    Broken,
}

struct BarrierState {
    state: State,
    /// Tasks inside `wait` (arrived and not yet left).
    count: usize,
    /// Every task blocked in `wait`, woken on each change of state (Python's `notify_all`).
    waiters: WaitList,
}

impl BarrierState {
    /// Python's `_exit`: the last task out of a draining or resetting barrier refills it.
    fn leave(&mut self, wake: &mut Wakeups) {
        self.count -= 1;
        if self.count == 0 && matches!(self.state, State::Draining | State::Resetting) {
            self.state = State::Filling;
            self.waiters.notify_all(wake);
        }
    }
}

struct Shared {
    parties: usize,
    state: Mutex<BarrierState>,
}

/// A barrier: Python's `asyncio.Barrier`. Tasks wait until `parties` of them have arrived,
/// then all go on; it can be used again (cyclic).
///
/// A cheap [`Clone`] handle. [`wait`](Barrier::wait) returns the arrival index
/// `0..parties`; [`abort`](Barrier::abort) breaks the barrier (every wait then fails with
/// [`BrokenBarrierError`]) and [`reset`](Barrier::reset) makes it usable again, failing the
/// tasks that were waiting. A task cancelled in `wait` while the barrier fills simply leaves
/// the count, as in Python: the barrier is not broken.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let barrier = asyncio::Barrier::new(3);
///     let tasks = (0..3).map(|_| {
///         let barrier = barrier.clone();
///         async move { barrier.wait().await.unwrap() }
///     });
///     let mut indices = asyncio::gather_all(tasks).await.unwrap();
///     indices.sort();
///     assert_eq!(indices, [0, 1, 2]);
/// });
/// ```
#[derive(Clone)]
pub struct Barrier {
    shared: Arc<Shared>,
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// # Panics
    /// If `parties` is 0 (Python: `ValueError`).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::Barrier::new(2).parties(), 2);
    /// assert!(std::panic::catch_unwind(|| asyncio::Barrier::new(0)).is_err());
    /// ```
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "Barrier::new: parties must be > 0");
        Barrier {
            shared: Arc::new(Shared {
                parties,
                state: Mutex::new(BarrierState {
                    state: State::Filling,
                    count: 0,
                    waiters: WaitList::default(),
                }),
            }),
        }
    }

    /// Waits until `parties` tasks are waiting, then returns this task's arrival index
    /// (`0..parties`); `Err(BrokenBarrierError)` if the barrier is broken or is reset while
    /// this task waits. A task arriving while the previous round drains waits for it first.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let barrier = asyncio::Barrier::new(1);
    ///     assert_eq!(barrier.wait().await, Ok(0));
    ///     assert_eq!(barrier.wait().await, Ok(0)); // cyclic
    /// });
    /// ```
    pub async fn wait(&self) -> Result<usize, BrokenBarrierError> {
        BarrierWait {
            shared: &self.shared,
            key: None,
            index: None,
        }
        .await
    }

    /// Puts the barrier back to its empty state: tasks waiting in it fail with
    /// [`BrokenBarrierError`]; a broken barrier becomes usable again.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let barrier = asyncio::Barrier::new(2);
    ///     barrier.abort().await;
    ///     assert!(barrier.broken());
    ///     barrier.reset().await;
    ///     assert!(!barrier.broken());
    /// });
    /// ```
    pub async fn reset(&self) {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.shared.state);
        if state.count > 0 {
            state.state = State::Resetting;
        } else {
            state.state = State::Filling;
        }
        state.waiters.notify_all(&mut wake);
    }

    /// Breaks the barrier: current and later waits fail with [`BrokenBarrierError`] until
    /// [`reset`](Barrier::reset).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let barrier = asyncio::Barrier::new(2);
    ///     barrier.abort().await;
    ///     assert!(barrier.wait().await.is_err());
    /// });
    /// ```
    pub async fn abort(&self) {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.shared.state);
        state.state = State::Broken;
        state.waiters.notify_all(&mut wake);
    }

    /// How many tasks must wait for the barrier to pass.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::Barrier::new(4).parties(), 4);
    /// ```
    pub fn parties(&self) -> usize {
        self.shared.parties
    }

    /// How many tasks wait in the filling barrier now (0 while it drains or resets).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::Barrier::new(4).n_waiting(), 0);
    /// ```
    pub fn n_waiting(&self) -> usize {
        let state = lock_state(&self.shared.state);
        if state.state == State::Filling {
            state.count
        } else {
            0
        }
    }

    /// Whether the barrier is broken ([`abort`](Barrier::abort)ed and not reset).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert!(!asyncio::Barrier::new(1).broken());
    /// ```
    pub fn broken(&self) -> bool {
        lock_state(&self.shared.state).state == State::Broken
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock_state(&self.shared.state);
        f.debug_struct("Barrier")
            .field("parties", &self.shared.parties)
            .field("state", &state.state)
            .field("count", &state.count)
            .finish()
    }
}

struct BarrierWait<'a> {
    shared: &'a Shared,
    /// Our place among the blocked tasks, while queued.
    key: Option<Key>,
    /// Our arrival index once counted.
    index: Option<usize>,
}

impl Future for BarrierWait<'_> {
    type Output = Result<usize, BrokenBarrierError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut wake = Wakeups::default();
        let mut state = lock_state(&this.shared.state);
        if let Some(key) = this.key {
            if state.waiters.take_notified(key).is_none() {
                state.waiters.update_waker(key, cx.waker());
                return Poll::Pending;
            }
            this.key = None;
        }
        match this.index {
            // Python's `_block`: wait while the previous round drains or resets.
            None => match state.state {
                State::Draining | State::Resetting => {}
                State::Broken => return Poll::Ready(Err(BrokenBarrierError(()))),
                State::Filling => {
                    let index = state.count;
                    state.count += 1;
                    if state.count == this.shared.parties {
                        // Python's `_release`: the last one in lets everyone go.
                        state.state = State::Draining;
                        state.waiters.notify_all(&mut wake);
                        state.leave(&mut wake);
                        return Poll::Ready(Ok(index));
                    }
                    this.index = Some(index);
                }
            },
            // Python's `_wait`: until the state is no longer filling.
            Some(index) => match state.state {
                State::Filling => {}
                State::Draining => {
                    this.index = None;
                    state.leave(&mut wake);
                    return Poll::Ready(Ok(index));
                }
                State::Broken | State::Resetting => {
                    this.index = None;
                    state.leave(&mut wake);
                    return Poll::Ready(Err(BrokenBarrierError(())));
                }
            },
        }
        this.key = Some(state.waiters.push_back(cx.waker()));
        Poll::Pending
    }
}

impl Drop for BarrierWait<'_> {
    fn drop(&mut self) {
        if self.key.is_none() && self.index.is_none() {
            return;
        }
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.shared.state);
        if let Some(key) = self.key.take() {
            // Every change wakes all: an unused wake-up has nobody to pass to.
            state.waiters.remove(key);
        }
        if self.index.take().is_some() {
            // Cancelled while counted: leave the count, as Python's `finally` does.
            state.leave(&mut wake);
        }
    }
}
