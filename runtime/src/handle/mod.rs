//! The handles to a task: [`Task`](crate::Task) (typed, awaitable, its future
//! [`TaskFuture`](crate::TaskFuture)), [`AnyTask`](crate::AnyTask) (any output type), and
//! [`shield`](crate::shield) (awaiting without forwarding cancellation).
//!
//! Above `cancel/`: a handle's `cancel()` is a cancellation request, and dropping an awaiting
//! future before the task ends forwards the cancellation in progress to the task.

pub(crate) mod any;
mod compare;
pub(crate) mod shield;
pub(crate) mod task;
