//! Hostile cases for the coordination primitives and queues (API.md, Part 2, "The cancellation
//! guarantee of every waiting call"): a cancellation at every await, panics while a guard is
//! held, races under `multi_thread` (many producers and consumers, cancel storms while waiting:
//! every item delivered exactly once, nothing stuck), `maxsize` 0 and 1, empty inputs.

use crate::common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asyncio::{
    gather_all, run, spawn, wait_for, yield_now, Barrier, Condition, Event, Lock, Queue, Semaphore,
    Task,
};
use common::{multi_thread, on_both_flavors};

async fn steps(n: usize) {
    for _ in 0..n {
        yield_now().await;
    }
}

/// A pipeline that waits on every primitive in turn; cancelled after `k` steps for every `k`,
/// it never leaves a lock held, a permit taken, an item lost or a putter's item inserted.
#[test]
fn a_cancellation_at_every_await_leaves_every_primitive_usable() {
    for k in 0..40 {
        run(async move {
            let lock = Lock::new(0);
            let sem = Semaphore::new(1);
            let cond = Condition::new(0);
            let ev = Event::new();
            let barrier = Barrier::new(2);
            let queue = Queue::new(1);
            // Contention: a holder of each, released step by step.
            let helper = spawn({
                let (lock, sem, cond, ev, barrier, queue) = (
                    lock.clone(),
                    sem.clone(),
                    cond.clone(),
                    ev.clone(),
                    barrier.clone(),
                    queue.clone(),
                );
                async move {
                    let l = lock.acquire().await;
                    let s = sem.acquire().await;
                    queue.put(1).await.unwrap();
                    steps(2).await;
                    drop(l);
                    steps(2).await;
                    drop(s);
                    steps(2).await;
                    let mut c = cond.acquire().await;
                    *c = 1;
                    c.notify_all();
                    drop(c);
                    steps(2).await;
                    ev.set();
                    let _ = barrier.wait().await;
                }
            });
            let victim = spawn({
                let (lock, sem, cond, ev, barrier, queue) = (
                    lock.clone(),
                    sem.clone(),
                    cond.clone(),
                    ev.clone(),
                    barrier.clone(),
                    queue.clone(),
                );
                async move {
                    queue.put(2).await.unwrap(); // waits: full
                    *lock.acquire().await += 1;
                    drop(sem.acquire().await);
                    drop(cond.acquire().await.wait_for(|v| *v == 1).await);
                    ev.wait().await;
                    let _ = barrier.wait().await;
                    queue.get().await.unwrap()
                }
            });
            steps(k).await;
            let cancelled = victim.cancel();
            let outcome = victim.await;
            assert!(outcome.is_ok() || cancelled, "k = {k}");
            // The helper may be stuck at the barrier if the victim left it: release it.
            if !helper.done() {
                barrier.abort().await;
            }
            helper.await.unwrap();
            // Nothing is stuck.
            assert!(!lock.locked(), "k = {k}: lock");
            assert!(!sem.locked(), "k = {k}: semaphore");
            assert!(!cond.locked(), "k = {k}: condition");
            assert_eq!(barrier.n_waiting(), 0, "k = {k}: barrier");
            // No item lost, none inserted by a cancelled put: what is left is exactly what
            // was put and not taken.
            let mut left = Vec::new();
            while let Ok(item) = queue.get_nowait() {
                left.push(item);
            }
            let taken = outcome.as_ref().ok().copied();
            let mut all: Vec<i32> = left.iter().copied().chain(taken).collect();
            all.sort();
            assert!(
                all == [1] || all == [1, 2],
                "k = {k}: items {all:?} (left {left:?}, taken {taken:?})"
            );
        });
    }
}

#[test]
fn a_panic_while_holding_a_guard_releases_it() {
    on_both_flavors(|| async {
        let lock = Lock::new(5);
        let sem = Semaphore::new(1);
        let cond = Condition::new(());
        let task = spawn({
            let (lock, sem, cond) = (lock.clone(), sem.clone(), cond.clone());
            async move {
                let _l = lock.acquire().await;
                let _s = sem.acquire().await;
                let _c = cond.acquire().await;
                panic!("boom while holding three guards");
            }
        });
        assert!(task.await.unwrap_err().is_panicked());
        assert!(!lock.locked() && !sem.locked() && !cond.locked());
        assert_eq!(*lock.acquire().await, 5, "the value survived the panic");
        // A waiter queued behind the panicking holder gets the lock.
        let holder = lock.acquire().await;
        let waiter = spawn({
            let lock = lock.clone();
            async move { *lock.acquire().await }
        });
        yield_now().await;
        let panicker = spawn(async move {
            let _holder = holder;
            panic!("boom");
        });
        assert!(panicker.await.unwrap_err().is_panicked());
        assert_eq!(
            wait_for(waiter, Duration::from_secs(5)).await.unwrap(),
            Ok(5)
        );
    });
}

