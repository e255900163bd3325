//! Contract 8: cancel() and completion race safely across threads.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use asyncio::{spawn, yield_now, TaskError};
use common::multi_thread;

#[test]
fn thousands_of_tasks_cancelled_while_they_complete_each_end_exactly_one_way() {
    const N: usize = 5_000;
    let (cancelled, completed) = multi_thread().run(async {
        let bodies_finished = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..N)
            .map(|i| {
                let bodies_finished = bodies_finished.clone();
                spawn!(async move {
                    if i % 3 == 0 {
                        yield_now().await;
                    }
                    bodies_finished.fetch_add(1, Ordering::SeqCst);
                    i
                })
            })
            .collect();
        // Cancel from a plain thread too, so cancel() and completion really meet.
        let half: Vec<_> = tasks.iter().step_by(2).cloned().collect();
        let canceller = std::thread::spawn(move || {
            half.iter()
                .map(|t| (t.id(), t.cancel()))
                .collect::<Vec<_>>()
        });
        let mine: Vec<_> = tasks
            .iter()
            .skip(1)
            .step_by(2)
            .map(|t| (t.id(), t.cancel()))
            .collect();
        let mut answers = canceller.join().unwrap();
        answers.extend(mine);
        answers.sort_by_key(|(id, _)| *id);

        let (mut cancelled, mut completed) = (0, 0);
        for (task, (id, accepted)) in tasks.into_iter().zip(answers) {
            assert_eq!(task.id(), id);
            let again = task.clone();
            let first = task.await;
            let second = again.clone().await;
            assert_eq!(first, second, "every awaiter agrees");
            match first {
                Ok(_) => {
                    assert!(
                        !accepted,
                        "cancel() said true but the task completed with a value"
                    );
                    assert!(!again.cancelled());
                    completed += 1;
                }
                Err(TaskError::Cancelled(_)) => {
                    assert!(accepted, "cancel() said false but the task ended cancelled");
                    assert!(again.cancelled() && again.done());
                    cancelled += 1;
                }
                Err(other) => panic!("unexpected {other}"),
            }
            assert!(!again.cancel(), "done: cancel() is false");
        }
        assert!(bodies_finished.load(Ordering::SeqCst) >= completed);
        assert_eq!(asyncio::all_tasks().len(), 1, "registry empty but for main");
        (cancelled, completed)
    });
    assert_eq!(cancelled + completed, N);
}

/// A cancel that arrives while a task is suspending inside `catch_cancel` (after the scope
/// has looked for a pending cancel, before the task's poll returns) is caught by the scope, like
/// Python's `except CancelledError` around the await; it is never delivered past the handler by
/// dropping the task. Made deterministic: after polling the scope, the task waits, within the
/// same poll, until the cancel has been sent from the main task (which runs on its own thread).
#[test]
fn a_cancel_arriving_while_a_catch_cancel_scope_suspends_is_caught() {
    use std::future::Future;
    use std::sync::atomic::AtomicBool;
    use std::task::Poll;
    multi_thread().run(async {
        for round in 0..50 {
            let polling = Arc::new(AtomicBool::new(false));
            let cancel_sent = Arc::new(AtomicBool::new(false));
            let task = spawn!({
                let (polling, cancel_sent) = (polling.clone(), cancel_sent.clone());
                async move {
                    // The scope, then (outside it, in the same poll of the task) a wait until
                    // the cancel has been sent: the request arrives after the scope's checks.
                    let mut catching =
                        Box::pin(asyncio::catch_cancel(std::future::pending::<()>()));
                    let mut first = true;
                    let caught = std::future::poll_fn(move |cx| {
                        if let Poll::Ready(outcome) = catching.as_mut().poll(cx) {
                            return Poll::Ready(outcome);
                        }
                        if std::mem::take(&mut first) {
                            polling.store(true, Ordering::SeqCst);
                            while !cancel_sent.load(Ordering::SeqCst) {
                                std::hint::spin_loop();
                            }
                        }
                        Poll::Pending
                    })
                    .await;
                    match caught {
                        Err(_) => "caught",
                        Ok(()) => unreachable!(),
                    }
                }
            });
            while !polling.load(Ordering::SeqCst) {
                std::hint::spin_loop();
            }
            task.cancel();
            cancel_sent.store(true, Ordering::SeqCst);
            assert_eq!(task.await, Ok("caught"), "round {round}");
        }
    });
}
