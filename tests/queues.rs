//! CPython's `Lib/test/test_asyncio/test_queues.py` (3.13, with `shutdown`), ported: one Rust
//! module per Python test class, each test named after the method it ports. The join and
//! shutdown mixins run for the three queue types. Methods not ported:
//! `docs/coordination-port.md`.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use asyncio::{
    gather_all, run, sleep, spawn, wait_for, yield_now, Event, LifoQueue, PriorityQueue, Queue,
    QueueShutDown, TryGetError, TryPutError,
};
use common::on_both_flavors;

mod queue_basic_tests {
    use super::*;

    #[test]
    fn test_repr() {
        run(async {
            let q = Queue::new(0);
            let getter = spawn({
                let q = q.clone();
                async move { q.get().await }
            });
            yield_now().await;
            assert!(format!("{q:?}").contains("getters: 1"), "{q:?}");
            q.put_nowait(0).unwrap();
            assert_eq!(getter.await.unwrap(), Ok(0));

            let q = Queue::new(1);
            q.put_nowait(1).unwrap();
            let putter = spawn({
                let q = q.clone();
                async move { q.put(2).await }
            });
            yield_now().await;
            assert!(format!("{q:?}").contains("putters: 1"), "{q:?}");
            q.get_nowait().unwrap();
            putter.await.unwrap().unwrap();
            assert!(format!("{q:?}").starts_with("Queue"));
        });
    }

    #[test]
    fn test_empty() {
        run(async {
            let q = Queue::new(0);
            assert!(q.empty());
            q.put(1).await.unwrap();
            assert!(!q.empty());
            assert_eq!(q.get().await, Ok(1));
            assert!(q.empty());
        });
    }

    #[test]
    fn test_full() {
        run(async {
            let q = Queue::<i32>::new(0);
            assert!(!q.full());
            let q = Queue::new(1);
            q.put(1).await.unwrap();
            assert!(q.full());
        });
    }

    #[test]
    fn test_order() {
        run(async {
            let q = Queue::new(0);
            for i in [1, 3, 2] {
                q.put(i).await.unwrap();
            }
            let mut items = Vec::new();
            for _ in 0..3 {
                items.push(q.get().await.unwrap());
            }
            assert_eq!(items, [1, 3, 2]);
        });
    }

    #[test]
    fn test_maxsize() {
        run(async {
            let q = Queue::new(2);
            assert_eq!(q.maxsize(), 2);
            let have_been_put = Arc::new(Mutex::new(Vec::new()));
            let t = spawn({
                let (q, have_been_put) = (q.clone(), have_been_put.clone());
                async move {
                    for i in 0..3 {
                        q.put(i).await.unwrap();
                        have_been_put.lock().unwrap().push(i);
                    }
                    true
                }
            });
            for _ in 0..2 {
                yield_now().await;
            }
            assert_eq!(*have_been_put.lock().unwrap(), [0, 1]);
            assert_eq!(q.get().await, Ok(0));
            yield_now().await;
            assert_eq!(*have_been_put.lock().unwrap(), [0, 1, 2]);
            assert_eq!(q.get().await, Ok(1));
            assert_eq!(q.get().await, Ok(2));
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        });
    }
}

mod queue_get_tests {
    use super::*;

    #[test]
    fn test_blocking_get() {
        run(async {
            let q = Queue::new(0);
            q.put_nowait(1).unwrap();
            assert_eq!(q.get().await, Ok(1));
        });
    }

    #[test]
    fn test_get_with_putters() {
        run(async {
            let q = Queue::new(1);
            q.put(1).await.unwrap();
            let putter = spawn({
                let q = q.clone();
                async move { q.put(2).await }
            });
            yield_now().await;
            assert_eq!(q.get().await, Ok(1));
            putter.await.unwrap().unwrap();
            assert_eq!(q.get_nowait(), Ok(2));
        });
    }

