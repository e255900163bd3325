//! CPython's `Lib/test/test_asyncio/test_locks.py`, ported: one Rust module per Python test
//! class, each test named after the method it ports. Python's `await asyncio.sleep(0)` is
//! `yield_now().await`; on `current_thread` (the default flavor, Python's event loop) one of
//! them lets every ready task take one step, so the step-by-step assertions carry over. Python's
//! bare `lock.release()` of a lock acquired by another task is dropping that task's guard,
//! which it handed over through a [`Held`] slot. Methods not ported: `docs/coordination-port.md`.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use asyncio::{
    gather_all, run, spawn, wait_for, yield_now, Barrier, BoundedSemaphore, Condition, Event, Lock,
    RunConfig, Semaphore, Task,
};
use common::{on_both_flavors, until};

/// Guards handed over by tasks, so another task can release them (Python's `release()` called
/// by a task that did not acquire).
struct Held<G>(Arc<Mutex<Vec<G>>>);

impl<G> Clone for Held<G> {
    fn clone(&self) -> Self {
        Held(self.0.clone())
    }
}

impl<G> Held<G> {
    fn new() -> Self {
        Held(Arc::new(Mutex::new(Vec::new())))
    }
    fn put(&self, guard: G) {
        self.0.lock().unwrap().push(guard);
    }
    /// Releases the one guard held.
    fn release(&self) {
        let guard = self.0.lock().unwrap().pop().expect("a guard is held");
        drop(guard);
    }
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// A shared list of results (Python's `result = []`).
#[derive(Clone, Default)]
struct Results(Arc<Mutex<Vec<i32>>>);

impl Results {
    fn push(&self, n: i32) {
        self.0.lock().unwrap().push(n);
    }
    fn get(&self) -> Vec<i32> {
        self.0.lock().unwrap().clone()
    }
}

async fn steps(n: usize) {
    for _ in 0..n {
        yield_now().await;
    }
}

mod lock_tests {
    use super::*;

    #[test]
    fn test_lock() {
        let lock = Lock::default();
        assert!(!lock.locked());
    }

    #[test]
    fn test_acquire() {
        run(async {
            let lock = Lock::default();
            let result = Results::default();
            let held = Held::new();
            held.put(lock.acquire().await);
            let c = |n| {
                let (lock, result, held) = (lock.clone(), result.clone(), held.clone());
                spawn(async move {
                    held.put(lock.acquire().await);
                    result.push(n);
                    true
                })
            };
            let t1 = c(1);
            let t2 = c(2);
            yield_now().await;
            assert_eq!(result.get(), []);
            held.release();
            yield_now().await;
            assert_eq!(result.get(), [1]);
            yield_now().await;
            assert_eq!(result.get(), [1]);
            let t3 = c(3);
            held.release();
            yield_now().await;
            assert_eq!(result.get(), [1, 2]);
            held.release();
            yield_now().await;
            assert_eq!(result.get(), [1, 2, 3]);
            for t in [t1, t2, t3] {
                assert!(t.done());
                assert_eq!(t.result(), Ok(true));
            }
        });
    }

    #[test]
    fn test_acquire_cancel() {
        on_both_flavors(|| async {
            let lock = Lock::default();
            let _held = lock.acquire().await;
            let task = spawn({
                let lock = lock.clone();
                async move {
                    lock.acquire().await;
                }
            });
            yield_now().await;
            task.cancel();
            assert!(task.clone().await.unwrap_err().is_cancelled());
            assert!(format!("{lock:?}").contains("locked: true"));
            drop(_held);
            assert!(!lock.locked(), "the cancelled waiter left the queue");
        });
    }

    #[test]
    fn test_cancel_race() {
        run(async {
            let lock = Lock::default();
            let fa = Event::new();
            let lockit = |blocker: Option<Event>| {
                let lock = lock.clone();
                spawn(async move {
                    let _guard = lock.acquire().await;
                    if let Some(blocker) = blocker {
                        blocker.wait().await;
                    }
                })
            };
            let ta = lockit(Some(fa.clone()));
            yield_now().await;
            assert!(lock.locked());
            let tb = lockit(None);
            yield_now().await;
            let tc = lockit(None);
            yield_now().await;
            // The race: A releases while B is cancelled.
            fa.set();
            tb.cancel();
            yield_now().await;
            yield_now().await;
            assert!(ta.done());
            assert!(tb.cancelled());
            tc.await.unwrap();
            assert!(!lock.locked());
        });
    }

    #[test]
    fn test_cancel_release_race() {
        run(async {
            let lock = Lock::default();
            let lock_count = Arc::new(Mutex::new(0));
            let call_count = Arc::new(Mutex::new(0));
            let held = Held::new();
            held.put(lock.acquire().await);
            let lockit = || {
                let (lock, lock_count, call_count, held) = (
                    lock.clone(),
                    lock_count.clone(),
                    call_count.clone(),
                    held.clone(),
                );
                spawn(async move {
                    *call_count.lock().unwrap() += 1;
                    held.put(lock.acquire().await);
                    *lock_count.lock().unwrap() += 1;
                })
            };
            let t1 = lockit();
            let t2 = lockit();
            let t3 = lockit();
            yield_now().await;
            // trigger(): cancel t1, release.
            t1.cancel();
            held.release();
            assert!(t1.clone().await.unwrap_err().is_cancelled());
            yield_now().await;
            assert_eq!(*lock_count.lock().unwrap(), 1, "only one lock was taken");
            assert_eq!(*call_count.lock().unwrap(), 3);
            assert!(t1.cancelled() && t2.done());
            t3.cancel();
            yield_now().await;
            assert!(t3.cancelled());
        });
    }