/// A panic inside the user's `wait_for` predicate (the lock is held while it runs) does not
/// wedge the condition.
#[test]
fn a_panicking_predicate_does_not_wedge_the_condition() {
    run(async {
        let cond = Condition::new(0);
        let task = spawn({
            let cond = cond.clone();
            async move {
                cond.acquire()
                    .await
                    .wait_for(|_| panic!("predicate panicked"))
                    .await;
            }
        });
        assert!(task.await.unwrap_err().is_panicked());
        assert!(!cond.locked());
        let guard = cond.acquire().await.wait_for(|n| *n == 0).await;
        assert_eq!(*guard, 0);
    });
}

/// Items whose destructor panics, dropped by `shutdown(immediate)`, do not wedge the queue.
#[test]
fn a_panicking_item_destructor_in_shutdown_does_not_wedge_the_queue() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("item destructor panicked");
        }
    }
    let q = Queue::new(0);
    q.put_nowait(Bomb).unwrap();
    let q2 = q.clone();
    assert!(std::panic::catch_unwind(move || q2.shutdown(true)).is_err());
    assert!(q.empty());
    assert!(q.get_nowait().is_err());
    run(async move { q.join().await });
}

/// Many producers and consumers on two worker threads: every item is delivered exactly once.
#[test]
fn many_producers_and_consumers_deliver_every_item_exactly_once() {
    for maxsize in [0, 1, 7] {
        multi_thread().run(async move {
            let q = Queue::new(maxsize);
            let producers: Vec<Task<()>> = (0..8)
                .map(|p| {
                    let q = q.clone();
                    spawn(async move {
                        for i in 0..500 {
                            q.put(p * 1000 + i).await.unwrap();
                        }
                    })
                })
                .collect();
            let consumers: Vec<Task<Vec<i32>>> = (0..8)
                .map(|_| {
                    let q = q.clone();
                    spawn(async move {
                        let mut got = Vec::new();
                        while let Ok(item) = q.get().await {
                            got.push(item);
                            q.task_done();
                        }
                        got
                    })
                })
                .collect();
            gather_all(producers).await.unwrap();
            q.join().await;
            q.shutdown(false);
            let got: Vec<i32> = gather_all(consumers)
                .await
                .unwrap()
                .into_iter()
                .flatten()
                .collect();
            let unique: HashSet<i32> = got.iter().copied().collect();
            assert_eq!(got.len(), 8 * 500, "maxsize {maxsize}");
            assert_eq!(unique.len(), 8 * 500, "maxsize {maxsize}: a duplicate");
        });
    }
}

/// Consumers and producers cancelled at random while they wait: every item put is taken exactly
/// once or is still in the queue, and a cancelled put inserted nothing.
#[test]
fn a_cancel_storm_while_waiting_loses_and_duplicates_nothing() {
    for maxsize in [0, 1, 3] {
        multi_thread().run(async move {
            let q = Queue::new(maxsize);
            let inserted = Arc::new(Mutex::new(Vec::new()));
            let taken = Arc::new(Mutex::new(Vec::new()));
            let mut tasks = Vec::new();
            for round in 0..40i32 {
                for c in 0..4 {
                    let (q, taken) = (q.clone(), taken.clone());
                    tasks.push(spawn(async move {
                        let _ = c;
                        if let Ok(item) = q.get().await {
                            taken.lock().unwrap().push(item);
                        }
                    }));
                }
                for p in 0..4 {
                    let (q, inserted) = (q.clone(), inserted.clone());
                    let item = round * 10 + p;
                    tasks.push(spawn(async move {
                        if q.put(item).await.is_ok() {
                            inserted.lock().unwrap().push(item);
                        }
                    }));
                }
                yield_now().await;
                // Cancel every third task of this round, wherever it is.
                let n = tasks.len();
                for t in &tasks[n - 8..] {
                    if (t.id().as_u64() % 3) == 0 {
                        t.cancel();
                    }
                }
            }
            // Let what can finish, finish; then stop the waiting ones.
            asyncio::sleep(Duration::from_millis(20)).await;
            q.shutdown(false);
            for t in &tasks {
                let _ = t.clone().await;
            }
            let mut left = Vec::new();
            while let Ok(item) = q.get_nowait() {
                left.push(item);
            }
            let inserted = inserted.lock().unwrap().clone();
            let mut delivered: Vec<i32> = taken.lock().unwrap().clone();
            delivered.extend(left);
            delivered.sort();
            let mut expected = inserted.clone();
            expected.sort();
            assert_eq!(delivered, expected, "maxsize {maxsize}");
        });
    }
}

