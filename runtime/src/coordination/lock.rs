//! `Lock<T>`: Python's `asyncio.Lock`, holding the data it protects.
//!
//! Written here rather than taken from `async-lock` (whose `Mutex` is otherwise what we would
//! use): `async_lock::Mutex` lets a newcomer overtake a woken waiter (its `unlock` only wakes a
//! listener, and `try_lock` races it), and its `is_locked` is false in that window; Python's
//! tests (`test_acquire`, `test_cancel_race`, `test_finished_waiter_cancelled`...) pin FIFO
//! service and a `locked()` that stays true until the woken waiter took its turn. Here the releaser hands the
//! value *to* the first waiter (`WaitList::notify_first`), so the lock never looks free while
//! anyone waits, and a waiter dropped after the hand-off (its task cancelled) hands it on.
//!
//! The value moves: it sits in the lock while the lock is free and in the guard while it is
//! held, so the guard owns it outright (no lifetime, no `unsafe`). For a large `T` that is a
//! copy per acquire; box it (`Lock<Box<T>>`) if that matters.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::wait_list::lock_state;
use super::wait_list::{Key, WaitList, Wakeups};
use crate::sync::Mutex;

pub(crate) struct LockShared<T> {
    state: Mutex<LockState<T>>,
}

struct LockState<T> {
    /// `Some` exactly when the lock is free (then nobody waits).
    value: Option<T>,
    waiters: WaitList<T>,
}

impl<T> LockShared<T> {
    pub(crate) fn new(value: T) -> Self {
        LockShared {
            state: Mutex::new(LockState {
                value: Some(value),
                waiters: WaitList::default(),
            }),
        }
    }

    pub(crate) fn locked(&self) -> bool {
        lock_state(&self.state).value.is_none()
    }

    pub(crate) fn try_take(&self) -> Option<T> {
        lock_state(&self.state).value.take()
    }

    /// One step of an acquire: `key` is the waiter's ticket once it queued.
    pub(crate) fn poll_acquire(&self, key: &mut Option<Key>, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = lock_state(&self.state);
        if let Some(k) = *key {
            if let Some(value) = state.waiters.take_notified(k) {
                *key = None;
                return Poll::Ready(value);
            }
            state.waiters.update_waker(k, cx.waker());
            return Poll::Pending;
        }
        if let Some(value) = state.value.take() {
            return Poll::Ready(value);
        }
        *key = Some(state.waiters.push_back(cx.waker()));
        Poll::Pending
    }

    /// An acquire that queued is given up (its future dropped): leave the queue, and hand on a
    /// value that was handed to it.
    pub(crate) fn cancel_acquire(&self, key: Key) {
        let handed = lock_state(&self.state).waiters.remove(key);
        if let Some(value) = handed {
            self.release(value);
        }
    }

    /// Gives the value back: to the first waiter, or to the lock if nobody waits.
    pub(crate) fn release(&self, value: T) {
        let mut wake = Wakeups::default();
        let mut state = lock_state(&self.state);
        match state.waiters.notify_first(value) {
            Ok(waker) => wake.push(waker),
            Err(value) => state.value = Some(value),
        }
    }
}

/// An asynchronous mutual-exclusion lock: Python's `asyncio.Lock`, holding the data it protects
/// (`Lock<()>`, the default, is Python's bare lock).
///
/// A cheap [`Clone`] handle: clones share one lock. [`acquire`](Lock::acquire) waits its turn
/// in FIFO order and gives a [`LockGuard`], which owns the lock until it is dropped (Python's
/// `async with lock:`); the guard has no lifetime, so it can be kept, returned or sent to
/// another task, which then releases it. A task cancelled while waiting leaves the queue and
/// never holds the lock; if the lock had already been handed to it, it passes to the next
/// waiter. A panic while a guard is held releases the lock as the guard unwinds.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let counter = asyncio::Lock::new(0);
///     let tasks: Vec<_> = (0..10)
///         .map(|_| {
///             let counter = counter.clone();
///             asyncio::spawn(async move {
///                 let mut n = counter.acquire().await;
///                 let seen = *n;
///                 asyncio::yield_now().await; // others run, but wait for the lock
///                 *n = seen + 1;
///             })
///         })
///         .collect();
///     asyncio::gather_all(tasks).await.unwrap();
///     assert_eq!(*counter.acquire().await, 10);
/// });
/// ```
pub struct Lock<T = ()> {
    shared: Arc<LockShared<T>>,
}