    #[test]
    fn test_finished_waiter_cancelled() {
        run(async {
            let lock = Lock::default();
            let held = Held::new();
            held.put(lock.acquire().await);
            assert!(lock.locked());
            let acquire = || {
                let (lock, held) = (lock.clone(), held.clone());
                spawn(async move { held.put(lock.acquire().await) })
            };
            let tb = acquire();
            yield_now().await;
            // A second waiter; wake the first and cancel it.
            let tc = acquire();
            tb.cancel();
            held.release();
            yield_now().await;
            assert!(lock.locked());
            assert!(tb.cancelled());
            tc.await.unwrap();
            assert_eq!(held.len(), 1, "the second waiter holds the lock");
        });
    }

    #[test]
    fn test_release_no_waiters() {
        run(async {
            let lock = Lock::default();
            let guard = lock.acquire().await;
            assert!(lock.locked());
            drop(guard);
            assert!(!lock.locked());
        });
    }

    #[test]
    fn test_context_manager() {
        run(async {
            let lock = Lock::default();
            assert!(!lock.locked());
            {
                let _guard = lock.acquire().await;
                assert!(lock.locked());
            }
            assert!(!lock.locked());
        });
    }

    /// Python's `Lock.locked()` is only `_locked`; ours is "acquire would wait" (API.md): true
    /// while a woken waiter has not yet taken its turn, and a newcomer queues behind it.
    #[test]
    fn locked_while_a_woken_waiter_has_not_run_and_newcomers_do_not_overtake() {
        run(async {
            let lock = Lock::new(Vec::new());
            let mut guard = lock.acquire().await;
            let waiter = spawn({
                let lock = lock.clone();
                async move { lock.acquire().await.push("waiter") }
            });
            yield_now().await;
            guard.push("main");
            drop(guard);
            assert!(lock.locked(), "handed to the woken waiter");
            assert!(lock.try_acquire().is_none(), "a newcomer does not overtake");
            waiter.await.unwrap();
            assert_eq!(*lock.acquire().await, ["main", "waiter"]);
        });
    }
}

mod event_tests {
    use super::*;

    #[test]
    fn test_wait() {
        run(async {
            let ev = Event::new();
            assert!(!ev.is_set());
            let result = Results::default();
            let c = |n| {
                let (ev, result) = (ev.clone(), result.clone());
                spawn(async move {
                    ev.wait().await;
                    result.push(n);
                })
            };
            let t1 = c(1);
            let t2 = c(2);
            yield_now().await;
            assert_eq!(result.get(), []);
            let t3 = c(3);
            ev.set();
            yield_now().await;
            assert_eq!(result.get(), [3, 1, 2]);
            assert!(t1.done() && t2.done() && t3.done());
        });
    }

    #[test]
    fn test_wait_on_set() {
        run(async {
            let ev = Event::new();
            ev.set();
            ev.wait().await;
        });
    }

    #[test]
    fn test_wait_cancel() {
        on_both_flavors(|| async {
            let ev = Event::new();
            let wait = spawn({
                let ev = ev.clone();
                async move { ev.wait().await }
            });
            yield_now().await;
            wait.cancel();
            assert!(wait.await.unwrap_err().is_cancelled());
            ev.set(); // nobody left in the queue
            assert!(ev.is_set());
        });
    }

    #[test]
    fn test_clear() {
        let ev = Event::new();
        assert!(!ev.is_set());
        ev.set();
        assert!(ev.is_set());
        ev.clear();
        assert!(!ev.is_set());
    }

    #[test]
    fn test_clear_with_waiters() {
        run(async {
            let ev = Event::new();
            let result = Results::default();
            let t = spawn({
                let (ev, result) = (ev.clone(), result.clone());
                async move {
                    ev.wait().await;
                    result.push(1);
                    true
                }
            });
            yield_now().await;
            assert_eq!(result.get(), []);
            ev.set();
            ev.clear();
            assert!(!ev.is_set());
            ev.set();
            ev.set();
            yield_now().await;
            assert_eq!(result.get(), [1]);
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        });
    }

    /// A waiter woken by `set()` returns even if the event is cleared before it runs.
    #[test]
    fn a_wait_woken_by_set_returns_even_if_cleared_before_it_runs() {
        run(async {
            let ev = Event::new();
            let t = spawn({
                let ev = ev.clone();
                async move { ev.wait().await }
            });
            yield_now().await;
            ev.set();
            ev.clear();
            t.await.unwrap();
        });
    }
}

mod condition_tests {
    use super::*;
    use asyncio::ConditionGuard;

    /// The condition tests' waiter: acquires, waits once, records `n` and hands its guard over
    /// (Python's task returns holding the lock, and main later calls `cond.release()`).
    fn waiter(
        cond: &Condition,
        result: &Results,
        held: &Held<ConditionGuard<()>>,
        n: i32,
    ) -> Task<bool> {
        let (cond, result, held) = (cond.clone(), result.clone(), held.clone());
        spawn(async move {
            let guard = cond.acquire().await.wait().await;
            result.push(n);
            held.put(guard);
            true
        })
    }

