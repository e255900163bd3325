//! Task identity and default names.

use std::fmt;
use std::num::NonZeroU64;
// A process-wide counter in a `static`, so `std`'s atomic, not through the loom shim (`sync.rs`),
// whose atomics cannot be `static`: ids only need to be unique, there is no protocol to model.
use std::sync::atomic::{AtomicU64, Ordering};

/// A task's unique, process-wide identifier.
///
/// Numbers come from one counter for the whole process, in creation order, like Python's
/// `Task-N` names: the default name of a task is `Task-{id}`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let a = asyncio::spawn(async {});
///     let b = asyncio::spawn(async {});
///     assert!(a.id() < b.id());
///     assert_eq!(a.name(), format!("Task-{}", a.id()));
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(NonZeroU64);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl TaskId {
    pub(crate) fn next() -> Self {
        let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        TaskId(NonZeroU64::new(n).expect("task id counter overflowed"))
    }

    /// The number behind the id.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {});
    ///     assert!(task.id().as_u64() > 0);
    /// });
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({})", self.0)
    }
}