impl<T> Lock<T> {
    /// A free lock holding `value`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let lock = asyncio::Lock::new(vec![1, 2]);
    /// assert!(!lock.locked());
    /// ```
    pub fn new(value: T) -> Self {
        Lock {
            shared: Arc::new(LockShared::new(value)),
        }
    }

    /// Waits until the lock is free and this call's turn has come (first come, first served),
    /// then holds it until the guard is dropped: Python's `await lock.acquire()` and
    /// `async with lock:`.
    ///
    /// Cancel-safe: if the waiting future is dropped (its task cancelled), it leaves the queue
    /// and never holds the lock; a lock already handed to it goes to the next waiter.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let lock = asyncio::Lock::new(String::new());
    ///     lock.acquire().await.push_str("hello");
    ///     assert_eq!(*lock.acquire().await, "hello");
    /// });
    /// ```
    pub async fn acquire(&self) -> LockGuard<T> {
        let value = Acquire {
            shared: &self.shared,
            key: None,
        }
        .await;
        LockGuard {
            shared: self.shared.clone(),
            value: Some(value),
        }
    }

    /// Takes the lock if it is free now (nobody holds it and nobody waits for it), without
    /// waiting.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let lock = asyncio::Lock::default();
    /// let guard = lock.try_acquire().unwrap();
    /// assert!(lock.try_acquire().is_none());
    /// drop(guard);
    /// assert!(lock.try_acquire().is_some());
    /// ```
    pub fn try_acquire(&self) -> Option<LockGuard<T>> {
        let value = self.shared.try_take()?;
        Some(LockGuard {
            shared: self.shared.clone(),
            value: Some(value),
        })
    }

    /// Whether [`acquire`](Lock::acquire) would wait: the lock is held, or has been handed to
    /// a woken waiter that has not yet taken its turn.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let lock = asyncio::Lock::default();
    /// let guard = lock.try_acquire();
    /// assert!(lock.locked());
    /// drop(guard);
    /// assert!(!lock.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.shared.locked()
    }
}

impl<T> Clone for Lock<T> {
    fn clone(&self) -> Self {
        Lock {
            shared: self.shared.clone(),
        }
    }
}

/// Python's `asyncio.Lock()`: a bare lock (only for `Lock<()>`, so that `Lock::default()`
/// needs no type annotation).
impl Default for Lock {
    fn default() -> Self {
        Lock::new(())
    }
}

impl<T> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .finish_non_exhaustive()
    }
}

/// The waiting part of [`Lock::acquire`].
struct Acquire<'a, T> {
    shared: &'a LockShared<T>,
    key: Option<Key>,
}

impl<T> Future for Acquire<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        this.shared.poll_acquire(&mut this.key, cx)
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.shared.cancel_acquire(key);
        }
    }
}

/// Holds a [`Lock`] until dropped; dereferences to the protected value.
///
/// Owned (`'static`, no lifetime): it may be returned from a task or handed to another, and
/// it is `Send` when `T` is.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let lock = asyncio::Lock::new(1);
///     let guard: asyncio::LockGuard<i32> = lock.acquire().await;
///     let holder = asyncio::spawn(async move {
///         let mut guard = guard; // another task releases it
///         *guard += 1;
///     });
///     holder.await.unwrap();
///     assert_eq!(*lock.acquire().await, 2);
/// });
/// ```
pub struct LockGuard<T> {
    shared: Arc<LockShared<T>>,
    /// `Some` until the drop gives it back.
    value: Option<T>,
}

impl<T> Deref for LockGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_ref().expect("a live guard holds the value")
    }
}

impl<T> DerefMut for LockGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("a live guard holds the value")
    }
}

impl<T> Drop for LockGuard<T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.shared.release(value);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LockGuard").field(&**self).finish()
    }
}

impl<T> LockGuard<T> {
    /// The lock this guard holds.
    pub(crate) fn shared(&self) -> &Arc<LockShared<T>> {
        &self.shared
    }

    /// A guard for a value just acquired from `shared`.
    pub(crate) fn from_parts(shared: Arc<LockShared<T>>, value: T) -> Self {
        LockGuard {
            shared,
            value: Some(value),
        }
    }
}
