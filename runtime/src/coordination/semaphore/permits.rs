//! The permits behind both semaphores: a count with a lock-free fast path, and a FIFO wait
//! list that a release hands its permit to when anyone waits.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::coordination::error::ValueError;
use crate::coordination::wait_list::lock_state;
use crate::coordination::wait_list::{Key, WaitList, Wakeups};
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
    pub(super) fn new(permits: usize, bound: Option<usize>) -> Arc<Self> {
        Arc::new(SemShared {
            count: AtomicUsize::new(permits.checked_mul(ONE).expect(TOO_MANY)),
            waiters: Mutex::new(WaitList::default()),
            bound,
        })
    }

    pub(super) fn permits(&self) -> usize {
        self.count.load(Ordering::Acquire) / ONE
    }

    /// Python's `locked()`: no permit is free, or someone waits (a woken waiter that has not
    /// yet run included: a newcomer never overtakes it, `test_acquire_fifo_order_2`).
    pub(super) fn locked(&self) -> bool {
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
    pub(super) fn release(&self) -> Result<(), ValueError> {
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

    pub(super) async fn acquire(self: &Arc<Self>) -> SemaphoreGuard {
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

    pub(super) fn try_acquire(self: &Arc<Self>) -> Option<SemaphoreGuard> {
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

/// A permit of a [`Semaphore`](crate::Semaphore) or [`BoundedSemaphore`](crate::BoundedSemaphore), given back when dropped.
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
    /// without `release()`; call [`Semaphore::release`](crate::Semaphore::release) later to add it back).
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