    #[test]
    fn test_wait() {
        run(async {
            let cond = Condition::default();
            let result = Results::default();
            let held = Held::new();
            let t1 = waiter(&cond, &result, &held, 1);
            let t2 = waiter(&cond, &result, &held, 2);
            let t3 = waiter(&cond, &result, &held, 3);
            yield_now().await;
            assert_eq!(result.get(), []);
            assert!(!cond.locked());

            let guard = cond.acquire().await;
            guard.notify(1);
            held.put(guard);
            yield_now().await;
            assert_eq!(result.get(), []);
            assert!(cond.locked());

            held.release();
            yield_now().await;
            assert_eq!(result.get(), [1]);
            assert!(cond.locked());

            // t1 holds the lock (its guard is in `held`): notify through it.
            held.0.lock().unwrap()[0].notify(2);
            yield_now().await;
            assert_eq!(result.get(), [1]);
            assert!(cond.locked());

            held.release();
            yield_now().await;
            assert_eq!(result.get(), [1, 2]);
            assert!(cond.locked());

            held.release();
            yield_now().await;
            assert_eq!(result.get(), [1, 2, 3]);
            assert!(cond.locked());
            for t in [t1, t2, t3] {
                assert_eq!(t.result(), Ok(true));
            }
        });
    }

    /// Divergence (API.md): the cancelled waiter does not hold the lock afterwards.
    #[test]
    fn test_wait_cancel() {
        on_both_flavors(|| async {
            let cond = Condition::default();
            let guard = cond.acquire().await;
            let wait = spawn(async move {
                guard.wait().await;
            });
            yield_now().await;
            wait.cancel();
            assert!(wait.await.unwrap_err().is_cancelled());
            assert!(
                !cond.locked(),
                "divergence: the lock went with the cancelled wait"
            );
            let guard = cond.acquire().await;
            guard.notify_all(); // nobody left waiting
        });
    }

    /// Notified, the lock contested, then cancelled: Python's waiter ends holding the lock; ours
    /// does not hold it (divergence), and the lock is not stuck.
    #[test]
    fn test_wait_cancel_contested() {
        run(async {
            let cond = Condition::default();
            let guard = cond.acquire().await;
            assert!(cond.locked());
            let wait_task = spawn(async move {
                drop(guard.wait().await);
            });
            yield_now().await;
            assert!(!cond.locked());
            let guard = cond.acquire().await;
            assert!(cond.locked());
            guard.notify(1);
            wait_task.cancel();
            drop(guard);
            let _ = wait_task.await;
            assert!(!cond.locked());
        });
    }

    #[test]
    fn test_wait_cancel_after_notify() {
        run(async {
            let cond = Condition::default();
            let waited = Arc::new(Mutex::new(false));
            let waiter = spawn({
                let (cond, waited) = (cond.clone(), waited.clone());
                async move {
                    let guard = cond.acquire().await;
                    *waited.lock().unwrap() = true;
                    guard.wait().await;
                }
            });
            yield_now().await; // start waiting
            let guard = cond.acquire().await;
            guard.notify(1);
            yield_now().await; // get to acquire()
            waiter.cancel();
            yield_now().await; // activate cancellation
            drop(guard);
            yield_now().await;
            assert!(waiter.cancelled());
            assert!(*waited.lock().unwrap());
            assert!(!cond.locked());
        });
    }

    #[test]
    fn test_wait_for() {
        run(async {
            let cond = Condition::new(false);
            let result = Results::default();
            let t = spawn({
                let (cond, result) = (cond.clone(), result.clone());
                async move {
                    let guard = cond.acquire().await.wait_for(|ready| *ready).await;
                    result.push(1);
                    drop(guard);
                    true
                }
            });
            yield_now().await;
            assert_eq!(result.get(), []);

            let guard = cond.acquire().await;
            guard.notify(1);
            drop(guard);
            steps(2).await;
            assert_eq!(result.get(), []);

            let mut guard = cond.acquire().await;
            *guard = true;
            guard.notify(1);
            drop(guard);
            steps(2).await;
            assert_eq!(result.get(), [1]);
            assert_eq!(t.result(), Ok(true));
        });
    }

    #[test]
    fn test_wait_for_unacquired() {
        // The predicate can hold at once: no wait.
        run(async {
            let cond = Condition::new(vec![1, 2, 3]);
            let guard = cond.acquire().await.wait_for(|v| !v.is_empty()).await;
            assert_eq!(*guard, [1, 2, 3]);
        });
    }

    #[test]
    fn test_notify() {
        run(async {
            let cond = Condition::default();
            let result = Results::default();
            let c = |n| {
                let (cond, result) = (cond.clone(), result.clone());
                spawn(async move {
                    let guard = cond.acquire().await.wait().await;
                    result.push(n);
                    drop(guard);
                    true
                })
            };
            let (t1, t2, t3) = (c(1), c(2), c(3));
            yield_now().await;
            assert_eq!(result.get(), []);

            let guard = cond.acquire().await;
            guard.notify(1);
            drop(guard);
            yield_now().await;
            assert_eq!(result.get(), [1]);

            let guard = cond.acquire().await;
            guard.notify(1);
            guard.notify(2048);
            drop(guard);
            steps(2).await;
            assert_eq!(result.get(), [1, 2, 3]);
            for t in [t1, t2, t3] {
                assert_eq!(t.result(), Ok(true));
            }
        });
    }

