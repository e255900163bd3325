//! `Semaphore` and `BoundedSemaphore`: Python's `asyncio.Semaphore` and `BoundedSemaphore`.
//!
//! Written here rather than taken from `async-lock` for the reasons given in `lock.rs`: a
//! release hands its permit straight to the first waiter, so a newcomer never overtakes a
//! woken waiter and `locked()` is true while one is on its way (Python's `test_acquire_hang`,
//! `test_acquire_fifo_order_2`); a dropped waiter that had been handed a permit passes it on.
//! `async-lock`'s semaphore lets a releasing task take its permit straight back, which is
//! faster under contention (see the coordination benchmarks) but not Python's FIFO order.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::error::ValueError;
use super::lock_state;
use super::wait_list::{Key, WaitList, Wakeups};
use crate::sync::{AtomicUsize, Mutex, MutexGuard, Ordering};

/// The `CONTENDED` bit of [`SemShared::count`].
const CONTENDED: usize = 1;
/// One permit in [`SemShared::count`].
const ONE: usize = 2;
const TOO_MANY: &str = "a semaphore holds at most usize::MAX / 2 permits";

/// The protocol (loom: `handoff_loom.rs`):
/// - `count` is `permits * ONE | CONTENDED`.
/// - `CONTENDED` is set exactly while the wait list holds a node (a queued waiter, or a woken
///   one that has not yet taken its turn); it is set and cleared only with the `waiters` mutex
///   held, set before the node is pushed, cleared once the list is empty.
/// - While it is clear, acquire and release are one CAS on `count` and never take the mutex
///   (as `async-lock`'s semaphore: the uncontended case costs what theirs does).
/// - While it is set, the fast paths fail their check (or their CAS, if it was set meanwhile)
///   and go to the mutex, where every change of `count` happens; a release then hands its
///   permit to the first queued waiter instead of adding it, so a newcomer never overtakes one.
pub(crate) struct SemShared {
    count: AtomicUsize,
    waiters: Mutex<WaitList>,
    /// The initial count of a `BoundedSemaphore`.
    bound: Option<usize>,
}

impl SemShared {
    fn new(permits: usize, bound: Option<usize>) -> Arc<Self> {
        Arc::new(SemShared {
            count: AtomicUsize::new(permits.checked_mul(ONE).expect(TOO_MANY)),
            waiters: Mutex::new(WaitList::default()),
            bound,
        })
    }

    fn permits(&self) -> usize {
        self.count.load(Ordering::Acquire) / ONE
    }

    /// Python's `locked()`: no permit is free, or someone waits (a woken waiter that has not
    /// yet run included: a newcomer never overtakes it, `test_acquire_fifo_order_2`).
    fn locked(&self) -> bool {
        let count = self.count.load(Ordering::Acquire);
        count & CONTENDED != 0 || count < ONE
    }

    /// Takes a permit if [`locked`](Self::locked) is false: the fast path, one CAS.
    fn try_take(&self) -> bool {
        let mut count = self.count.load(Ordering::Acquire);
        loop {
            if count & CONTENDED != 0 || count < ONE {
                return false;
            }
            match self.count.compare_exchange_weak(
                count,
                count - ONE,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => count = actual,
            }
        }
    }

    /// One more permit: to the first queued waiter, or to the count. A bounded semaphore
    /// refuses to go above its initial count.
    fn release(&self) -> Result<(), ValueError> {
        let mut count = self.count.load(Ordering::Acquire);
        while count & CONTENDED == 0 {
            if self.bound.is_some_and(|bound| count / ONE >= bound) {
                return Err(ValueError(()));
            }
            match self.count.compare_exchange_weak(
                count,
                count.checked_add(ONE).expect(TOO_MANY),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => count = actual,
            }
        }
        let mut wake = Wakeups::default();
        let mut waiters = lock_state(&self.waiters);
        let count = self.count.load(Ordering::Acquire);
        if count & CONTENDED == 0 {
            // The last waiter left meanwhile: the fast path again.
            drop(waiters);
            return self.release();
        }
        match waiters.notify_first(()) {
            Ok(waker) => wake.push(waker),
            Err(()) => {
                // Only woken waiters, none queued: the permit waits in the count for the
                // next one to queue (and is handed to it when a woken one takes its turn).
                if self.bound.is_some_and(|bound| count / ONE >= bound) {
                    return Err(ValueError(()));
                }
                assert!(count < usize::MAX - ONE, "{TOO_MANY}");
                self.count.fetch_add(ONE, Ordering::AcqRel);
            }
        }
        Ok(())
    }

