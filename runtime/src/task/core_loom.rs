//! Loom models of the task state machine's races (see the table at the top of `core.rs`).
//! Run with `RUSTFLAGS="--cfg asyncio_loom" cargo test -p asyncio-runtime --release --lib loom`.

use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use loom::thread;

use crate::sync::model;

use super::Core;
use crate::error::TaskError;
use crate::task::erased::ErasedCore;
use crate::task::request::Request;
use crate::task::state::Ended;
use crate::task::waiters::{CompletionListener, Listen};

/// A waker that counts its wake-ups.
#[derive(Default)]
struct CountingWaker(StdAtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, StdOrdering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    (counter.clone(), Waker::from(counter))
}

fn new_core(handles: usize) -> Arc<Core<u32>> {
    let core = Arc::new(Core::<u32>::new(None));
    for _ in 0..handles {
        core.header().add_handle();
    }
    core
}

#[test]
fn loom_cancel_races_completion_and_its_answer_matches_the_outcome() {
    model(
        "loom_cancel_races_completion_and_its_answer_matches_the_outcome",
        || {
            let core = new_core(1);
            let canceller = {
                let core = core.clone();
                thread::spawn(move || core.request(Request::default()))
            };
            core.complete(Ok(7));
            let accepted = canceller.join().unwrap();
            let state = core.header().state();
            assert!(state.is_done());
            if accepted {
                assert!(
                    state.is_cancelled(),
                    "cancel() said true: the task must end cancelled"
                );
                assert!(core.take_outcome().unwrap_err().is_cancelled());
            } else {
                assert!(!state.is_cancelled());
                assert_eq!(core.take_outcome(), Ok(7));
            }
            assert!(
                !core.request(Request::default()),
                "done: cancel() is false forever after"
            );
        },
    );
}

#[test]
fn loom_no_lost_wake_up_between_an_awaiter_and_completion() {
    model(
        "loom_no_lost_wake_up_between_an_awaiter_and_completion",
        || {
            let core = new_core(1);
            let completer = {
                let core = core.clone();
                thread::spawn(move || core.complete(Ok(1)))
            };
            let (count, waker) = counting_waker();
            let mut key = None;
            let first = core.poll_value(&mut Context::from_waker(&waker), &mut key);
            completer.join().unwrap();
            match first {
                Poll::Ready(v) => assert_eq!(v, Ok(1)),
                Poll::Pending => {
                    assert_eq!(
                        count.0.load(StdOrdering::SeqCst),
                        1,
                        "the awaiter was woken exactly once"
                    );
                    let again = core.poll_value(&mut Context::from_waker(&waker), &mut key);
                    assert_eq!(again, Poll::Ready(Ok(1)));
                }
            }
        },
    );
}

#[test]
fn loom_two_handles_each_get_the_value_exactly_once() {
    model("loom_two_handles_each_get_the_value_exactly_once", || {
        let core = new_core(2);
        core.new_handle_clone();
        core.drop_handle(); // back to two handles, with the clone function recorded
        core.complete(Ok(5));
        let other = {
            let core = core.clone();
            thread::spawn(move || {
                let (_, waker) = counting_waker();
                let got = core.poll_value(&mut Context::from_waker(&waker), &mut None);
                core.drop_handle();
                got
            })
        };
        let (_, waker) = counting_waker();
        let mine = core.poll_value(&mut Context::from_waker(&waker), &mut None);
        core.drop_handle();
        assert_eq!(mine, Poll::Ready(Ok(5)));
        assert_eq!(other.join().unwrap(), Poll::Ready(Ok(5)));
    });
}

#[test]
fn loom_a_caught_cancellation_is_delivered_once_and_not_again_at_completion() {
    model(
        "loom_a_caught_cancellation_is_delivered_once_and_not_again_at_completion",
        || {
            let core = new_core(1);
            let canceller = {
                let core = core.clone();
                thread::spawn(move || core.request(Request::new(Some("a".into()))))
            };
            // The task's own thread: a catch_cancel takes the request if it is there, then the
            // body returns a value.
            let caught = core.take_request();
            core.complete(Ok(3));
            let accepted = canceller.join().unwrap();
            let outcome = core.take_outcome();
            match (accepted, caught) {
                (true, Some(request)) => {
                    assert_eq!(request.into_cancelled().message(), Some("a"));
                    assert_eq!(outcome, Ok(3), "caught: the task is not cancelled (CAN-06)");
                }
                (true, None) => match outcome {
                    Err(TaskError::Cancelled(c)) => assert_eq!(c.message(), Some("a")),
                    other => panic!("a request that was not caught must cancel, got {other:?}"),
                },
                (false, caught) => {
                    assert!(caught.is_none());
                    assert_eq!(outcome, Ok(3));
                }
            }
        },
    );
}

