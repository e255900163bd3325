//! `Condition<T>`: Python's `asyncio.Condition`, a [`Lock`] and a queue of waiters.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::lock::{Lock, LockGuard, LockShared};
use super::wait_list::lock_state;
use super::wait_list::{Key, WaitList, Wakeups};
use crate::sync::Mutex;

type Waiters = Arc<Mutex<WaitList>>;

/// A condition variable: Python's `asyncio.Condition`, a [`Lock`] holding a value and a FIFO
/// queue of tasks waiting to be notified.
///
/// [`acquire`](Condition::acquire) gives a [`ConditionGuard`]; [`ConditionGuard::wait`]
/// releases the lock, waits for a [`notify`](ConditionGuard::notify), and re-acquires it;
/// `notify` and `notify_all` are methods of the guard, because Python requires the lock to be
/// held for them (the guard is the proof).
///
/// Divergence: a task cancelled inside `wait` does not hold the lock afterwards (its guard went
/// with the dropped future), where Python re-acquires before raising. A notification it had
/// received and not used passes to another waiter, as in Python.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let items = asyncio::Condition::new(Vec::new());
///     let consumer = asyncio::spawn({
///         let items = items.clone();
///         async move {
///             let mut items = items.acquire().await.wait_for(|v| !v.is_empty()).await;
///             items.pop().unwrap()
///         }
///     });
///     asyncio::yield_now().await;
///     let mut guard = items.acquire().await;
///     guard.push("job");
///     guard.notify(1);
///     drop(guard);
///     assert_eq!(consumer.await.unwrap(), "job");
/// });
/// ```
pub struct Condition<T = ()> {
    lock: Lock<T>,
    waiters: Waiters,
}

impl<T> Condition<T> {
    /// A condition whose lock is free and holds `value`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let cond = asyncio::Condition::new(0u32);
    /// assert!(!cond.locked());
    /// ```
    pub fn new(value: T) -> Self {
        Condition {
            lock: Lock::new(value),
            waiters: Arc::new(Mutex::new(WaitList::default())),
        }
    }

    /// Acquires the underlying lock (FIFO, cancel-safe as [`Lock::acquire`]).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let cond = asyncio::Condition::new(1);
    ///     let mut guard = cond.acquire().await;
    ///     *guard += 1;
    ///     assert!(cond.locked());
    /// });
    /// ```
    pub async fn acquire(&self) -> ConditionGuard<T> {
        ConditionGuard {
            guard: self.lock.acquire().await,
            waiters: self.waiters.clone(),
        }
    }

    /// Acquires the underlying lock if it is free now.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let cond = asyncio::Condition::default();
    /// let guard = cond.try_acquire();
    /// assert!(guard.is_some() && cond.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<ConditionGuard<T>> {
        Some(ConditionGuard {
            guard: self.lock.try_acquire()?,
            waiters: self.waiters.clone(),
        })
    }

    /// Whether [`acquire`](Condition::acquire) would wait.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let cond = asyncio::Condition::default();
    /// assert!(!cond.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }
}

impl<T> Clone for Condition<T> {
    fn clone(&self) -> Self {
        Condition {
            lock: self.lock.clone(),
            waiters: self.waiters.clone(),
        }
    }
}

/// Python's `asyncio.Condition()`: a bare condition (only for `Condition<()>`, so that
/// `Condition::default()` needs no type annotation).
impl Default for Condition {
    fn default() -> Self {
        Condition::new(())
    }
}

impl<T> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("locked", &self.locked())
            .field("waiters", &lock_state(&self.waiters).len())
            .finish_non_exhaustive()
    }
}

/// Holds a [`Condition`]'s lock; dereferences to the protected value. Owned (`'static`, `Send`
/// when `T` is), like [`LockGuard`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let cond = asyncio::Condition::new(5);
///     let guard: asyncio::ConditionGuard<i32> = cond.acquire().await;
///     assert_eq!(*guard, 5);
/// });
/// ```
pub struct ConditionGuard<T> {
    guard: LockGuard<T>,
    waiters: Waiters,
}

impl<T> ConditionGuard<T> {
    /// Releases the lock, waits until notified, re-acquires the lock and returns its guard:
    /// Python's `await cond.wait()`.
    ///
    /// The task joins the queue of waiters before the lock is released, so a notification
    /// sent by the next holder reaches it. Cancel-safe: a task cancelled here leaves the queue
    /// and does not hold the lock (divergence: Python re-acquires it before raising); a
    /// notification it had received passes to the next waiter.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let cond = asyncio::Condition::new(false);
    ///     let waiter = asyncio::spawn({
    ///         let cond = cond.clone();
    ///         async move {
    ///             let mut guard = cond.acquire().await;
    ///             while !*guard {
    ///                 guard = guard.wait().await;
    ///             }
    ///         }
    ///     });
    ///     asyncio::yield_now().await;
    ///     let mut guard = cond.acquire().await;
    ///     *guard = true;
    ///     guard.notify_all();
    ///     drop(guard);
    ///     waiter.await.unwrap();
    /// });
    /// ```
    pub async fn wait(self) -> ConditionGuard<T> {
        let lock = self.guard.shared().clone();
        let waiters = self.waiters.clone();
        let value = CondWait {
            lock: &lock,
            waiters: &waiters,
            phase: Phase::Holding(Some(self.guard)),
        }
        .await;
        ConditionGuard {
            guard: LockGuard::from_parts(lock, value),
            waiters,
        }
    }

