//! BG-xx and ERR-xx: background tasks, shutdown, and misuse.

use crate::common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asyncio::{catch_cancel, spawn, yield_now, AnyTask, RunConfig};
use common::{multi_thread, on_both_flavors, panic_message, park, Finally, Log};

#[test]
fn bg_01_a_spawned_task_does_not_start_until_its_creator_suspends() {
    let log = Log::new();
    RunConfig::new().run(async {
        let task = spawn!({
            let log = log.clone();
            async move { log.push("bg: started") }
        });
        log.push(format!("main: created; bg done? {}", task.done()));
        log.push("main: more sync work, then yield");
        yield_now().await;
        log.push(format!("main: resumed; bg done? {}", task.done()));
    });
    assert_eq!(
        log.lines(),
        [
            "main: created; bg done? false",
            "main: more sync work, then yield",
            "bg: started",
            "main: resumed; bg done? true"
        ]
    );
}

#[test]
fn bg_02_tasks_start_in_fifo_order_then_resume_round_robin() {
    let log = Log::new();
    RunConfig::new().run(async {
        let tasks: Vec<_> = (0..4)
            .map(|i| {
                let log = log.clone();
                spawn!(async move {
                    log.push(format!("start{i}"));
                    yield_now().await;
                    log.push(format!("resume{i}"));
                })
            })
            .collect();
        asyncio::gather_all(tasks).await.unwrap();
    });
    assert_eq!(
        log.lines(),
        ["start0", "start1", "start2", "start3", "resume0", "resume1", "resume2", "resume3"]
    );
}

#[test]
fn bg_03_a_task_that_is_never_awaited_runs_to_completion() {
    on_both_flavors(|| async {
        let log = Log::new();
        let keep = spawn!({
            let log = log.clone();
            async move {
                for _ in 0..3 {
                    asyncio::sleep(Duration::from_millis(2)).await;
                }
                log.push("bg finished");
            }
        });
        common::until(|| keep.done()).await;
        assert_eq!(log.lines(), ["bg finished"]);
    });
}

fn bg(
    log: &Log,
    name: &'static str,
) -> impl std::future::Future<Output = ()> + Send + 'static + use<> {
    let log = log.clone();
    async move {
        log.push(format!("{name}: started"));
        let _finally = Finally::new(&log, format!("{name}: finally"));
        if let Err(c) = catch_cancel(park()).await {
            log.push(format!("{name}: cancelled, message = {:?}", c.message()));
            c.reraise::<()>().await;
        }
    }
}

#[test]
fn bg_04_run_cancels_and_joins_every_pending_task_when_main_returns() {
    let log = Log::new();
    let tasks: Arc<Mutex<Vec<AnyTask>>> = Arc::default();
    let result = RunConfig::new().run({
        let (log, tasks) = (log.clone(), tasks.clone());
        async move {
            tasks.lock().unwrap().push(spawn!(bg(&log, "A")).into());
            yield_now().await; // A is started and suspended
            let late = spawn!(bg(&log, "late"));
            let no_await = spawn!({
                let log = log.clone();
                async move { log.push("no_await: body ran") }
            });
            tasks.lock().unwrap().extend([late.into(), no_await.into()]);
            "main-result"
        }
    });
    assert_eq!(result, "main-result");
    assert_eq!(
        log.lines(),
        [
            "A: started",
            "late: started",
            "no_await: body ran",
            "A: cancelled, message = None",
            "A: finally",
            "late: cancelled, message = None",
            "late: finally",
        ]
    );
    let cancelled: Vec<bool> = tasks
        .lock()
        .unwrap()
        .iter()
        .map(AnyTask::cancelled)
        .collect();
    assert_eq!(cancelled, [true, true, false]);
}

#[test]
fn bg_04_shutdown_joins_every_task_on_the_multi_thread_flavor_too() {
    let log = Log::new();
    let tasks: Arc<Mutex<Vec<AnyTask>>> = Arc::default();
    multi_thread().run({
        let (log, tasks) = (log.clone(), tasks.clone());
        async move {
            for name in ["x", "y", "z"] {
                tasks.lock().unwrap().push(spawn!(bg(&log, name)).into());
            }
            common::until(|| log.lines().len() == 3).await;
        }
    });
    for name in ["x", "y", "z"] {
        assert!(
            log.contains(&format!("{name}: finally")),
            "{name} was joined: {:?}",
            log.lines()
        );
    }
    assert!(tasks
        .lock()
        .unwrap()
        .iter()
        .all(|t| t.done() && t.cancelled()));
}

#[test]
fn bg_05_shutdown_waits_for_a_stubborn_task_and_survives_one_that_panics_while_cancelled() {
    let log = Log::new();
    let start = Instant::now();
    let tasks: Arc<Mutex<Vec<AnyTask>>> = Arc::default();
    RunConfig::new().run({
        let (log, tasks) = (log.clone(), tasks.clone());
        async move {
            let stubborn = spawn!({
                let log = log.clone();
                async move {
                    if catch_cancel(park()).await.is_err() {
                        asyncio::sleep(Duration::from_millis(200)).await;
                        log.push("stubborn: finished 0.2s of work after cancel");
                    }
                    "ok"
                }
            });
            let fails = spawn!(async {
                if catch_cancel(park()).await.is_err() {
                    panic!("cleanup failed");
                }
            });
            tasks
                .lock()
                .unwrap()
                .extend([stubborn.into(), fails.into()]);
            yield_now().await;
        }
    });
    assert!(
        start.elapsed() >= Duration::from_millis(200),
        "run waited for the stubborn task"
    );
    assert_eq!(
        log.lines(),
        ["stubborn: finished 0.2s of work after cancel"]
    );
    let tasks = tasks.lock().unwrap();
    assert!(
        !tasks[0].cancelled(),
        "it swallowed the cancellation and returned"
    );
    assert!(tasks[1].error().unwrap().is_panicked());
}