/// Lock and semaphore under a cancel storm on two threads: mutual exclusion holds, and at the
/// end the lock is free and every permit is back.
#[test]
fn a_cancel_storm_on_lock_and_semaphore_leaves_them_free() {
    multi_thread().run(async {
        let lock = Lock::new(0usize);
        let sem = Semaphore::new(3);
        let inside = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..400 {
            let (lock, sem, inside) = (lock.clone(), sem.clone(), inside.clone());
            tasks.push(spawn(async move {
                let _permit = sem.acquire().await;
                assert!(inside.fetch_add(1, SeqCst) < 3, "more than 3 permits out");
                yield_now().await;
                inside.fetch_sub(1, SeqCst);
                drop(_permit);
                let mut n = lock.acquire().await;
                let seen = *n;
                yield_now().await;
                *n = seen + 1;
                drop(n);
                i
            }));
            if i % 3 == 1 {
                tasks[i - 1].cancel();
            }
        }
        let outcomes = gather_all(tasks).return_exceptions().await;
        let completed = outcomes.iter().filter(|o| o.is_ok()).count();
        assert!(!lock.locked());
        let count = *lock.acquire().await;
        assert!(
            count >= completed,
            "{count} increments, {completed} completed"
        );
        assert!(count <= 400);
        let permits: Vec<_> = (0..3).map(|_| sem.try_acquire()).collect();
        assert!(permits.iter().all(Option::is_some), "every permit is back");
        assert!(sem.try_acquire().is_none());
    });
}

/// Condition waiters cancelled while others are notified: every notification reaches a live
/// waiter (none is lost to a cancelled one).
#[test]
fn condition_notifications_survive_cancelled_waiters() {
    on_both_flavors(|| async {
        let cond = Condition::new(0usize);
        let woken = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..20)
            .map(|_| {
                let (cond, woken) = (cond.clone(), woken.clone());
                spawn(async move {
                    let mut guard = cond.acquire().await;
                    let start = *guard;
                    guard = guard.wait_for(|n| *n > start).await;
                    drop(guard);
                    woken.fetch_add(1, SeqCst);
                })
            })
            .collect();
        // Every waiter is in the queue (Debug shows how many wait).
        common::until(|| format!("{cond:?}").contains("waiters: 20")).await;
        // Notify 10, and cancel 10 others (some may be the notified ones).
        let mut guard = cond.acquire().await;
        *guard += 1;
        guard.notify(10);
        for w in waiters.iter().step_by(2) {
            w.cancel();
        }
        drop(guard);
        // Each of the 10 notifications is used by the waiter it reached (which then counts
        // itself, even if its cancellation lands after) or passed on by a cancelled one to
        // the next waiter: 10 wake-ups in all, none lost.
        common::until(|| woken.load(SeqCst) >= 10).await;
        let guard = cond.acquire().await;
        guard.notify_all();
        drop(guard);
        let outcomes = gather_all(waiters).return_exceptions().await;
        for (i, outcome) in outcomes.iter().enumerate().skip(1).step_by(2) {
            assert!(
                outcome.is_ok(),
                "waiter {i} was never cancelled: {outcome:?}"
            );
        }
        assert!(!cond.locked());
    });
}

#[test]
fn barrier_under_multi_thread_with_cancelled_parties() {
    multi_thread().run(async {
        let barrier = Barrier::new(4);
        for _round in 0..50 {
            let doomed = spawn({
                let barrier = barrier.clone();
                async move { barrier.wait().await }
            });
            common::until(|| barrier.n_waiting() == 1).await;
            doomed.cancel();
            let _ = doomed.await;
            common::until(|| barrier.n_waiting() == 0).await;
            let parties: Vec<_> = (0..4)
                .map(|_| {
                    let barrier = barrier.clone();
                    spawn(async move { barrier.wait().await.unwrap() })
                })
                .collect();
            let mut indices = gather_all(parties).await.unwrap();
            indices.sort();
            assert_eq!(indices, [0, 1, 2, 3]);
        }
        assert!(!barrier.broken());
    });
}