    /// With the mutex held and `CONTENDED` set: free permits go to queued waiters (Python's
    /// `acquire` does this in its `finally`), and an empty list clears `CONTENDED`.
    fn settle(&self, waiters: &mut MutexGuard<'_, WaitList>, wake: &mut Wakeups) {
        while self.count.load(Ordering::Acquire) >= ONE {
            match waiters.notify_first(()) {
                Ok(waker) => {
                    self.count.fetch_sub(ONE, Ordering::AcqRel);
                    wake.push(waker);
                }
                Err(()) => break,
            }
        }
        if waiters.is_idle() {
            self.count.fetch_and(!CONTENDED, Ordering::AcqRel);
        }
    }

    async fn acquire(self: &Arc<Self>) -> SemaphoreGuard {
        if !self.try_take() {
            SemAcquire {
                shared: self,
                key: None,
            }
            .await;
        }
        SemaphoreGuard {
            shared: Some(self.clone()),
        }
    }

    fn try_acquire(self: &Arc<Self>) -> Option<SemaphoreGuard> {
        self.try_take().then(|| SemaphoreGuard {
            shared: Some(self.clone()),
        })
    }
}

struct SemAcquire<'a> {
    shared: &'a SemShared,
    key: Option<Key>,
}

impl Future for SemAcquire<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = self.shared;
        let mut wake = Wakeups::default();
        let mut waiters = lock_state(&shared.waiters);
        if let Some(key) = self.key {
            if waiters.take_notified(key).is_some() {
                shared.settle(&mut waiters, &mut wake);
                drop(waiters);
                self.key = None;
                return Poll::Ready(());
            }
            waiters.update_waker(key, cx.waker());
            return Poll::Pending;
        }
        // Cloned before anything changes: a waker whose `clone` panics must not leave
        // `CONTENDED` set with nobody queued.
        let waker = cx.waker().clone();
        // Take a free permit, or mark the semaphore contended (atomically with seeing none
        // free, so a racing fast release must come to the mutex and find us queued).
        let mut count = shared.count.load(Ordering::Acquire);
        loop {
            let (new, took) = if count & CONTENDED != 0 {
                break;
            } else if count >= ONE {
                (count - ONE, true)
            } else {
                (count | CONTENDED, false)
            };
            match shared.count.compare_exchange_weak(
                count,
                new,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) if took => return Poll::Ready(()),
                Ok(_) => break,
                Err(actual) => count = actual,
            }
        }
        let key = waiters.push_back_owned(waker);
        drop(waiters);
        self.key = Some(key);
        Poll::Pending
    }
}

impl Drop for SemAcquire<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut wake = Wakeups::default();
            let mut waiters = lock_state(&self.shared.waiters);
            if waiters.remove(key).is_some() {
                // A permit handed to this waiter, never used: back, and on to the next one.
                self.shared.count.fetch_add(ONE, Ordering::AcqRel);
            }
            self.shared.settle(&mut waiters, &mut wake);
        }
    }
}

/// A semaphore: Python's `asyncio.Semaphore`, a counter of permits that tasks wait for.
///
/// A cheap [`Clone`] handle: clones share one semaphore. [`acquire`](Semaphore::acquire) takes
/// a permit, waiting in FIFO order while there is none, and gives a [`SemaphoreGuard`] that
/// returns it on drop (Python's `async with sem:`); [`release`](Semaphore::release) adds one,
/// as Python's `release()` (which any task may call). Cancel-safe as [`Lock`](crate::Lock).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// use std::sync::Arc;
/// asyncio::run(async {
///     let limit = asyncio::Semaphore::new(2);
///     let running = Arc::new(AtomicUsize::new(0));
///     let tasks = (0..6).map(|_| {
///         let (limit, running) = (limit.clone(), running.clone());
///         async move {
///             let _permit = limit.acquire().await;
///             assert!(running.fetch_add(1, SeqCst) < 2, "at most two at once");
///             asyncio::yield_now().await;
///             running.fetch_sub(1, SeqCst);
///         }
///     });
///     asyncio::gather_all(tasks).await.unwrap();
/// });
/// ```
#[derive(Clone)]
pub struct Semaphore {
    shared: Arc<SemShared>,
}

impl Semaphore {
    /// A semaphore with `permits` free permits (Python's `Semaphore(value)`; `0` is allowed).
    ///
    /// # Panics
    /// If `permits` is above `usize::MAX / 2` (so is a `release()` that would go above it).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::Semaphore::new(0);
    /// assert!(sem.locked());
    /// ```
    pub fn new(permits: usize) -> Self {
        Semaphore {
            shared: SemShared::new(permits, None),
        }
    }