#[test]
fn bg_07_a_panic_in_a_background_task_does_not_affect_main() {
    on_both_flavors(|| async {
        let bad = spawn!(async { panic!("bg failure") });
        // Until it has run (on a loaded machine a worker may take a while to get to it).
        common::until(|| bad.done()).await;
        assert!(bad.error().is_some_and(|e| e.is_panicked()));
        let other = spawn!(async { 1 });
        assert_eq!(other.await, Ok(1), "the runtime still works");
    });
    assert_eq!(
        RunConfig::new().run(async {
            drop(spawn!(async { panic!("x") }));
            "main ok"
        }),
        "main ok"
    );
}

#[test]
fn bg_08_main_panics_while_tasks_are_pending_they_are_cancelled_then_the_panic_is_re_raised() {
    for config in [RunConfig::new(), multi_thread()] {
        let log = Log::new();
        let tasks: Arc<Mutex<Vec<AnyTask>>> = Arc::default();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            config.run({
                let (log, tasks) = (log.clone(), tasks.clone());
                async move {
                    tasks.lock().unwrap().push(spawn!(bg(&log, "bg")).into());
                    common::until(|| log.contains("bg: started")).await;
                    panic!("main failed");
                }
            })
        }));
        let payload = outcome.unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"main failed"));
        assert!(
            log.contains("bg: finally"),
            "the task was cleaned up before the panic was re-raised"
        );
        assert!(tasks.lock().unwrap()[0].cancelled());
    }
}

#[test]
fn main_returning_err_still_shuts_down_every_task() {
    let log = Log::new();
    let result: Result<(), String> = RunConfig::new().run({
        let log = log.clone();
        async move {
            drop(spawn!(bg(&log, "bg")));
            yield_now().await;
            Err("main failed".to_owned())
        }
    });
    assert_eq!(result, Err("main failed".to_owned()));
    assert!(log.contains("bg: finally"));
}

#[test]
fn tasks_spawned_during_shutdown_are_cancelled_and_joined_too() {
    let log = Log::new();
    RunConfig::new().run({
        let log = log.clone();
        async move {
            let log2 = log.clone();
            drop(spawn!(async move {
                let _finally = Finally::new(&log2, "spawner: finally");
                if catch_cancel(park()).await.is_err() {
                    // spawns during shutdown
                    drop(spawn!(bg(&log2, "late")));
                }
            }));
            yield_now().await;
        }
    });
    // Python would leave "late" pending and destroyed; here it is cancelled and joined as well.
    assert!(log.contains("spawner: finally"));
    assert!(log.contains("late: finally"), "{:?}", log.lines());
}

#[test]
fn err_01_spawn_without_a_runtime_panics_naming_async_main_and_run() {
    let payload = catch_unwind(|| drop(spawn!(async {}))).unwrap_err();
    let message = panic_message(&*payload);
    assert!(
        message.contains("#[asyncio::async_main]") && message.contains("asyncio::run"),
        "{message}"
    );
}

/// Where the panic raised by `f` says it happened (`file:line`), seen by a panic hook that
/// watches this thread only (other tests keep the default hook).
fn panic_location_of(f: &dyn Fn()) -> Option<(String, u32)> {
    use std::cell::{Cell, RefCell};
    use std::sync::Once;
    thread_local! {
        static WATCHING: Cell<bool> = const { Cell::new(false) };
        static SEEN: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
    }
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if WATCHING.with(Cell::get) {
                let location = info.location().map(|l| (l.file().to_owned(), l.line()));
                SEEN.with(|seen| *seen.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
    WATCHING.with(|w| w.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    WATCHING.with(|w| w.set(false));
    assert!(result.is_err(), "expected a panic");
    SEEN.with(|seen| seen.borrow_mut().take())
}

#[test]
fn spawn_without_a_runtime_panics_at_the_callers_line() {
    // `line!()` and the call on one line: the panic must point here, not into the runtime.
    let at = |line: u32, f: &dyn Fn()| {
        assert_eq!(panic_location_of(f), Some((file!().to_owned(), line)));
    };
    at(line!(), &|| drop(spawn!(async {})));
    at(line!(), &|| drop(spawn!(async {}, name = "worker")));
    at(line!(), &|| drop(asyncio::spawn(async {})));
    at(line!(), &|| drop(asyncio::spawn_named(async {}, "worker")));
    at(line!(), &|| drop(asyncio::gather!(async {})));
}

#[test]
fn err_01_nested_run_panics_with_a_clear_message() {
    RunConfig::new().run(async {
        let payload = catch_unwind(|| asyncio::run(async {})).unwrap_err();
        let message = panic_message(&*payload);
        assert!(message.contains("do not nest"), "{message}");
    });
}

#[test]
fn a_cancelled_main_task_makes_run_panic_after_shutdown() {
    let payload = catch_unwind(|| {
        asyncio::run(async {
            asyncio::current_task().unwrap().cancel_with("stop main");
            yield_now().await;
        })
    })
    .unwrap_err();
    let message = panic_message(&*payload);
    assert_eq!(
        message, "asyncio::run: the main task was cancelled: stop main",
        "one sentence, no word repeated"
    );
}

#[test]
fn a_main_task_cancelled_without_a_message_says_so_once() {
    let payload = catch_unwind(|| {
        asyncio::run(async {
            asyncio::current_task().unwrap().cancel();
            yield_now().await;
        })
    })
    .unwrap_err();
    assert_eq!(
        panic_message(&*payload),
        "asyncio::run: the main task was cancelled"
    );
}