#[test]
fn maxsize_zero_is_unbounded_and_one_holds_one() {
    let q = Queue::new(0);
    for i in 0..10_000 {
        q.put_nowait(i).unwrap();
    }
    assert!(!q.full());
    assert_eq!(q.qsize(), 10_000);
    let q = Queue::new(1);
    q.put_nowait(1).unwrap();
    assert!(q.full());
    assert!(q.put_nowait(2).unwrap_err().is_full());
    assert_eq!(q.get_nowait(), Ok(1));
    assert!(q.empty() && !q.full());
}

#[test]
fn empty_and_degenerate_inputs() {
    run(async {
        // join on a queue that never had an item; notify(0); a semaphore of 0; a barrier of 1.
        Queue::<()>::new(0).join().await;
        let cond = Condition::default();
        cond.acquire().await.notify(0);
        let sem = Semaphore::new(0);
        assert!(sem.try_acquire().is_none());
        assert!(wait_for(sem.acquire(), Duration::from_millis(5))
            .await
            .is_err());
        assert!(!sem.locked() || sem.try_acquire().is_none());
        sem.release();
        drop(sem.acquire().await);
        assert_eq!(Barrier::new(1).wait().await, Ok(0));
        // Shut down twice; shutdown of an empty queue with immediate.
        let q = Queue::<u8>::new(3);
        q.shutdown(true);
        q.shutdown(false);
        assert!(q.get().await.is_err());
        // An event set with nobody waiting, cleared, set again.
        let ev = Event::new();
        ev.set();
        ev.clear();
        ev.set();
        ev.wait().await;
    });
}

/// A guard can be returned from one task and released by another (Python's "any task may call
/// release()").
#[test]
fn guards_cross_tasks() {
    on_both_flavors(|| async {
        let lock = Lock::new(String::from("a"));
        let taker = spawn({
            let lock = lock.clone();
            async move { lock.acquire().await }
        });
        let mut guard = taker.await.unwrap();
        guard.push('b');
        let releaser = spawn(async move { drop(guard) });
        releaser.await.unwrap();
        assert_eq!(*lock.acquire().await, "ab");
    });
}

/// A waker whose `clone` panics: cloning it inside a primitive's critical section (when a
/// waiter queues) panics with the primitive's internal mutex held, which poisons it. The
/// primitive must go on working (the state is never left half-updated).
#[test]
fn a_waker_panicking_inside_a_critical_section_does_not_wedge_the_primitive() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, RawWaker, RawWakerVTable, Waker};

    fn clone(_: *const ()) -> RawWaker {
        panic!("waker clone panicked");
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: the vtable's functions ignore the data pointer, which is never dereferenced.
    let waker = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) };
    let mut cx = Context::from_waker(&waker);

    let lock = Lock::new(1);
    let held = lock.try_acquire().unwrap();
    let sem = Semaphore::new(0);
    let queue = Queue::<u8>::new(0);
    let ev = Event::new();
    for poll_once in [
        Box::new(|cx: &mut Context<'_>| {
            let _ = pin!(lock.acquire()).poll(cx);
        }) as Box<dyn Fn(&mut Context<'_>)>,
        Box::new(|cx: &mut Context<'_>| {
            let _ = pin!(sem.acquire()).poll(cx);
        }),
        Box::new(|cx: &mut Context<'_>| {
            let _ = pin!(queue.get()).poll(cx);
        }),
        Box::new(|cx: &mut Context<'_>| {
            let _ = pin!(ev.wait()).poll(cx);
        }),
    ] {
        let panicked =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poll_once(&mut cx)));
        assert!(panicked.is_err(), "the waker's clone ran and panicked");
    }
    // Everything still works, waits included.
    drop(held);
    run(async move {
        assert_eq!(*lock.acquire().await, 1);
        sem.release();
        drop(sem.acquire().await);
        queue.put(3).await.unwrap();
        assert_eq!(queue.get().await, Ok(3));
        ev.set();
        ev.wait().await;
        assert!(!lock.locked() && !sem.locked());
    });
}

