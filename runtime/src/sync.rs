//! The synchronisation primitives of the task state machine, swapped for `loom`'s under
//! `--cfg asyncio_loom` so that the model tests explore every interleaving of them; and
//! [`model`], which runs one such test.

#[cfg(asyncio_loom)]
pub(crate) use loom::sync::atomic::{
    fence, AtomicBool, AtomicU16, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
#[cfg(asyncio_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

#[cfg(not(asyncio_loom))]
pub(crate) use std::sync::atomic::{
    fence, AtomicBool, AtomicU16, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
#[cfg(not(asyncio_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};

#[cfg(all(test, asyncio_loom))]
/// Runs a loom model and reports how many interleavings it explored.
pub(crate) fn model(name: &str, f: impl Fn() + Sync + Send + 'static) {
    use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
    static RUNS: StdAtomicUsize = StdAtomicUsize::new(0);
    RUNS.store(0, StdOrdering::SeqCst);
    loom::model(move || {
        RUNS.fetch_add(1, StdOrdering::SeqCst);
        f();
    });
    println!(
        "loom: {name}: {} interleavings explored",
        RUNS.load(StdOrdering::SeqCst)
    );
}
