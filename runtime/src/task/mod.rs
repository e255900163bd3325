//! A task: its state, its waiters, and the handles to it.
pub(crate) mod any;
pub(crate) mod core;
pub(crate) mod handle;
