//! The errors of the coordination primitives and queues: Python's `QueueFull`, `QueueEmpty`,
//! `QueueShutDown`, `ValueError` and `BrokenBarrierError`, as values.

use std::fmt;

/// Why [`put_nowait`](crate::Queue::put_nowait) did not insert: Python's `QueueFull` and
/// `QueueShutDown`, with the item handed back.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::{Queue, TryPutError};
/// let queue = Queue::new(1);
/// queue.put_nowait("a").unwrap();
/// assert_eq!(queue.put_nowait("b"), Err(TryPutError::Full("b")));
/// queue.shutdown(false);
/// let err = queue.put_nowait("c").unwrap_err();
/// assert_eq!(err.to_string(), "the queue is shut down");
/// assert_eq!(err.into_inner(), "c");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue holds `maxsize` items (Python's `QueueFull`).
    Full(T),
    /// The queue was shut down (Python's `QueueShutDown`).
    ShutDown(T),
}

impl<T> TryPutError<T> {
    /// The item that was not inserted.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::TryPutError::Full(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(item) | TryPutError::ShutDown(item) => item,
        }
    }

    /// Whether the queue was full.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert!(asyncio::TryPutError::Full(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, TryPutError::Full(_))
    }

    /// Whether the queue was shut down.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert!(asyncio::TryPutError::ShutDown(()).is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        matches!(self, TryPutError::ShutDown(_))
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The item need not be Debug (as `std::sync::mpsc::TrySendError`).
        match self {
            TryPutError::Full(_) => f.write_str("Full(..)"),
            TryPutError::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("the queue is full"),
            TryPutError::ShutDown(_) => f.write_str("the queue is shut down"),
        }
    }
}

impl<T> std::error::Error for TryPutError<T> {}

/// Why [`get_nowait`](crate::Queue::get_nowait) returned no item: Python's `QueueEmpty` and
/// `QueueShutDown`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::{Queue, TryGetError};
/// let queue = Queue::<u8>::new(0);
/// assert_eq!(queue.get_nowait(), Err(TryGetError::Empty));
/// queue.shutdown(false);
/// assert_eq!(queue.get_nowait(), Err(TryGetError::ShutDown));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TryGetError {
    /// No item is in the queue (Python's `QueueEmpty`).
    Empty,
    /// The queue was shut down and holds no more items (Python's `QueueShutDown`).
    ShutDown,
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryGetError::Empty => f.write_str("the queue is empty"),
            TryGetError::ShutDown => f.write_str("the queue is shut down"),
        }
    }
}

impl std::error::Error for TryGetError {}

/// The queue was shut down: Python's `QueueShutDown`. From [`put`](crate::Queue::put) it hands
/// the item back (`QueueShutDown<T>`); from [`get`](crate::Queue::get) it carries nothing.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let queue = asyncio::Queue::new(0);
///     queue.shutdown(false);
///     let err = queue.put(5).await.unwrap_err();
///     assert_eq!(err.into_inner(), 5);
///     assert_eq!(queue.get().await, Err(asyncio::QueueShutDown(())));
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct QueueShutDown<T = ()>(pub T);

impl<T> QueueShutDown<T> {
    /// The item that was not inserted.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::QueueShutDown("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueShutDown(..)")
    }
}

impl<T> fmt::Display for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is shut down")
    }
}

impl<T> std::error::Error for QueueShutDown<T> {}

/// A [`BoundedSemaphore`](crate::BoundedSemaphore) was released more often than it was
/// acquired: Python's `ValueError("BoundedSemaphore released too many times")`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// let sem = asyncio::BoundedSemaphore::new(1);
/// let err = sem.release().unwrap_err();
/// assert_eq!(err.to_string(), "BoundedSemaphore released too many times");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ValueError(pub(crate) ());

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoundedSemaphore released too many times")
    }
}

impl std::error::Error for ValueError {}

/// The [`Barrier`](crate::Barrier) was aborted, or reset while this task waited: Python's
/// `BrokenBarrierError`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let barrier = asyncio::Barrier::new(2);
///     barrier.abort().await;
///     let err = barrier.wait().await.unwrap_err();
///     assert_eq!(err.to_string(), "the barrier is broken");
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BrokenBarrierError(pub(crate) ());

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the barrier is broken")
    }
}

impl std::error::Error for BrokenBarrierError {}