#[derive(Default)]
struct CountingListener(StdAtomicUsize);

impl CompletionListener for CountingListener {
    fn completed(&self, _index: usize, _ended: Ended) {
        self.0.fetch_add(1, StdOrdering::SeqCst);
    }
}

#[test]
fn loom_a_listener_hears_of_the_completion_exactly_once() {
    model(
        "loom_a_listener_hears_of_the_completion_exactly_once",
        || {
            let core = new_core(1);
            let completer = {
                let core = core.clone();
                thread::spawn(move || core.complete(Ok(1)))
            };
            let listener = Arc::new(CountingListener::default());
            let registered = ErasedCore::listen(&*core, listener.clone(), 0);
            completer.join().unwrap();
            let heard = listener.0.load(StdOrdering::SeqCst);
            match registered {
                Listen::Registered(_) => assert_eq!(heard, 1),
                Listen::AlreadyEnded(ended) => {
                    assert_eq!(ended, Ended::Value);
                    assert_eq!(heard, 0);
                }
            }
        },
    );
}

#[test]
fn loom_a_withdrawn_awaiter_is_not_woken_and_leaves_no_waiter_behind() {
    model(
        "loom_a_withdrawn_awaiter_is_not_woken_and_leaves_no_waiter_behind",
        || {
            let core = new_core(1);
            let (count, waker) = counting_waker();
            let mut key = None;
            assert!(core
                .poll_value(&mut Context::from_waker(&waker), &mut key)
                .is_pending());
            let completer = {
                let core = core.clone();
                thread::spawn(move || core.complete(Ok(1)))
            };
            if let Some(k) = key.take() {
                ErasedCore::remove_waiter(&*core, k);
            }
            completer.join().unwrap();
            assert!(count.0.load(StdOrdering::SeqCst) <= 1);
            assert_eq!(core.take_outcome(), Ok(1));
        },
    );
}

#[test]
fn loom_cancel_completion_and_two_awaiters_race_and_all_agree() {
    model(
        "loom_cancel_completion_and_two_awaiters_race_and_all_agree",
        || {
            let core = new_core(2);
            core.new_handle_clone();
            core.drop_handle();
            let canceller = {
                let core = core.clone();
                thread::spawn(move || core.request(Request::new(Some("stop".into()))))
            };
            let awaiter = {
                let core = core.clone();
                thread::spawn(move || {
                    let (count, waker) = counting_waker();
                    let mut key = None;
                    let first = core.poll_value(&mut Context::from_waker(&waker), &mut key);
                    (first, count, key, waker)
                })
            };
            core.complete(Ok(9));
            let accepted = canceller.join().unwrap();
            let (first, count, mut key, waker) = awaiter.join().unwrap();
            let seen = match first {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => {
                    assert_eq!(count.0.load(StdOrdering::SeqCst), 1, "no lost wake-up");
                    match core.poll_value(&mut Context::from_waker(&waker), &mut key) {
                        Poll::Ready(outcome) => outcome,
                        Poll::Pending => panic!("still pending after completion"),
                    }
                }
            };
            let (_, other_waker) = counting_waker();
            let other = core.poll_value(&mut Context::from_waker(&other_waker), &mut None);
            assert_eq!(
                Poll::Ready(seen.clone()),
                other,
                "both awaiters see the same outcome"
            );
            assert_eq!(
                seen.is_err(),
                accepted,
                "cancel()'s answer agrees with the outcome"
            );
        },
    );
}

/// A value that counts its drops.
struct Counted(Arc<StdAtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, StdOrdering::SeqCst);
    }
}

/// The last handle is dropped while the task completes with a value: the value is dropped
/// exactly once, by whichever comes second, and not left for the task's memory to take along.
#[test]
fn loom_the_last_handle_and_completion_drop_the_value_exactly_once() {
    model(
        "loom_the_last_handle_and_completion_drop_the_value_exactly_once",
        || {
            let drops = Arc::new(StdAtomicUsize::new(0));
            let core = Arc::new(Core::<Counted>::new(None));
            core.header().add_handle();
            let completer = {
                let core = core.clone();
                let value = Counted(drops.clone());
                thread::spawn(move || core.complete(Ok(value)))
            };
            core.drop_handle();
            completer.join().unwrap();
            assert_eq!(drops.load(StdOrdering::SeqCst), 1, "dropped exactly once");
            drop(core);
            assert_eq!(drops.load(StdOrdering::SeqCst), 1, "and only once");
        },
    );
}
