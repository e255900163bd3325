//! Coordination between tasks: Python's `asyncio.Lock`, `Event`, `Condition`, `Semaphore`,
//! `BoundedSemaphore`, `Barrier` and the three queues.
//!
//! Every primitive is a cheap `Clone` handle over one shared state: one mutex (the loom-able
//! [`crate::sync::Mutex`]) around the state and a FIFO [`WaitList`](wait_list::WaitList) of
//! waiters. No waker is called with that mutex held ([`Wakeups`](wait_list::Wakeups)).
//!
//! The cancellation guarantee (`API.md`, Part 2): a waiting future dropped (its task
//! cancelled) leaves the wait list; whatever was handed to it and not used (the lock's value,
//! a permit, a wake-up for an item or a free slot, a notification) goes to the next waiter.
//! A guard dropped during a panic still releases; a poisoned internal mutex is recovered
//! (the state is never left half-updated by our code: nothing inside the critical sections
//! calls user code).

mod barrier;
mod condition;
mod error;
mod event;
mod lock;
mod queue;
mod semaphore;
mod wait_list;

pub use barrier::Barrier;
pub use condition::{Condition, ConditionGuard};
pub use error::{BrokenBarrierError, QueueShutDown, TryGetError, TryPutError, ValueError};
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use queue::{LifoQueue, PriorityQueue, Queue};
pub use semaphore::{BoundedSemaphore, Semaphore, SemaphoreGuard};

#[cfg(all(test, asyncio_loom))]
#[path = "handoff_loom.rs"]
mod loom_models;