    /// Waits until `predicate` holds for the protected value, checking it first and after
    /// every notification: Python's `await cond.wait_for(predicate)`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let cond = asyncio::Condition::new(0);
    ///     let waiter = asyncio::spawn({
    ///         let cond = cond.clone();
    ///         async move { *cond.acquire().await.wait_for(|n| *n >= 3).await }
    ///     });
    ///     for _ in 0..3 {
    ///         asyncio::yield_now().await;
    ///         let mut guard = cond.acquire().await;
    ///         *guard += 1;
    ///         guard.notify_all();
    ///     }
    ///     assert_eq!(waiter.await.unwrap(), 3);
    /// });
    /// ```
    pub async fn wait_for(self, mut predicate: impl FnMut(&T) -> bool) -> ConditionGuard<T> {
        let mut guard = self;
        while !predicate(&guard) {
            guard = guard.wait().await;
        }
        guard
    }

    /// Wakes up to `n` tasks waiting in [`wait`](ConditionGuard::wait), first come first
    /// served; each re-acquires the lock in turn once this guard is dropped.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let cond = asyncio::Condition::default();
    ///     cond.acquire().await.notify(1); // nobody waits: nothing happens
    /// });
    /// ```
    pub fn notify(&self, n: usize) {
        notify(&self.waiters, n);
    }

    /// Wakes every task waiting in [`wait`](ConditionGuard::wait).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let cond = asyncio::Condition::default();
    ///     cond.acquire().await.notify_all();
    /// });
    /// ```
    pub fn notify_all(&self) {
        notify(&self.waiters, usize::MAX);
    }
}

fn notify(waiters: &Mutex<WaitList>, n: usize) {
    let mut wake = Wakeups::default();
    let mut list = lock_state(waiters);
    for _ in 0..n {
        match list.notify_first(()) {
            Ok(waker) => wake.push(waker),
            Err(()) => break,
        }
    }
}

impl<T> Deref for ConditionGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for ConditionGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for ConditionGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConditionGuard").field(&**self).finish()
    }
}

enum Phase<T> {
    /// Not yet polled: still holding the lock.
    Holding(Option<LockGuard<T>>),
    /// In the condition's queue.
    Waiting(Key),
    /// Notified; re-acquiring the lock (queued there once `Some`).
    Acquiring(Option<Key>),
    Done,
}

struct CondWait<'a, T> {
    lock: &'a LockShared<T>,
    waiters: &'a Mutex<WaitList>,
    phase: Phase<T>,
}

impl<T> Unpin for CondWait<'_, T> {}

impl<T> Future for CondWait<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        loop {
            match &mut this.phase {
                Phase::Holding(guard) => {
                    // Queue first, then release: a notify from the next holder reaches us.
                    let key = lock_state(this.waiters).push_back(cx.waker());
                    let guard = guard.take();
                    this.phase = Phase::Waiting(key);
                    drop(guard);
                    return Poll::Pending;
                }
                Phase::Waiting(key) => {
                    let key = *key;
                    let mut list = lock_state(this.waiters);
                    if list.take_notified(key).is_none() {
                        list.update_waker(key, cx.waker());
                        return Poll::Pending;
                    }
                    drop(list);
                    this.phase = Phase::Acquiring(None);
                }
                Phase::Acquiring(key) => {
                    let value = std::task::ready!(this.lock.poll_acquire(key, cx));
                    this.phase = Phase::Done;
                    return Poll::Ready(value);
                }
                Phase::Done => panic!("CondWait polled after completion"),
            }
        }
    }
}

impl<T> Drop for CondWait<'_, T> {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Holding(guard) => drop(guard),
            Phase::Waiting(key) => {
                let handed = lock_state(self.waiters).remove(key);
                if handed.is_some() {
                    // Notified but cancelled before it used the wake-up: pass it on.
                    notify(self.waiters, 1);
                }
            }
            Phase::Acquiring(key) => {
                if let Some(key) = key {
                    self.lock.cancel_acquire(key);
                }
                // The notification was taken but not acted on: another waiter gets it (Python
                // notifies one more on an exception after being woken; a spurious wake-up is
                // allowed by the protocol).
                notify(self.waiters, 1);
            }
            Phase::Done => {}
        }
    }
}
