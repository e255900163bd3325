//! Ctrl-C, as Python 3.11's `asyncio.run` handles it: the first SIGINT cancels the main task
//! with the message `"SIGINT"` (shutdown then cancels and awaits every other task, so their
//! cleanups run), and `run` exits the process with status 130 if `main` ended cancelled by it; a
//! second SIGINT exits at once with 130, whatever the program is doing.
//!
//! The signal is received with `signal-hook` (the maintained crate the smol family and most of
//! the ecosystem use; its `iterator` turns the signal into an ordinary read on a thread, so no
//! code of ours runs in the signal handler). Registration is process-wide and happens once, the
//! first time a `run` with signals on starts on the process's main thread; a thread
//! (`asyncio-ctrl-c`) then reads the signals for the life of the process. While no such `run` is
//! active, a SIGINT gets the default action (the process ends by the signal), as if the handler
//! had been removed.

use std::io::Write;
use std::sync::{Mutex, OnceLock, PoisonError};

use signal_hook::consts::SIGINT;
use signal_hook::iterator::Signals;

use crate::handle::any::AnyTask;

/// The message of the cancellation a Ctrl-C delivers to the main task (Python's).
pub(crate) const MESSAGE: &str = "SIGINT";

/// The exit status after a Ctrl-C (128 + SIGINT), as a shell reports a process killed by it.
pub(crate) const EXIT_STATUS: i32 = 130;

/// The `run` that handles Ctrl-C now, if any.
static ARMED: Mutex<Option<Armed>> = Mutex::new(None);

struct Armed {
    main: AnyTask,
    received: bool,
}

/// While alive, a SIGINT is handled for this `run`'s main task.
pub(crate) struct CtrlC(());

impl CtrlC {
    /// Arms the handler for a `run` whose main task is `main`, if `enabled` and this is the
    /// process's main thread (which Rust names `"main"`; a `run` on any other thread, e.g. a
    /// test's, leaves Ctrl-C alone). `None` when not armed, or if the signal cannot be watched.
    pub(crate) fn arm(enabled: bool, main: AnyTask) -> Option<CtrlC> {
        if !enabled || std::thread::current().name() != Some("main") {
            return None;
        }
        static WATCHER: OnceLock<bool> = OnceLock::new();
        if !*WATCHER.get_or_init(start_watcher) {
            return None;
        }
        *lock() = Some(Armed {
            main,
            received: false,
        });
        Some(CtrlC(()))
    }

    /// A Ctrl-C arrived while armed (and cancelled the main task).
    pub(crate) fn received(&self) -> bool {
        lock().as_ref().is_some_and(|armed| armed.received)
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        *lock() = None;
    }
}

fn lock() -> std::sync::MutexGuard<'static, Option<Armed>> {
    ARMED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts the thread that reads SIGINTs; `false` if the signal cannot be registered.
fn start_watcher() -> bool {
    let Ok(mut signals) = Signals::new([SIGINT]) else {
        return false;
    };
    std::thread::Builder::new()
        .name("asyncio-ctrl-c".into())
        .spawn(move || {
            for _ in signals.forever() {
                on_sigint();
            }
        })
        .is_ok()
}

fn on_sigint() {
    let first = {
        let mut armed = lock();
        match armed.as_mut() {
            None => None,
            Some(armed) if armed.received => exit(),
            Some(armed) => {
                armed.received = true;
                Some(armed.main.clone())
            }
        }
    };
    match first {
        Some(main) => {
            main.cancel_with(MESSAGE);
        }
        // No `run` handles it: what the process would have done without us.
        None => {
            let _ = signal_hook::low_level::emulate_default_handler(SIGINT);
        }
    }
}

/// Ends the process with [`EXIT_STATUS`], after flushing what was written.
pub(crate) fn exit() -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(EXIT_STATUS)
}
