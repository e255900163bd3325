//! `Queue`, `LifoQueue`, `PriorityQueue`: Python's `asyncio` queues (3.13: `shutdown`), three
//! handles over one core generic in its storage.
//!
//! Why not `async-channel` / `concurrent-queue` + `event-listener`: Python's queue is more than
//! a channel — `task_done()`/`join()` count unfinished items, `shutdown(immediate)` drains and
//! counts what it drops as done, `qsize()`/`full()` are exact, a LIFO and a priority order
//! exist, and a getter woken for an item but cancelled before it ran must pass the wake-up on
//! (Python's `test_get_cancel_drop_one_pending_reader` and friends). One mutex guards the items
//! and the three wait lists, so each operation is one lock and the hand-offs are plain code.
//! It measures faster than `async-channel` and tokio's `mpsc` (benches/compare.rs).

mod core;
mod storage;

use std::fmt;
use std::sync::Arc;

use self::core::Core;
use self::storage::{Fifo, Lifo, Smallest};
use crate::coordination::error::{QueueShutDown, TryGetError, TryPutError};

/// Defines one public queue type over [`Core`] with its storage, and its documented methods.
macro_rules! queue_type {
    (
        $(#[$attr:meta])*
        $name:ident, $storage:ident, [$($bound:tt)*], $order:literal, $example_out:literal
    ) => {
        $(#[$attr])*
        pub struct $name<T> {
            core: Arc<Core<$storage<T>>>,
        }

        impl<T $($bound)*> $name<T> {
            #[doc = concat!("A queue that holds at most `maxsize` items; `0` means no limit ",
                "(Python's default).\n\n```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::<u8>::new(2);\n",
                "assert_eq!(queue.maxsize(), 2);\nassert!(queue.empty());\n```")]
            pub fn new(maxsize: usize) -> Self {
                $name { core: Core::new(maxsize) }
            }

            #[doc = concat!("Puts `item` in the queue, waiting while it is full: Python's ",
                "`await queue.put(item)`.\n\n",
                "`Err(QueueShutDown(item))` if the queue is shut down, before or while this ",
                "call waits. Cancel-safe: a dropped `put` inserts nothing (the item is dropped ",
                "with it), and a free slot it was woken for goes to the next putter.\n\n",
                "```\n# use asyncio_runtime as asyncio;\nasyncio::run(async {\n",
                "    let queue = asyncio::", stringify!($name), "::new(1);\n",
                "    queue.put(1).await.unwrap();\n",
                "    assert!(queue.full());\n",
                "});\n```")]
            pub async fn put(&self, item: T) -> Result<(), QueueShutDown<T>> {
                self.core.put(item).await
            }

            #[doc = concat!("Takes the next item (", $order, "), waiting while the queue ",
                "is empty: Python's `await queue.get()`.\n\n",
                "`Err(QueueShutDown)` once the queue is shut down and empty: the items put ",
                "before a `shutdown(false)` are still delivered. Cancel-safe: a dropped `get` ",
                "takes no item, and a wake-up it was given goes to the next getter.\n\n",
                "```\n# use asyncio_runtime as asyncio;\nasyncio::run(async {\n",
                "    let queue = asyncio::", stringify!($name), "::new(0);\n",
                "    for n in [2, 1, 3] {\n        queue.put(n).await.unwrap();\n    }\n",
                "    let mut out = Vec::new();\n",
                "    while let Ok(n) = queue.get_nowait() {\n        out.push(n);\n    }\n",
                "    queue.put(9).await.unwrap();\n",
                "    assert_eq!(queue.get().await, Ok(9));\n",
                "    assert_eq!(out, ", $example_out, ");\n",
                "});\n```")]
            pub async fn get(&self) -> Result<T, QueueShutDown> {
                self.core.get().await
            }

            #[doc = concat!("Puts `item` if the queue has room now: Python's `put_nowait`.\n\n",
                "`Err(TryPutError::Full(item))` when full, `Err(TryPutError::ShutDown(item))` ",
                "after `shutdown`.\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::new(1);\n",
                "assert!(queue.put_nowait(1).is_ok());\n",
                "assert_eq!(queue.put_nowait(2), Err(asyncio::TryPutError::Full(2)));\n```")]
            pub fn put_nowait(&self, item: T) -> Result<(), TryPutError<T>> {
                self.core.put_nowait(item)
            }

            #[doc = concat!("Takes the next item if there is one now: Python's `get_nowait`.\n\n",
                "`Err(TryGetError::Empty)` when empty, `Err(TryGetError::ShutDown)` when empty ",
                "and shut down.\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::new(0);\n",
                "assert_eq!(queue.get_nowait(), Err(asyncio::TryGetError::Empty));\n",
                "queue.put_nowait('a').unwrap();\n",
                "assert_eq!(queue.get_nowait(), Ok('a'));\n```")]
            pub fn get_nowait(&self) -> Result<T, TryGetError> {
                self.core.get_nowait()
            }

            #[doc = concat!("Marks one item taken from the queue as processed: Python's ",
                "`task_done()`. When every item put has been marked, [`join`](",
                stringify!($name), "::join) returns.\n\n",
                "# Panics\nIf called more often than items were put (Python: `ValueError`).\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::new(0);\n",
                "queue.put_nowait(1).unwrap();\n",
                "queue.get_nowait().unwrap();\n",
                "queue.task_done();\n",
                "assert!(std::panic::catch_unwind(|| queue.task_done()).is_err());\n```")]
            pub fn task_done(&self) {
                self.core.task_done()
            }

            #[doc = concat!("Waits until every item put has been marked with [`task_done`](",
                stringify!($name), "::task_done) (at once if none is unfinished): Python's ",
                "`await queue.join()`. Cancel-safe.\n\n",
                "```\n# use asyncio_runtime as asyncio;\nasyncio::run(async {\n",
                "    let queue = asyncio::", stringify!($name), "::new(0);\n",
                "    let worker = asyncio::spawn({\n",
                "        let queue = queue.clone();\n",
                "        async move {\n",
                "            while let Ok(_item) = queue.get().await {\n",
                "                queue.task_done();\n",
                "            }\n",
                "        }\n",
                "    });\n",
                "    for n in 0..5 {\n        queue.put(n).await.unwrap();\n    }\n",
                "    queue.join().await;\n",
                "    assert!(queue.empty());\n",
                "    worker.cancel();\n",
                "});\n```")]
            pub async fn join(&self) {
                self.core.join().await
            }

            #[doc = concat!("Shuts the queue down (Python 3.13): `put` and `put_nowait` fail ",
                "from now on, and waiting putters are woken with the error; `get` goes on ",
                "delivering the items already in the queue and fails once it is empty, and ",
                "waiting getters are woken with the error.\n\n",
                "With `immediate`, the items still in the queue are dropped at once (and ",
                "counted as done for [`join`](", stringify!($name), "::join), which returns if ",
                "nothing else is unfinished).\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::new(0);\n",
                "queue.put_nowait(1).unwrap();\n",
                "queue.shutdown(false);\n",
                "assert_eq!(queue.get_nowait(), Ok(1)); // drained...\n",
                "assert_eq!(queue.get_nowait(), Err(asyncio::TryGetError::ShutDown)); // ...then fails\n",
                "```")]
            pub fn shutdown(&self, immediate: bool) {
                self.core.shutdown(immediate)
            }

            #[doc = concat!("How many items are in the queue.\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::new(0);\n",
                "queue.put_nowait(1).unwrap();\n",
                "assert_eq!(queue.qsize(), 1);\n```")]
            pub fn qsize(&self) -> usize {
                self.core.qsize()
            }

            #[doc = concat!("The most items the queue holds (`0`: no limit).\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "assert_eq!(asyncio::", stringify!($name), "::<u8>::new(0).maxsize(), 0);\n```")]
            pub fn maxsize(&self) -> usize {
                self.core.maxsize()
            }

            #[doc = concat!("Whether the queue holds no item.\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "assert!(asyncio::", stringify!($name), "::<u8>::new(0).empty());\n```")]
            pub fn empty(&self) -> bool {
                self.core.qsize() == 0
            }

            #[doc = concat!("Whether the queue holds `maxsize` items (never, when `maxsize` ",
                "is 0).\n\n",
                "```\n# use asyncio_runtime as asyncio;\n",
                "let queue = asyncio::", stringify!($name), "::new(1);\n",
                "assert!(!queue.full());\n",
                "queue.put_nowait(()).unwrap();\n",
                "assert!(queue.full());\n```")]
            pub fn full(&self) -> bool {
                self.core.full()
            }
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                $name { core: self.core.clone() }
            }
        }

        impl<T $($bound)*> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.core.fmt(stringify!($name), f)
            }
        }
    };
}