    #[test]
    fn test_blocking_get_wait() {
        on_both_flavors(|| async {
            let q = Queue::new(0);
            let started = Event::new();
            let finished = Arc::new(Mutex::new(false));
            let task = spawn({
                let (q, started, finished) = (q.clone(), started.clone(), finished.clone());
                async move {
                    started.set();
                    let res = q.get().await;
                    *finished.lock().unwrap() = true;
                    res
                }
            });
            started.wait().await;
            assert!(!*finished.lock().unwrap());
            spawn({
                let q = q.clone();
                async move {
                    sleep(Duration::from_millis(10)).await;
                    q.put_nowait(1).unwrap();
                }
            });
            assert_eq!(task.await.unwrap(), Ok(1));
            assert!(*finished.lock().unwrap());
        });
    }

    #[test]
    fn test_nonblocking_get() {
        let q = Queue::new(0);
        q.put_nowait(1).unwrap();
        assert_eq!(q.get_nowait(), Ok(1));
    }

    #[test]
    fn test_nonblocking_get_exception() {
        let q = Queue::<i32>::new(0);
        assert_eq!(q.get_nowait(), Err(TryGetError::Empty));
    }

    #[test]
    fn test_get_cancelled_race() {
        run(async {
            let q = Queue::new(0);
            let get = || {
                let q = q.clone();
                spawn(async move { q.get().await })
            };
            let t1 = get();
            let t2 = get();
            yield_now().await;
            t1.cancel();
            yield_now().await;
            assert!(t1.done());
            q.put("a").await.unwrap();
            yield_now().await;
            assert_eq!(t2.await.unwrap(), Ok("a"));
        });
    }

    #[test]
    fn test_get_with_waiting_putters() {
        run(async {
            let q = Queue::new(1);
            spawn({
                let q = q.clone();
                async move { q.put('a').await }
            });
            spawn({
                let q = q.clone();
                async move { q.put('b').await }
            });
            assert_eq!(q.get().await, Ok('a'));
            assert_eq!(q.get().await, Ok('b'));
        });
    }

    #[test]
    fn test_why_are_getters_waiting() {
        on_both_flavors(|| async {
            let q = Queue::new(1);
            let n = 5;
            let producer = spawn({
                let q = q.clone();
                async move {
                    for i in 0..n {
                        q.put(i).await.unwrap();
                    }
                }
            });
            let consumer = spawn({
                let q = q.clone();
                async move {
                    for _ in 0..n {
                        q.get().await.unwrap();
                    }
                }
            });
            asyncio::gather!(producer, consumer).await.unwrap();
        });
    }

    #[test]
    fn test_cancelled_getters_not_being_held_in_self_getters() {
        on_both_flavors(|| async {
            let q = Queue::<i32>::new(5);
            assert!(wait_for(q.get(), Duration::from_millis(20)).await.is_err());
            assert!(format!("{q:?}").contains("getters: 0"), "{q:?}");
        });
    }
}

mod queue_put_tests {
    use super::*;

    #[test]
    fn test_blocking_put() {
        run(async {
            let q = Queue::new(0);
            q.put(1).await.unwrap();
            assert_eq!(q.get().await, Ok(1));
        });
    }

    #[test]
    fn test_blocking_put_wait() {
        on_both_flavors(|| async {
            let q = Queue::new(1);
            let started = Event::new();
            let finished = Arc::new(Mutex::new(false));
            spawn({
                let q = q.clone();
                async move {
                    sleep(Duration::from_millis(10)).await;
                    q.get_nowait().unwrap();
                }
            });
            let task = spawn({
                let (q, started, finished) = (q.clone(), started.clone(), finished.clone());
                async move {
                    started.set();
                    q.put(1).await.unwrap();
                    q.put(2).await.unwrap();
                    *finished.lock().unwrap() = true;
                }
            });
            started.wait().await;
            assert!(!*finished.lock().unwrap());
            task.await.unwrap();
            assert!(*finished.lock().unwrap());
        });
    }

    #[test]
    fn test_nonblocking_put() {
        let q = Queue::new(0);
        q.put_nowait(1).unwrap();
        assert_eq!(q.get_nowait(), Ok(1));
    }

