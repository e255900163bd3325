//! Loom models of the hand-offs of this folder: a release (of a lock, a permit, an item)
//! racing the cancellation of the waiter it is handed to. Every operation takes the
//! primitive's one mutex, so what loom explores is the order of those critical sections: in
//! every order, what was handed to the cancelled waiter reaches the next one.
//! Run with `RUSTFLAGS="--cfg asyncio_loom" cargo test -p asyncio-runtime --release --lib loom`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use loom::thread;

use crate::coordination::{Lock, Queue, Semaphore};
use crate::sync::model;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

fn poll<T>(future: &mut BoxFuture<T>) -> Poll<T> {
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

/// A holds the lock; B and C wait. A releases while B is cancelled: C gets the lock, in every
/// interleaving, and after C the lock is free.
#[test]
fn loom_lock_release_racing_a_cancelled_waiter_hands_the_lock_on() {
    model("coordination: Lock release × cancelled waiter", || {
        let lock = Lock::new(0u32);
        let held = lock.try_acquire().unwrap();
        let mut b: BoxFuture<_> = Box::pin({
            let lock = lock.clone();
            async move { lock.acquire().await }
        });
        let mut c: BoxFuture<_> = Box::pin({
            let lock = lock.clone();
            async move { lock.acquire().await }
        });
        assert!(poll(&mut b).is_pending());
        assert!(poll(&mut c).is_pending());
        let releaser = thread::spawn(move || drop(held));
        let canceller = thread::spawn(move || drop(b));
        releaser.join().unwrap();
        canceller.join().unwrap();
        assert!(lock.locked(), "the lock went to C, not back to free");
        let Poll::Ready(mut guard) = poll(&mut c) else {
            panic!("C did not get the lock");
        };
        *guard += 1;
        drop(guard);
        assert!(!lock.locked());
        assert_eq!(*lock.try_acquire().unwrap(), 1);
    });
}

/// A permit released while its first waiter is cancelled and a newcomer tries to take one: the
/// second waiter gets it; the newcomer never overtakes; no permit is created or lost.
#[test]
fn loom_semaphore_release_racing_a_cancelled_waiter_and_a_newcomer() {
    model(
        "coordination: Semaphore release × cancel × try_acquire",
        || {
            let sem = Semaphore::new(0);
            let mut b: BoxFuture<_> = Box::pin({
                let sem = sem.clone();
                async move { sem.acquire().await }
            });
            let mut c: BoxFuture<_> = Box::pin({
                let sem = sem.clone();
                async move { sem.acquire().await }
            });
            assert!(poll(&mut b).is_pending());
            assert!(poll(&mut c).is_pending());
            let releaser = thread::spawn({
                let sem = sem.clone();
                move || sem.release()
            });
            let canceller = thread::spawn(move || drop(b));
            let newcomer = sem.try_acquire();
            releaser.join().unwrap();
            canceller.join().unwrap();
            assert!(newcomer.is_none(), "a newcomer overtook a waiter");
            let Poll::Ready(permit) = poll(&mut c) else {
                panic!("C did not get the permit");
            };
            drop(permit);
            let last = sem.try_acquire();
            assert!(last.is_some());
            assert!(sem.try_acquire().is_none(), "exactly one permit exists");
        },
    );
}

/// An item put while the getter it wakes is cancelled: the other getter gets it.
#[test]
fn loom_queue_put_racing_a_cancelled_getter_loses_no_item() {
    model("coordination: Queue put × cancelled getter", || {
        let queue = Queue::new(1);
        let mut g1: BoxFuture<_> = Box::pin({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        let mut g2: BoxFuture<_> = Box::pin({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        assert!(poll(&mut g1).is_pending());
        assert!(poll(&mut g2).is_pending());
        let putter = thread::spawn({
            let queue = queue.clone();
            move || queue.put_nowait(7u32).is_ok()
        });
        let canceller = thread::spawn(move || drop(g1));
        assert!(putter.join().unwrap());
        canceller.join().unwrap();
        assert_eq!(
            poll(&mut g2),
            Poll::Ready(Ok(7)),
            "the item reached the live getter"
        );
        assert!(queue.empty());
    });
}

/// The semaphore's fast path (`semaphore.rs`): a release that is one CAS, racing a waiter that
/// finds no permit and is marking the semaphore contended to go to sleep. Either the waiter
/// sees the permit and takes it, or the release sees the mark, goes to the mutex and hands the
/// permit to the queued waiter and wakes it: never a permit in the count with a waiter asleep.
#[test]
fn loom_semaphore_fast_release_racing_a_waiter_going_to_sleep_is_never_lost() {
    use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
    use std::sync::Arc;
    use std::task::Wake;

    #[derive(Default)]
    struct Counting(StdAtomicUsize);
    impl Wake for Counting {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, StdOrdering::SeqCst);
        }
    }

    model(
        "coordination: Semaphore fast release × waiter going to sleep",
        || {
            let sem = Semaphore::new(0);
            let waiter = thread::spawn({
                let sem = sem.clone();
                move || {
                    let counter = Arc::new(Counting::default());
                    let waker = Waker::from(counter.clone());
                    let mut acquire: BoxFuture<_> = Box::pin(async move { sem.acquire().await });
                    let first = acquire.as_mut().poll(&mut Context::from_waker(&waker));
                    (first, acquire, counter)
                }
            });
            sem.release();
            let (first, mut acquire, counter) = waiter.join().unwrap();
            let permit = match first {
                Poll::Ready(permit) => permit,
                Poll::Pending => {
                    assert_eq!(
                        counter.0.load(StdOrdering::SeqCst),
                        1,
                        "the waiter went to sleep and the release did not wake it"
                    );
                    let Poll::Ready(permit) = poll(&mut acquire) else {
                        panic!("the waiter did not get the permit");
                    };
                    permit
                }
            };
            assert!(sem.locked());
            drop(permit);
            assert!(!sem.locked());
            let only = sem.try_acquire();
            assert!(only.is_some());
            assert!(sem.try_acquire().is_none(), "exactly one permit");
        },
    );
}

/// A notification racing the cancellation of the waiter it reaches: the other waiter is woken
/// (directly, or by the cancelled one passing it on), and gets the lock.
#[test]
fn loom_condition_notify_racing_a_cancelled_waiter_reaches_the_other() {
    use crate::coordination::Condition;
    model("coordination: Condition notify × cancelled waiter", || {
        let cond = Condition::new(0u32);
        let waiter = || -> BoxFuture<u32> {
            let cond = cond.clone();
            Box::pin(async move { *cond.acquire().await.wait().await })
        };
        let w1 = {
            let mut w1 = waiter();
            assert!(poll(&mut w1).is_pending());
            w1
        };
        let mut w2 = waiter();
        assert!(poll(&mut w2).is_pending());
        let mut guard = cond.try_acquire().expect("both waiters released the lock");
        *guard = 7;
        let notifier = thread::spawn(move || {
            guard.notify(1);
            drop(guard);
        });
        let canceller = thread::spawn(move || drop(w1));
        notifier.join().unwrap();
        canceller.join().unwrap();
        assert_eq!(poll(&mut w2), Poll::Ready(7), "the notification reached w2");
        assert!(!cond.locked());
    });
}