    /// Takes a permit, waiting in FIFO order while none is free. Cancel-safe: a dropped
    /// waiter never holds a permit, and one handed to it goes to the next waiter.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let sem = asyncio::Semaphore::new(1);
    ///     let permit = sem.acquire().await;
    ///     assert!(sem.locked());
    ///     drop(permit);
    ///     assert!(!sem.locked());
    /// });
    /// ```
    pub async fn acquire(&self) -> SemaphoreGuard {
        self.shared.acquire().await
    }

    /// Takes a permit if one is free now, without waiting.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::Semaphore::new(1);
    /// let permit = sem.try_acquire();
    /// assert!(permit.is_some());
    /// assert!(sem.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphoreGuard> {
        self.shared.try_acquire()
    }

    /// Adds a permit (Python's `release()`): it goes to the first waiter, if any.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::Semaphore::new(0);
    /// sem.release();
    /// assert!(sem.try_acquire().is_some());
    /// ```
    pub fn release(&self) {
        let _ = self.shared.release();
    }

    /// Whether [`acquire`](Semaphore::acquire) would wait: no permit is free, or a task waits
    /// for one (including a woken waiter that has not yet taken its turn).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::Semaphore::new(1);
    /// assert!(!sem.locked());
    /// sem.try_acquire().unwrap().forget();
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.shared.locked()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.shared.permits())
            .finish_non_exhaustive()
    }
}

/// A semaphore that refuses to be released above its initial count: Python's
/// `asyncio.BoundedSemaphore`.
///
/// As [`Semaphore`], except that [`release`](BoundedSemaphore::release) returns
/// `Err(ValueError)` when it would raise the count above the initial one. (A guard dropped
/// after such an extra `release()` simply does not add its permit.)
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let sem = asyncio::BoundedSemaphore::new(1);
///     sem.acquire().await.forget();
///     assert_eq!(sem.release(), Ok(()));
///     assert!(sem.release().is_err()); // "released too many times"
/// });
/// ```
#[derive(Clone)]
pub struct BoundedSemaphore {
    shared: Arc<SemShared>,
}

impl BoundedSemaphore {
    /// A bounded semaphore with `permits` free permits, which is also its bound.
    ///
    /// # Panics
    /// If `permits` is above `usize::MAX / 2`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::BoundedSemaphore::new(3);
    /// assert!(!sem.locked());
    /// ```
    pub fn new(permits: usize) -> Self {
        BoundedSemaphore {
            shared: SemShared::new(permits, Some(permits)),
        }
    }

    /// Takes a permit, waiting in FIFO order while none is free (see [`Semaphore::acquire`]).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let sem = asyncio::BoundedSemaphore::new(1);
    ///     let _permit = sem.acquire().await;
    ///     assert!(sem.locked());
    /// });
    /// ```
    pub async fn acquire(&self) -> SemaphoreGuard {
        self.shared.acquire().await
    }

    /// Takes a permit if one is free now, without waiting.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::BoundedSemaphore::new(1);
    /// assert!(sem.try_acquire().is_some());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphoreGuard> {
        self.shared.try_acquire()
    }

    /// Adds a permit, to the first waiter if any; `Err(ValueError)` if the count would go above
    /// the initial one.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::BoundedSemaphore::new(2);
    /// assert!(sem.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), ValueError> {
        self.shared.release()
    }

    /// Whether [`acquire`](BoundedSemaphore::acquire) would wait.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::BoundedSemaphore::new(0);
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.shared.locked()
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("permits", &self.shared.permits())
            .finish_non_exhaustive()
    }
}

/// A permit of a [`Semaphore`] or [`BoundedSemaphore`], given back when dropped.
///
/// Owned (`'static`, `Send`): it may be handed to another task.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let sem = asyncio::Semaphore::new(1);
///     let permit: asyncio::SemaphoreGuard = sem.acquire().await;
///     asyncio::spawn(async move { drop(permit) }).await.unwrap();
///     assert!(!sem.locked());
/// });
/// ```
pub struct SemaphoreGuard {
    shared: Option<Arc<SemShared>>,
}

impl SemaphoreGuard {
    /// Keeps the permit taken: dropping the guard no longer gives it back (Python's `acquire()`
    /// without `release()`; call [`Semaphore::release`] later to add it back).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let sem = asyncio::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert!(sem.locked());
    /// sem.release();
    /// assert!(!sem.locked());
    /// ```
    pub fn forget(mut self) {
        self.shared = None;
    }
}

impl Drop for SemaphoreGuard {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            let _ = shared.release();
        }
    }
}

impl fmt::Debug for SemaphoreGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreGuard").finish_non_exhaustive()
    }
}