    #[test]
    fn test_notify_all() {
        run(async {
            let cond = Condition::default();
            let result = Results::default();
            let c = |n| {
                let (cond, result) = (cond.clone(), result.clone());
                spawn(async move {
                    drop(cond.acquire().await.wait().await);
                    result.push(n);
                })
            };
            let (t1, t2) = (c(1), c(2));
            yield_now().await;
            let guard = cond.acquire().await;
            guard.notify_all();
            drop(guard);
            steps(2).await;
            assert_eq!(result.get(), [1, 2]);
            assert!(t1.done() && t2.done());
        });
    }

    #[test]
    fn test_context_manager() {
        run(async {
            let cond = Condition::default();
            assert!(!cond.locked());
            {
                let _guard = cond.acquire().await;
                assert!(cond.locked());
            }
            assert!(!cond.locked());
        });
    }

    #[test]
    fn test_timeout_in_block() {
        on_both_flavors(|| async {
            let cond = Condition::default();
            let guard = cond.acquire().await;
            let timed_out = wait_for(guard.wait(), Duration::from_millis(50)).await;
            assert!(timed_out.is_err());
            assert!(
                !cond.locked(),
                "divergence: the timed-out wait does not hold the lock"
            );
        });
    }

    /// CPython 3.13 `test_cancelled_error_wakeup`: a waiter cancelled after it was notified
    /// passes the notification on, so the other waiter is not left waiting.
    #[test]
    fn test_cancelled_error_wakeup() {
        run(async {
            let cond = Condition::default();
            let woke = Results::default();
            let c = |n| {
                let (cond, woke) = (cond.clone(), woke.clone());
                spawn(async move {
                    drop(cond.acquire().await.wait().await);
                    woke.push(n);
                })
            };
            let (t1, t2) = (c(1), c(2));
            yield_now().await;
            let guard = cond.acquire().await;
            guard.notify(1);
            t1.cancel();
            drop(guard);
            steps(3).await;
            assert!(t1.cancelled());
            assert!(t2.done(), "the notification passed to the second waiter");
            assert_eq!(woke.get(), [2]);
        });
    }

    /// CPython 3.13 `test_cancelled_wakeup`: cancelled while re-acquiring after a notify.
    #[test]
    fn test_cancelled_wakeup() {
        run(async {
            let cond = Condition::default();
            let woke = Results::default();
            let c = |n| {
                let (cond, woke) = (cond.clone(), woke.clone());
                spawn(async move {
                    drop(cond.acquire().await.wait().await);
                    woke.push(n);
                })
            };
            let (t1, t2) = (c(1), c(2));
            yield_now().await;
            let guard = cond.acquire().await;
            guard.notify(1);
            yield_now().await; // t1 now waits for the lock
            t1.cancel();
            yield_now().await;
            drop(guard);
            steps(3).await;
            assert!(t1.cancelled());
            assert!(
                t2.done(),
                "a spurious wake-up, as Python's: nobody is left waiting"
            );
            assert!(!cond.locked());
        });
    }
}

mod semaphore_tests {
    use super::*;
    use asyncio::SemaphoreGuard;

    #[test]
    fn test_initial_value_zero() {
        assert!(Semaphore::new(0).locked());
    }

    #[test]
    fn test_semaphore() {
        let sem = Semaphore::new(1);
        assert!(!sem.locked());
    }

    #[test]
    fn test_acquire() {
        run(async {
            let sem = Semaphore::new(3);
            let result = Results::default();
            let held: Held<SemaphoreGuard> = Held::new();
            held.put(sem.acquire().await);
            held.put(sem.acquire().await);
            assert!(!sem.locked());
            let c = |n| {
                let (sem, result, held) = (sem.clone(), result.clone(), held.clone());
                spawn(async move {
                    held.put(sem.acquire().await);
                    result.push(n);
                    true
                })
            };
            let (t1, t2, t3) = (c(1), c(2), c(3));
            yield_now().await;
            assert_eq!(result.get(), [1]);
            assert!(sem.locked());
            let t4 = c(4);
            sem.release();
            sem.release();
            yield_now().await;
            assert_eq!(result.get().len(), 3);
            assert!(sem.locked());
            assert!(t1.done());
            let race = [t2, t3, t4];
            assert_eq!(race.iter().filter(|t| t.done()).count(), 2);
            sem.release();
            gather_all(race).await.unwrap();
        });
    }

    #[test]
    fn test_acquire_cancel() {
        on_both_flavors(|| async {
            let sem = Semaphore::new(1);
            let _permit = sem.acquire().await;
            let acquire = spawn({
                let sem = sem.clone();
                async move { drop(sem.acquire().await) }
            });
            yield_now().await;
            acquire.cancel();
            assert!(acquire.await.unwrap_err().is_cancelled());
            drop(_permit);
            assert!(!sem.locked());
        });
    }

    #[test]
    fn test_acquire_cancel_before_awoken() {
        run(async {
            let sem = Semaphore::new(0);
            let acquire = || {
                let sem = sem.clone();
                spawn(async move { sem.acquire().await.forget() })
            };
            let (t1, t2, t3, t4) = (acquire(), acquire(), acquire(), acquire());
            yield_now().await;
            t1.cancel();
            t2.cancel();
            sem.release();
            steps(2).await;
            assert!(t3.done());
            assert!(!t4.done());
            t3.cancel();
            t4.cancel();
            yield_now().await;
            assert!(t1.cancelled() && t2.cancelled() && t4.cancelled());
        });
    }

