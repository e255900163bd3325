//! `Event`: Python's `asyncio.Event`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::wait_list::lock_state;
use super::wait_list::{Key, WaitList, Wakeups};
use crate::sync::Mutex;

// Written here rather than on `event-listener`: a waiter that was woken by `set()` returns
// `true`-equivalent even if `clear()` ran before it was polled (Python's
// `test_clear_with_waiters`); the per-waiter "notified" mark of our wait list gives that
// directly, where an `event-listener` user would have to re-check a flag that was cleared.
struct EventState {
    set: bool,
    waiters: WaitList,
}

/// An event flag that tasks wait for: Python's `asyncio.Event`.
///
/// A cheap [`Clone`] handle: clones share one event. [`set`](Event::set) wakes every waiting
/// task; a task woken by it returns from [`wait`](Event::wait) even if the event is cleared
/// before it runs, as in Python.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let ready = asyncio::Event::new();
///     let waiter = asyncio::spawn({
///         let ready = ready.clone();
///         async move {
///             ready.wait().await;
///             "go"
///         }
///     });
///     asyncio::yield_now().await;
///     ready.set();
///     assert_eq!(waiter.await.unwrap(), "go");
/// });
/// ```
#[derive(Clone)]
pub struct Event {
    state: Arc<Mutex<EventState>>,
}

impl Event {
    /// An event that is not set.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert!(!asyncio::Event::new().is_set());
    /// ```
    pub fn new() -> Self {
        Event {
            state: Arc::new(Mutex::new(EventState {
                set: false,
                waiters: WaitList::default(),
            })),
        }
    }

    /// Sets the flag and wakes every task waiting for it.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let event = asyncio::Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn set(&self) {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.state);
        if !state.set {
            state.set = true;
            state.waiters.notify_all(&mut wake);
        }
    }

    /// Clears the flag: later calls to [`wait`](Event::wait) wait again.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let event = asyncio::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        lock_state(&self.state).set = false;
    }

    /// Whether the flag is set.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let event = asyncio::Event::new();
    /// assert!(!event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        lock_state(&self.state).set
    }

    /// Waits until the flag is set (returns at once if it is). Cancel-safe: a dropped wait
    /// simply leaves the queue.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let event = asyncio::Event::new();
    ///     event.set();
    ///     event.wait().await; // already set: no wait
    /// });
    /// ```
    pub async fn wait(&self) {
        EventWait {
            state: &self.state,
            key: None,
        }
        .await
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish_non_exhaustive()
    }
}

struct EventWait<'a> {
    state: &'a Mutex<EventState>,
    key: Option<Key>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = lock_state(self.state);
        if let Some(key) = self.key {
            if state.waiters.take_notified(key).is_some() {
                drop(state);
                self.key = None;
                return Poll::Ready(());
            }
            state.waiters.update_waker(key, cx.waker());
            return Poll::Pending;
        }
        if state.set {
            return Poll::Ready(());
        }
        let key = state.waiters.push_back(cx.waker());
        drop(state);
        self.key = Some(key);
        Poll::Pending
    }
}

impl Drop for EventWait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            // Every waiter is woken by `set`: a wake-up not used has nobody to pass to.
            lock_state(self.state).waiters.remove(key);
        }
    }
}
