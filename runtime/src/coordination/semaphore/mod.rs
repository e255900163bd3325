//! `Semaphore` and `BoundedSemaphore`: Python's `asyncio.Semaphore` and `BoundedSemaphore`.
//!
//! Written here rather than taken from `async-lock` for the reasons given in `lock.rs`: a
//! release hands its permit straight to the first waiter, so a newcomer never overtakes a
//! woken waiter and `locked()` is true while one is on its way (Python's `test_acquire_hang`,
//! `test_acquire_fifo_order_2`); a dropped waiter that had been handed a permit passes it on.
//! `async-lock`'s semaphore lets a releasing task take its permit straight back, which is
//! faster under contention (see the coordination benchmarks) but not Python's FIFO order.

mod permits;

use std::fmt;
use std::sync::Arc;

use self::permits::SemShared;
pub use self::permits::SemaphoreGuard;
use crate::coordination::error::ValueError;

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