    #[test]
    fn test_acquire_hang() {
        run(async {
            let sem = Semaphore::new(0);
            let acquire = || {
                let sem = sem.clone();
                spawn(async move { sem.acquire().await.forget() })
            };
            let (t1, t2) = (acquire(), acquire());
            yield_now().await;
            t1.cancel();
            sem.release();
            steps(2).await;
            assert!(sem.locked());
            assert!(t2.done());
        });
    }

    #[test]
    fn test_acquire_no_hang() {
        on_both_flavors(|| async {
            let sem = Semaphore::new(1);
            let t2_slot: Arc<Mutex<Option<Task<()>>>> = Arc::default();
            let t1 = spawn({
                let (sem, t2_slot) = (sem.clone(), t2_slot.clone());
                async move {
                    until(|| t2_slot.lock().unwrap().is_some()).await;
                    {
                        let _permit = sem.acquire().await;
                        yield_now().await;
                    }
                    t2_slot.lock().unwrap().as_ref().unwrap().cancel();
                }
            });
            let t2 = spawn({
                let sem = sem.clone();
                async move {
                    asyncio::sleep(Duration::from_millis(5)).await;
                    let _permit = sem.acquire().await;
                    panic!("never reached: cancelled while waiting or before it ran");
                }
            });
            *t2_slot.lock().unwrap() = Some(t2.clone());
            let outcomes = asyncio::gather_all([t1, t2]).return_exceptions().await;
            assert!(outcomes[0].is_ok());
            assert!(outcomes[1].as_ref().unwrap_err().is_cancelled());
            wait_for(sem.acquire(), Duration::from_secs(1))
                .await
                .expect("the semaphore is not stuck");
        });
    }

    #[test]
    fn test_release_not_acquired() {
        let sem = BoundedSemaphore::new(1);
        assert!(sem.release().is_err());
    }

    #[test]
    fn test_release_no_waiters() {
        run(async {
            let sem = Semaphore::new(1);
            sem.acquire().await.forget();
            assert!(sem.locked());
            sem.release();
            assert!(!sem.locked());
        });
    }

    #[test]
    fn test_acquire_fifo_order() {
        run(async {
            let sem = Semaphore::new(1);
            let result = Arc::new(Mutex::new(Vec::new()));
            let coro = |tag: &'static str| {
                let (sem, result) = (sem.clone(), result.clone());
                spawn(async move {
                    for round in 1..=2 {
                        let _permit = sem.acquire().await;
                        result.lock().unwrap().push(format!("{tag}_{round}"));
                        asyncio::sleep(Duration::from_millis(10)).await;
                    }
                })
            };
            gather_all([coro("c1"), coro("c2"), coro("c3")])
                .await
                .unwrap();
            assert_eq!(
                *result.lock().unwrap(),
                ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]
            );
        });
    }

    #[test]
    fn test_acquire_fifo_order_2() {
        run(async {
            let sem = Semaphore::new(1);
            let result = Results::default();
            let t1 = spawn({
                let (sem, result) = (sem.clone(), result.clone());
                async move {
                    sem.acquire().await.forget();
                    result.push(1);
                }
            });
            let t2 = spawn({
                let (sem, result) = (sem.clone(), result.clone());
                async move {
                    sem.acquire().await.forget();
                    result.push(2);
                    sem.release();
                    sem.acquire().await.forget();
                    result.push(4);
                }
            });
            let t3 = spawn({
                let (sem, result) = (sem.clone(), result.clone());
                async move {
                    sem.acquire().await.forget();
                    result.push(3);
                }
            });
            yield_now().await;
            sem.release();
            sem.release();
            gather_all([t1, t2, t3]).await.unwrap();
            assert_eq!(result.get(), [1, 2, 3, 4]);
        });
    }

    #[test]
    fn test_acquire_fifo_order_3() {
        run(async {
            let sem = Semaphore::new(0);
            let result = Results::default();
            let c = |n| {
                let (sem, result) = (sem.clone(), result.clone());
                spawn(async move {
                    sem.acquire().await.forget();
                    result.push(n);
                })
            };
            let (t1, t2, t3) = (c(1), c(2), c(3));
            yield_now().await;
            t1.cancel();
            yield_now().await;
            sem.release();
            sem.release();
            let _ = gather_all([t1, t2, t3]).return_exceptions().await;
            assert_eq!(result.get(), [2, 3]);
        });
    }

    /// `locked()` is true while a permit is on its way to a woken waiter, and a newcomer queues
    /// behind it (Python 3.13's `Semaphore.locked()`).
    #[test]
    fn locked_while_a_permit_is_on_its_way_to_a_woken_waiter() {
        run(async {
            let sem = Semaphore::new(0);
            let waiter = spawn({
                let sem = sem.clone();
                async move { sem.acquire().await.forget() }
            });
            yield_now().await;
            sem.release();
            assert!(sem.locked());
            assert!(sem.try_acquire().is_none());
            waiter.await.unwrap();
            assert!(sem.locked());
        });
    }

    #[test]
    fn bounded_semaphore_refuses_an_extra_release_and_a_guard_after_it_adds_nothing() {
        run(async {
            let sem = BoundedSemaphore::new(1);
            let permit = sem.acquire().await;
            assert_eq!(sem.release(), Ok(())); // Python allows it: value back to 1
            drop(permit); // would go above the bound: not added
            assert!(sem.release().is_err());
            let a = sem.try_acquire();
            assert!(a.is_some());
            assert!(sem.try_acquire().is_none());
        });
    }
}

