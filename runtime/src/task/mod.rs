//! A task: its state and the handles to it.
//!
//! - `state.rs`: the lifecycle word (with the diagram and the race table) and the scheduling
//!   word; `header.rs`: the lock-free part of a task shared by every handle; `outcome.rs` and
//!   `waiters.rs`: what sits under the core's lock; `core.rs`: [`Core`](core::Core), the typed
//!   task state and its transitions.
//! - `erased.rs`: the two views handles hold, typed and erased.
//! - `handle.rs` ([`Task`](crate::Task), [`TaskFuture`](crate::TaskFuture)) and `any.rs`
//!   ([`AnyTask`](crate::AnyTask)): the handles.
//!
//! What drives a task's future lives in `runtime/` (the body, the cell, the main task); how a
//! cancellation travels, in `cancel/`.

pub(crate) mod core;
pub(crate) mod erased;
pub(crate) mod header;
mod outcome;
pub(crate) mod request;
pub(crate) mod state;
pub(crate) mod waiters;