/// The shapes of API.md, Part 2 ("Coordination", "Queues"), checked by the compiler.
#[test]
fn the_api_has_the_shapes_of_api_md() {
    use asyncio::{
        BoundedSemaphore, BrokenBarrierError, ConditionGuard, LifoQueue, LockGuard, PriorityQueue,
        QueueShutDown, SemaphoreGuard, TryGetError, TryPutError, ValueError,
    };
    fn error<E: std::error::Error + Clone + PartialEq + std::fmt::Display + 'static>() {}
    error::<TryPutError<String>>();
    error::<TryGetError>();
    error::<QueueShutDown>();
    error::<QueueShutDown<String>>();
    error::<ValueError>();
    error::<BrokenBarrierError>();

    let _: fn(u8) -> Lock<u8> = Lock::new;
    let _: Lock = Lock::default();
    let _: fn(&Lock<u8>) -> Option<LockGuard<u8>> = Lock::try_acquire;
    let _: fn(&Lock<u8>) -> bool = Lock::locked;
    let _: fn() -> Event = Event::new;
    let _: fn(&Event) = Event::set;
    let _: fn(&Event) = Event::clear;
    let _: fn(&Event) -> bool = Event::is_set;
    let _: fn(u8) -> Condition<u8> = Condition::new;
    let _: Condition = Condition::default();
    let _: fn(&Condition<u8>) -> bool = Condition::locked;
    let _: fn(&ConditionGuard<u8>, usize) = ConditionGuard::notify;
    let _: fn(&ConditionGuard<u8>) = ConditionGuard::notify_all;
    let _: fn(usize) -> Semaphore = Semaphore::new;
    let _: fn(&Semaphore) -> Option<SemaphoreGuard> = Semaphore::try_acquire;
    let _: fn(&Semaphore) = Semaphore::release;
    let _: fn(&Semaphore) -> bool = Semaphore::locked;
    let _: fn(SemaphoreGuard) = SemaphoreGuard::forget;
    let _: fn(usize) -> BoundedSemaphore = BoundedSemaphore::new;
    let _: fn(&BoundedSemaphore) -> Result<(), ValueError> = BoundedSemaphore::release;
    let _: fn(usize) -> Barrier = Barrier::new;
    let _: fn(&Barrier) -> usize = Barrier::parties;
    let _: fn(&Barrier) -> usize = Barrier::n_waiting;
    let _: fn(&Barrier) -> bool = Barrier::broken;
    let _: fn(usize) -> Queue<u8> = Queue::new;
    let _: fn(&Queue<u8>, u8) -> Result<(), TryPutError<u8>> = Queue::put_nowait;
    let _: fn(&Queue<u8>) -> Result<u8, TryGetError> = Queue::get_nowait;
    let _: fn(&Queue<u8>) = Queue::task_done;
    let _: fn(&Queue<u8>, bool) = Queue::shutdown;
    let _: fn(&Queue<u8>) -> usize = Queue::qsize;
    let _: fn(&Queue<u8>) -> usize = Queue::maxsize;
    let _: fn(&Queue<u8>) -> bool = Queue::empty;
    let _: fn(&Queue<u8>) -> bool = Queue::full;
    let _: fn(usize) -> LifoQueue<u8> = LifoQueue::new;
    let _: fn(usize) -> PriorityQueue<u8> = PriorityQueue::new;

    run(async {
        let lock = Lock::new(0u8);
        let _: LockGuard<u8> = lock.acquire().await;
        let cond = Condition::new(0u8);
        let guard: ConditionGuard<u8> = cond.acquire().await;
        let _: ConditionGuard<u8> = guard.wait_for(|n: &u8| *n == 0).await;
        let sem = Semaphore::new(1);
        let _: SemaphoreGuard = sem.acquire().await;
        let _: SemaphoreGuard = BoundedSemaphore::new(1).acquire().await;
        let barrier = Barrier::new(1);
        let _: Result<usize, BrokenBarrierError> = barrier.wait().await;
        let (): () = barrier.reset().await;
        let (): () = barrier.abort().await;
        let ev = Event::new();
        ev.set();
        let (): () = ev.wait().await;
        let q = Queue::new(0);
        let _: Result<(), QueueShutDown<u8>> = q.put(1u8).await;
        let _: Result<u8, QueueShutDown> = q.get().await;
        q.task_done();
        let (): () = q.join().await;
    });
}