    #[test]
    fn test_get_cancel_drop_one_pending_reader() {
        run(async {
            let q = Queue::new(0);
            let reader = spawn({
                let q = q.clone();
                async move { q.get().await }
            });
            yield_now().await;
            q.put_nowait(1).unwrap();
            q.put_nowait(2).unwrap();
            reader.cancel();
            let result = match reader.await {
                Ok(got) => got,
                Err(_) => {
                    let q = q.clone();
                    spawn(async move { q.get().await }).await.unwrap()
                }
            };
            assert_eq!(result, Ok(1), "if we get 2, 1 got dropped");
        });
    }

    #[test]
    fn test_get_cancel_drop_many_pending_readers() {
        run(async {
            let q = Queue::new(0);
            let reader = || {
                let q = q.clone();
                spawn(async move { q.get().await.unwrap() })
            };
            let (reader1, reader2, reader3) = (reader(), reader(), reader());
            yield_now().await;
            q.put_nowait(1).unwrap();
            q.put_nowait(2).unwrap();
            reader1.cancel();
            assert!(reader1.await.unwrap_err().is_cancelled());
            let mut got = vec![reader2.await.unwrap(), reader3.await.unwrap()];
            got.sort();
            assert_eq!(got, [1, 2]);
        });
    }

    #[test]
    fn test_put_cancel_drop() {
        run(async {
            let q = Queue::new(1);
            q.put_nowait(1).unwrap();
            let writer = spawn({
                let q = q.clone();
                async move { q.put(2).await }
            });
            yield_now().await;
            assert_eq!(q.get_nowait(), Ok(1));
            writer.cancel();
            if writer.await.is_err() {
                let q = q.clone();
                spawn(async move { q.put(2).await }).await.unwrap().unwrap();
            }
            assert_eq!(q.get_nowait(), Ok(2));
            assert_eq!(q.qsize(), 0);
        });
    }

    #[test]
    fn test_nonblocking_put_exception() {
        let q = Queue::new(1);
        q.put_nowait(1).unwrap();
        assert_eq!(q.put_nowait(2), Err(TryPutError::Full(2)));
    }

    #[test]
    fn test_put_cancelled() {
        run(async {
            let q = Queue::new(0);
            let t = spawn({
                let q = q.clone();
                async move {
                    q.put(1).await.unwrap();
                    true
                }
            });
            assert_eq!(q.get().await, Ok(1));
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        });
    }

    #[test]
    fn test_put_cancelled_race() {
        run(async {
            let q = Queue::new(1);
            let put = |item| {
                let q = q.clone();
                spawn(async move { q.put(item).await })
            };
            let put_a = put('a');
            let put_b = put('b');
            let put_c = put('X');
            yield_now().await;
            assert!(put_a.done());
            assert!(!put_b.done());
            put_c.cancel();
            yield_now().await;
            assert!(put_c.done());
            assert_eq!(q.get_nowait(), Ok('a'));
            yield_now().await;
            assert_eq!(q.get_nowait(), Ok('b'));
            put_b.await.unwrap().unwrap();
            assert_eq!(
                q.get_nowait(),
                Err(TryGetError::Empty),
                "the cancelled put inserted nothing"
            );
        });
    }

    #[test]
    fn test_put_with_waiting_getters() {
        run(async {
            let q = Queue::new(0);
            let t = spawn({
                let q = q.clone();
                async move { q.get().await }
            });
            yield_now().await;
            q.put('a').await.unwrap();
            assert_eq!(t.await.unwrap(), Ok('a'));
        });
    }

    #[test]
    fn test_why_are_putters_waiting() {
        run(async {
            let q = Queue::new(2);
            let getter = spawn({
                let q = q.clone();
                async move {
                    yield_now().await;
                    let num = q.qsize();
                    for _ in 0..num {
                        q.get_nowait().unwrap();
                    }
                }
            });
            let putters: Vec<_> = (0..4)
                .map(|item| {
                    let q = q.clone();
                    spawn(async move { q.put(item).await.unwrap() })
                })
                .collect();
            getter.await.unwrap();
            // Each slot the getter freed woke one waiting putter: none is left waiting.
            gather_all(putters).await.unwrap();
            assert_eq!(q.qsize(), 2);
        });
    }