queue_type! {
    /// A first-in, first-out queue: Python's `asyncio.Queue`.
    ///
    /// A cheap [`Clone`] handle: clones share one queue. Bounded by `maxsize` (0: unbounded).
    /// Waiting getters and putters are served in FIFO order; every waiting call is cancel-safe
    /// (a cancelled `get` loses no item, a cancelled `put` inserts nothing). `task_done`/`join`
    /// and `shutdown` are Python 3.13's.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let queue = asyncio::Queue::new(0);
    ///     let workers: Vec<_> = (0..3)
    ///         .map(|_| {
    ///             let queue = queue.clone();
    ///             asyncio::spawn(async move {
    ///                 let mut sum = 0;
    ///                 while let Ok(n) = queue.get().await {
    ///                     sum += n;
    ///                     queue.task_done();
    ///                 }
    ///                 sum
    ///             })
    ///         })
    ///         .collect();
    ///     for n in 1..=10 {
    ///         queue.put(n).await.unwrap();
    ///     }
    ///     queue.join().await; // every item processed
    ///     queue.shutdown(false); // the workers' get() now fails: they return
    ///     let sums = asyncio::gather_all(workers).await.unwrap();
    ///     assert_eq!(sums.iter().sum::<i32>(), 55);
    /// });
    /// ```
    Queue, Fifo, [], "first in, first out", "[2, 1, 3]"
}

queue_type! {
    /// A last-in, first-out queue (a stack): Python's `asyncio.LifoQueue`. The same API as
    /// [`Queue`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let stack = asyncio::LifoQueue::new(0);
    /// stack.put_nowait(1).unwrap();
    /// stack.put_nowait(2).unwrap();
    /// assert_eq!(stack.get_nowait(), Ok(2));
    /// ```
    LifoQueue, Lifo, [], "last in, first out", "[3, 1, 2]"
}

queue_type! {
    /// A queue that gives its smallest item first: Python's `asyncio.PriorityQueue` (use
    /// tuples such as `(priority, item)`, or [`std::cmp::Reverse`] for largest first). The same
    /// API as [`Queue`].
    ///
    /// Divergence: items must be [`Ord`] (Python compares them at run time). Items that compare
    /// equal come out in an unspecified order, as with Python's `heapq`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let queue = asyncio::PriorityQueue::new(0);
    /// queue.put_nowait((2, "later")).unwrap();
    /// queue.put_nowait((1, "first")).unwrap();
    /// assert_eq!(queue.get_nowait(), Ok((1, "first")));
    /// ```
    PriorityQueue, Smallest, [: Ord], "smallest first", "[1, 2, 3]"
}
