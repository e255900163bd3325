//! The synchronisation primitives of the task state machine, swapped for `loom`'s under
//! `--cfg asyncio_loom` so that the model tests explore every interleaving of them.

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