    #[test]
    fn test_cancelled_puts_not_being_held_in_self_putters() {
        run(async {
            let q = Queue::new(1);
            q.put_nowait(1).unwrap();
            let put_task = spawn({
                let q = q.clone();
                async move { q.put(1).await }
            });
            yield_now().await;
            assert!(format!("{q:?}").contains("putters: 1"));
            put_task.cancel();
            assert!(put_task.await.unwrap_err().is_cancelled());
            assert!(format!("{q:?}").contains("putters: 0"));
        });
    }

    #[test]
    fn test_cancelled_put_silence_value_error_exception() {
        run(async {
            let q = Queue::new(1);
            q.put_nowait(1).unwrap();
            let put_task = spawn({
                let q = q.clone();
                async move { q.put(1).await }
            });
            yield_now().await;
            q.get_nowait().unwrap(); // wakes the putter...
            put_task.cancel(); // ...which is cancelled before it runs
            assert!(put_task.await.unwrap_err().is_cancelled());
            assert!(q.empty());
        });
    }
}

mod lifo_queue_tests {
    use super::*;

    #[test]
    fn test_order() {
        run(async {
            let q = LifoQueue::new(0);
            for i in [1, 3, 2] {
                q.put(i).await.unwrap();
            }
            let mut items = Vec::new();
            for _ in 0..3 {
                items.push(q.get().await.unwrap());
            }
            assert_eq!(items, [2, 3, 1]);
        });
    }
}

mod priority_queue_tests {
    use super::*;

    #[test]
    fn test_order() {
        run(async {
            let q = PriorityQueue::new(0);
            for i in [1, 3, 2] {
                q.put(i).await.unwrap();
            }
            let mut items = Vec::new();
            for _ in 0..3 {
                items.push(q.get().await.unwrap());
            }
            assert_eq!(items, [1, 2, 3]);
        });
    }
}