mod barrier_tests {
    use super::*;

    const N: usize = 5;

    fn make_tasks<F, Fut>(n: usize, coro: F) -> Vec<Task<Fut::Output>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        (0..n).map(|_| spawn(coro())).collect()
    }

    fn state(barrier: &Barrier) -> String {
        format!("{barrier:?}")
    }

    #[test]
    fn test_barrier_parties() {
        assert!(std::panic::catch_unwind(|| Barrier::new(0)).is_err());
        assert_eq!(Barrier::new(N).parties(), N);
    }

    #[test]
    fn test_context_manager() {
        on_both_flavors(|| async {
            let barrier = Barrier::new(3);
            let tasks = make_tasks(3, || {
                let barrier = barrier.clone();
                async move { barrier.wait().await.unwrap() }
            });
            let mut results = gather_all(tasks).await.unwrap();
            results.sort();
            assert_eq!(results, [0, 1, 2]);
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_filling_one_task() {
        run(async {
            let barrier = Barrier::new(1);
            assert_eq!(barrier.wait().await, Ok(0));
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_filling_one_task_twice() {
        run(async {
            let barrier = Barrier::new(1);
            let t1 = spawn({
                let b = barrier.clone();
                async move { b.wait().await }
            });
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 0);
            let t2 = spawn({
                let b = barrier.clone();
                async move { b.wait().await }
            });
            yield_now().await;
            assert_eq!(t1.result().unwrap(), t2.result().unwrap());
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_filling_task_by_task() {
        run(async {
            let barrier = Barrier::new(3);
            let wait = || {
                let b = barrier.clone();
                spawn(async move { b.wait().await })
            };
            let t1 = wait();
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 1);
            assert!(state(&barrier).contains("Filling"));
            let t2 = wait();
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 2);
            let t3 = wait();
            yield_now().await;
            asyncio::wait([t1, t2, t3]).await;
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_filling_tasks_wait_twice() {
        on_both_flavors(|| async {
            let barrier = Barrier::new(N);
            let tasks = make_tasks(N, || {
                let barrier = barrier.clone();
                async move {
                    let a = barrier.wait().await.is_ok();
                    let b = barrier.wait().await.unwrap();
                    (a, b)
                }
            });
            let results = gather_all(tasks).await.unwrap();
            assert!(results.iter().all(|(a, _)| *a));
            let mut second: Vec<usize> = results.iter().map(|(_, b)| *b).collect();
            second.sort();
            assert_eq!(second, (0..N).collect::<Vec<_>>());
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_filling_tasks_check_return_value() {
        on_both_flavors(|| async {
            let barrier = Barrier::new(N);
            let tasks = make_tasks(N, || {
                let barrier = barrier.clone();
                async move {
                    barrier.wait().await.unwrap();
                    barrier.wait().await.unwrap()
                }
            });
            let mut res = gather_all(tasks).await.unwrap();
            res.sort();
            assert_eq!(res, (0..N).collect::<Vec<_>>());
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    /// Python compares `barrier._count` (private) with the tasks still draining; the same
    /// moment is "the (N - rest)-th task out of the barrier".
    #[test]
    fn test_reset_barrier_when_tasks_half_draining() {
        run(async {
            let barrier = Barrier::new(N);
            let rest_of_tasks = N / 2;
            let results1 = Results::default();
            let out = Arc::new(Mutex::new(0));
            let tasks = make_tasks(N, || {
                let (barrier, results1, out) = (barrier.clone(), results1.clone(), out.clone());
                async move {
                    if barrier.wait().await.is_err() {
                        results1.push(1);
                    } else {
                        let drained = {
                            let mut out = out.lock().unwrap();
                            *out += 1;
                            *out
                        };
                        if drained == N - rest_of_tasks {
                            barrier.reset().await;
                        }
                    }
                }
            });
            gather_all(tasks).await.unwrap();
            assert_eq!(results1.get().len(), rest_of_tasks);
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!state(&barrier).contains("Resetting"));
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_reset_barrier_when_tasks_half_draining_half_blocking() {
        run(async {
            let barrier = Barrier::new(N);
            let blocking_tasks = N / 2;
            let results1 = Results::default();
            let results2 = Results::default();
            let count = Arc::new(Mutex::new(0));
            let tasks = make_tasks(N, || {
                let (barrier, results1, results2, count) = (
                    barrier.clone(),
                    results1.clone(),
                    results2.clone(),
                    count.clone(),
                );
                async move {
                    if barrier.wait().await.is_err() {
                        results1.push(1);
                        barrier.wait().await.unwrap();
                        return;
                    }
                    let c = {
                        let mut c = count.lock().unwrap();
                        *c += 1;
                        *c
                    };
                    if c > blocking_tasks {
                        barrier.reset().await;
                        barrier.wait().await.unwrap();
                    } else if barrier.wait().await.is_err() {
                        results2.push(1);
                    }
                }
            });
            gather_all(tasks).await.unwrap();
            assert_eq!(results1.get().len(), blocking_tasks);
            assert_eq!(results2.get(), []);
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!state(&barrier).contains("Resetting"));
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_draining_state() {
        run(async {
            let barrier = Barrier::new(N);
            let results = Arc::new(Mutex::new(Vec::new()));
            let tasks = make_tasks(N, || {
                let (barrier, results) = (barrier.clone(), results.clone());
                async move {
                    barrier.wait().await.unwrap();
                    let draining = format!("{barrier:?}").contains("Draining");
                    results.lock().unwrap().push(draining);
                }
            });
            gather_all(tasks).await.unwrap();
            let results = results.lock().unwrap().clone();
            assert_eq!(results.len(), N);
            assert!(!results[N - 1]);
            assert!(results[..N - 1].iter().all(|d| *d));
            assert_eq!(barrier.n_waiting(), 0);
        });
    }

    #[test]
    fn test_blocking_tasks_while_draining() {
        run(async {
            let rewait = 2;
            let barrier = Barrier::new(N);
            let barrier_nowaiting = Barrier::new(N - rewait);
            let rewait_n = Arc::new(Mutex::new(rewait));
            let tasks = make_tasks(N, || {
                let (barrier, barrier_nowaiting, rewait_n) =
                    (barrier.clone(), barrier_nowaiting.clone(), rewait_n.clone());
                async move {
                    barrier.wait().await.unwrap();
                    let again = {
                        let mut r = rewait_n.lock().unwrap();
                        if *r > 0 {
                            *r -= 1;
                            true
                        } else {
                            false
                        }
                    };
                    if again {
                        barrier.wait().await.unwrap();
                    } else {
                        barrier_nowaiting.wait().await.unwrap();
                        barrier.wait().await.unwrap();
                    }
                }
            });
            gather_all(tasks).await.unwrap();
        });
    }

    #[test]
    fn test_filling_tasks_cancel_one() {
        run(async {
            let barrier = Barrier::new(3);
            let results = Results::default();
            let coro = || {
                let (barrier, results) = (barrier.clone(), results.clone());
                spawn(async move {
                    barrier.wait().await.unwrap();
                    results.push(1);
                })
            };
            let t1 = coro();
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 1);
            let t2 = coro();
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 2);
            t1.cancel();
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 1);
            assert!(t1.clone().await.unwrap_err().is_cancelled());
            let t3 = coro();
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 2);
            let t4 = coro();
            gather_all([t2, t3, t4]).await.unwrap();
            assert_eq!(results.get().len(), 3);
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_reset_barrier() {
        run(async {
            let barrier = Barrier::new(1);
            barrier.reset().await;
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_reset_barrier_while_tasks_waiting() {
        on_both_flavors(|| async {
            let barrier = Barrier::new(N);
            let tasks = make_tasks(N - 1, || {
                let barrier = barrier.clone();
                async move { barrier.wait().await.is_err() }
            });
            until(|| barrier.n_waiting() == N - 1).await;
            barrier.reset().await;
            let results = gather_all(tasks).await.unwrap();
            assert!(results.iter().all(|broken| *broken));
            assert_eq!(barrier.n_waiting(), 0);
            assert!(!state(&barrier).contains("Resetting"));
            assert!(!barrier.broken());
        });
    }

    #[test]
    fn test_reset_barrier_while_tasks_waiting_and_waiting_again() {
        run(async {
            let barrier = Barrier::new(N);
            let results1 = Results::default();
            let results2 = Results::default();
            let tasks = make_tasks(N - 1, || {
                let (barrier, results1, results2) =
                    (barrier.clone(), results1.clone(), results2.clone());
                async move {
                    if barrier.wait().await.is_err() {
                        results1.push(1);
                    }
                    barrier.wait().await.unwrap();
                    results2.push(1);
                }
            });
            yield_now().await;
            barrier.reset().await;
            yield_now().await;
            let last = spawn({
                let (barrier, results2) = (barrier.clone(), results2.clone());
                async move {
                    barrier.wait().await.unwrap();
                    results2.push(1);
                }
            });
            gather_all(tasks).await.unwrap();
            last.await.unwrap();
            assert!(!barrier.broken());
            assert_eq!(results1.get().len(), N - 1);
            assert_eq!(results2.get().len(), N);
            assert_eq!(barrier.n_waiting(), 0);
        });
    }

    #[test]
    fn test_reset_barrier_while_tasks_draining() {
        run(async {
            let barrier = Barrier::new(N);
            let results1 = Results::default();
            let results3 = Results::default();
            let count = Arc::new(Mutex::new(0));
            let tasks = make_tasks(N, || {
                let (barrier, results1, results3, count) = (
                    barrier.clone(),
                    results1.clone(),
                    results3.clone(),
                    count.clone(),
                );
                async move {
                    barrier.wait().await.unwrap();
                    let last = {
                        let mut c = count.lock().unwrap();
                        *c += 1;
                        *c == N
                    };
                    if last {
                        barrier.reset().await;
                        barrier.wait().await.unwrap();
                    } else {
                        barrier.wait().await.expect("never broken");
                        results1.push(1);
                    }
                    barrier.wait().await.unwrap();
                    results3.push(1);
                }
            });
            gather_all(tasks).await.unwrap();
            assert!(!barrier.broken());
            assert_eq!(results1.get().len(), N - 1);
            assert_eq!(results3.get().len(), N);
            assert_eq!(barrier.n_waiting(), 0);
        });
    }

    #[test]
    fn test_abort_barrier() {
        run(async {
            let barrier = Barrier::new(1);
            barrier.abort().await;
            assert_eq!(barrier.n_waiting(), 0);
            assert!(barrier.broken());
        });
    }

    #[test]
    fn test_abort_barrier_when_tasks_half_draining_half_blocking() {
        run(async {
            let barrier = Barrier::new(N);
            let blocking_tasks = N / 2;
            let results1 = Results::default();
            let results2 = Results::default();
            let count = Arc::new(Mutex::new(0));
            let tasks = make_tasks(N, || {
                let (barrier, results1, results2, count) = (
                    barrier.clone(),
                    results1.clone(),
                    results2.clone(),
                    count.clone(),
                );
                async move {
                    if barrier.wait().await.is_err() {
                        results1.push(1);
                        return;
                    }
                    let c = {
                        let mut c = count.lock().unwrap();
                        *c += 1;
                        *c
                    };
                    if c > blocking_tasks {
                        barrier.abort().await;
                    } else if barrier.wait().await.is_err() {
                        results2.push(1);
                    }
                }
            });
            gather_all(tasks).await.unwrap();
            assert!(barrier.broken());
            // Those still draining when the barrier is aborted see it broken (Python).
            assert_eq!(results1.get().len(), blocking_tasks);
            assert_eq!(results2.get().len(), N - blocking_tasks - 1);
            assert_eq!(barrier.n_waiting(), 0);
        });
    }

    #[test]
    fn test_abort_barrier_when_exception() {
        run(async {
            let barrier = Barrier::new(N);
            let results1 = Results::default();
            let results2 = Results::default();
            let tasks = make_tasks(N, || {
                let (barrier, results1, results2) =
                    (barrier.clone(), results1.clone(), results2.clone());
                async move {
                    let outcome: Result<(), &str> = async {
                        let i = barrier.wait().await.map_err(|_| "broken")?;
                        if i == N / 2 {
                            return Err("runtime error");
                        }
                        barrier.wait().await.map_err(|_| "broken")?;
                        results1.push(1);
                        Ok(())
                    }
                    .await;
                    match outcome {
                        Err("broken") => results2.push(1),
                        Err(_) => barrier.abort().await,
                        Ok(()) => {}
                    }
                }
            });
            gather_all(tasks).await.unwrap();
            assert!(barrier.broken());
            assert_eq!(results1.get().len(), 0);
            assert_eq!(results2.get().len(), N - 1);
            assert_eq!(barrier.n_waiting(), 0);
        });
    }

    #[test]
    fn test_abort_barrier_when_exception_then_resetting() {
        on_both_flavors(|| async {
            let barrier1 = Barrier::new(N);
            let barrier2 = Barrier::new(N);
            let results2 = Results::default();
            let results3 = Results::default();
            let tasks = make_tasks(N, || {
                let (barrier1, barrier2, results2, results3) = (
                    barrier1.clone(),
                    barrier2.clone(),
                    results2.clone(),
                    results3.clone(),
                );
                async move {
                    match barrier1.wait().await {
                        Ok(i) if i == N / 2 => barrier1.abort().await,
                        Ok(_) => {
                            if barrier1.wait().await.is_err() {
                                results2.push(1);
                            }
                        }
                        Err(_) => results2.push(1),
                    }
                    let i = barrier2.wait().await.unwrap();
                    if i == N / 2 {
                        barrier1.reset().await;
                    }
                    barrier2.wait().await.unwrap();
                    barrier1.wait().await.unwrap();
                    results3.push(1);
                }
            });
            gather_all(tasks).await.unwrap();
            assert!(!barrier1.broken());
            assert_eq!(results2.get().len(), N - 1);
            assert_eq!(results3.get().len(), N);
            assert_eq!(barrier1.n_waiting(), 0);
        });
    }
}

/// The primitives work outside a runtime wherever they need not wait, and are usable from
/// several runtimes (the contract: "from any task of any runtime").
#[test]
fn primitives_work_outside_a_runtime_and_across_runtimes() {
    let lock = Lock::new(0);
    *lock.try_acquire().unwrap() += 1;
    let sem = Semaphore::new(1);
    drop(sem.try_acquire().unwrap());
    let ev = Event::new();
    ev.set();
    RunConfig::new().run({
        let lock = lock.clone();
        async move { *lock.acquire().await += 1 }
    });
    common::multi_thread().run({
        let (lock, ev) = (lock.clone(), ev.clone());
        async move {
            ev.wait().await;
            *lock.acquire().await += 1
        }
    });
    assert_eq!(*lock.try_acquire().unwrap(), 3);
}

#[test]
fn handles_and_guards_are_send_sync_static() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send + 'static>() {}
    send_sync::<Lock<Vec<u8>>>();
    send_sync::<Condition<String>>();
    send_sync::<Event>();
    send_sync::<Semaphore>();
    send_sync::<BoundedSemaphore>();
    send_sync::<Barrier>();
    send::<asyncio::LockGuard<Vec<u8>>>();
    send::<asyncio::ConditionGuard<Vec<u8>>>();
    send::<asyncio::SemaphoreGuard>();
    // The futures are Send too, so they can be awaited inside spawn!.
    fn send_future<F: std::future::Future + Send>(_: F) {}
    let lock = Lock::new(1);
    send_future(lock.acquire());
    let cond = Condition::new(1);
    send_future(cond.acquire());
    send_future(async move { cond.acquire().await.wait_for(|n| *n > 0).await });
    let sem = Semaphore::new(1);
    send_future(sem.acquire());
    let barrier = Barrier::new(1);
    send_future(barrier.wait());
    let ev = Event::new();
    send_future(ev.wait());
}
