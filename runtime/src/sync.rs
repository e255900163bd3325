//! The synchronisation primitives of the task state machine, swapped for `loom`'s under
//! `--cfg asyncio_loom` so that the model tests explore every interleaving of them.

#[cfg(asyncio_loom)]
pub(crate) use loom::sync::atomic::{AtomicU16, AtomicU32, AtomicU8, Ordering};
#[cfg(asyncio_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

#[cfg(not(asyncio_loom))]
pub(crate) use std::sync::atomic::{AtomicU16, AtomicU32, AtomicU8, Ordering};
#[cfg(not(asyncio_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};