/// `_QueueJoinTestMixin` and `_QueueShutdownTestMixin`, for each queue type.
macro_rules! join_and_shutdown_tests {
    ($join:ident, $shutdown:ident, $queue:ident) => {
        mod $join {
            use super::*;

            #[test]
            fn test_task_done_underflow() {
                let q = $queue::<i32>::new(0);
                assert!(std::panic::catch_unwind(|| q.task_done()).is_err());
            }

            #[test]
            fn test_task_done() {
                on_both_flavors(|| async {
                    let q = $queue::new(0);
                    for i in 0..100 {
                        q.put_nowait(i).unwrap();
                    }
                    let accumulator = Arc::new(Mutex::new(0));
                    let workers: Vec<_> = (0..2)
                        .map(|_| {
                            let (q, accumulator) = (q.clone(), accumulator.clone());
                            spawn(async move {
                                while let Ok(item) = q.get().await {
                                    *accumulator.lock().unwrap() += item;
                                    q.task_done();
                                }
                            })
                        })
                        .collect();
                    q.join().await;
                    assert_eq!(*accumulator.lock().unwrap(), (0..100).sum::<i32>());
                    q.shutdown(false);
                    gather_all(workers).await.unwrap();
                });
            }

            #[test]
            fn test_join_empty_queue() {
                run(async {
                    let q = $queue::<i32>::new(0);
                    q.join().await;
                    q.join().await;
                });
            }

            #[test]
            fn test_format() {
                let q = $queue::<i32>::new(0);
                assert!(format!("{q:?}").contains("maxsize: 0"));
                q.put_nowait(1).unwrap();
                q.put_nowait(2).unwrap();
                assert!(format!("{q:?}").contains("unfinished: 2"));
            }
        }

        mod $shutdown {
            use super::*;

            #[test]
            fn test_format() {
                let q = $queue::<i32>::new(0);
                q.shutdown(false);
                assert!(format!("{q:?}").contains("shut_down: true"));
            }

            #[test]
            fn test_shutdown_empty() {
                run(async {
                    let q = $queue::<&str>::new(0);
                    let get_task = spawn({
                        let q = q.clone();
                        async move { q.get().await }
                    });
                    yield_now().await;
                    q.shutdown(false);
                    assert_eq!(q.qsize(), 0);
                    q.join().await;
                    yield_now().await;
                    assert!(get_task.done());
                    assert_eq!(get_task.await.unwrap(), Err(QueueShutDown(())));
                    assert_eq!(q.put("data").await, Err(QueueShutDown("data")));
                    assert_eq!(q.put_nowait("data"), Err(TryPutError::ShutDown("data")));
                    assert_eq!(q.get().await, Err(QueueShutDown(())));
                    assert_eq!(q.get_nowait(), Err(TryGetError::ShutDown));
                });
            }

            #[test]
            fn test_shutdown_nonempty() {
                run(async {
                    let q = $queue::new(1);
                    q.put_nowait("data").unwrap();
                    let join_task = spawn({
                        let q = q.clone();
                        async move { q.join().await }
                    });
                    let put_task = spawn({
                        let q = q.clone();
                        async move { q.put("data2").await }
                    });
                    yield_now().await;
                    assert!(!put_task.done());
                    q.shutdown(false);
                    assert_eq!(q.qsize(), 1);
                    yield_now().await;
                    assert!(put_task.done());
                    assert_eq!(put_task.await.unwrap(), Err(QueueShutDown("data2")));
                    assert_eq!(q.get().await, Ok("data"));
                    yield_now().await;
                    assert!(!join_task.done());
                    assert!(q.put("data").await.is_err());
                    assert!(q.put_nowait("data").is_err());
                    assert!(q.get().await.is_err());
                    assert_eq!(q.get_nowait(), Err(TryGetError::ShutDown));
                    q.task_done();
                    yield_now().await;
                    assert!(join_task.done());
                    join_task.await.unwrap();
                    assert!(std::panic::catch_unwind(|| q.task_done()).is_err());
                });
            }

            #[test]
            fn test_shutdown_immediate() {
                run(async {
                    let q = $queue::new(0);
                    q.put_nowait("data").unwrap();
                    let join_task = spawn({
                        let q = q.clone();
                        async move { q.join().await }
                    });
                    q.shutdown(true);
                    assert_eq!(q.qsize(), 0);
                    yield_now().await;
                    assert!(join_task.done());
                    join_task.await.unwrap();
                    assert!(q.put("data").await.is_err());
                    assert!(q.put_nowait("data").is_err());
                    assert!(q.get().await.is_err());
                    assert_eq!(q.get_nowait(), Err(TryGetError::ShutDown));
                    assert!(std::panic::catch_unwind(|| q.task_done()).is_err());
                });
            }

            #[test]
            fn test_shutdown_immediate_with_unfinished() {
                run(async {
                    let q = $queue::new(0);
                    q.put_nowait("data").unwrap();
                    q.put_nowait("data").unwrap();
                    let join_task = spawn({
                        let q = q.clone();
                        async move { q.join().await }
                    });
                    assert_eq!(q.get().await, Ok("data"));
                    q.shutdown(true);
                    assert_eq!(q.qsize(), 0);
                    yield_now().await;
                    assert!(!join_task.done());
                    assert!(q.put("data").await.is_err());
                    assert!(q.put_nowait("data").is_err());
                    assert!(q.get().await.is_err());
                    assert_eq!(q.get_nowait(), Err(TryGetError::ShutDown));
                    q.task_done();
                    assert!(std::panic::catch_unwind(|| q.task_done()).is_err());
                    yield_now().await;
                    assert!(join_task.done());
                    join_task.await.unwrap();
                });
            }
        }
    };
}

join_and_shutdown_tests!(queue_join_tests, queue_shutdown_tests, Queue);
join_and_shutdown_tests!(lifo_queue_join_tests, lifo_queue_shutdown_tests, LifoQueue);
join_and_shutdown_tests!(
    priority_queue_join_tests,
    priority_queue_shutdown_tests,
    PriorityQueue
);

#[test]
fn queues_are_send_sync_and_their_futures_send() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Queue<String>>();
    send_sync::<LifoQueue<String>>();
    send_sync::<PriorityQueue<String>>();
    fn send_future<F: std::future::Future + Send>(_: F) {}
    let q = Queue::new(0);
    send_future(q.put(String::new()));
    send_future(q.get());
    send_future(q.join());
    let p = PriorityQueue::<u8>::new(0);
    send_future(p.get());
}
