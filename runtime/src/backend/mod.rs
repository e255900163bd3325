//! The one module that talks to the async backend. Everything else in the runtime goes through
//! the few functions here, and no `cfg` for the backend appears anywhere else.
//!
//! Two backends, chosen by cargo feature:
//! - `async-std` (default): async-std's timers and network types (`asyncio::net`), driven by
//!   `async-io`'s `block_on` (async-std is built on async-io; its own `block_on` would start its
//!   global executor's threads, see `async_std.rs`).
//! - `smol`: `async-io`'s `block_on` and `Timer`, and async-net's network types: the parts smol
//!   is made of. async-std has been discontinued upstream in favour of smol (RUSTSEC-2025-0052);
//!   this backend lets users leave it with one feature flag and no code change. When both
//!   features are on, `smol` wins.
//!
//! On both, the thread that runs a runtime's tasks drives the reactor itself whenever it has
//! nothing to run (async-io's `block_on` waits in the reactor), so a current-thread runtime is
//! one thread: readiness events wake its tasks on that thread. async-io keeps a standby thread
//! ("async-io") that takes the reactor over when nobody has polled it for a while; the run loop
//! polls it often enough that it does not (`scheduler::SLICE`).
//!
//! Both run tasks on our own run queue per runtime ([`Scheduler`](crate::scheduler::Scheduler)),
//! not on a process-wide pool: async-std's pool is sized once per process
//! (`ASYNC_STD_THREAD_COUNT`), but `worker_threads = N` must give *this* runtime N workers, and
//! several runtimes of different sizes must coexist in one process (tests run in parallel). The
//! backend's `block_on` parks each thread that runs tasks and drives the reactor and timers.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

#[cfg(all(feature = "async-std", not(feature = "smol")))]
mod async_std;
#[cfg(all(feature = "async-std", not(feature = "smol")))]
use self::async_std as imp;

#[cfg(feature = "smol")]
mod smol;
#[cfg(feature = "smol")]
use self::smol as imp;

#[cfg(not(any(feature = "async-std", feature = "smol")))]
compile_error!("asyncio needs a backend: enable the feature `async-std` (the default) or `smol`");

/// The name of the backend in use, for reports and benchmarks.
pub(crate) const NAME: &str = imp::NAME;

/// The network types of `asyncio::net`: async-std's (`async_std::net`) on the default backend,
/// async-net's with `smol`. Both are sockets of the async-io reactor, with the same methods.
pub(crate) mod net {
    pub use super::imp::net::*;

    /// Unix domain sockets: async-net's on both backends (see `crate::net::unix`).
    #[cfg(unix)]
    pub(crate) mod unix {
        pub use async_net::unix::{UnixDatagram, UnixListener, UnixStream};
    }
}

/// The I/O traits of `asyncio::io`: futures-lite's on both backends (see `crate::io`).
pub(crate) mod io {
    pub use futures_lite::io::{
        copy, empty, repeat, sink, split, AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt,
        AsyncSeek, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter, Cursor, Empty,
        Error, ErrorKind, Lines, ReadHalf, Repeat, Result, SeekFrom, Sink, WriteHalf,
    };
}

/// A boxed timer, for the few places that store one in a struct.
pub(crate) type Sleep = Pin<Box<dyn Future<Output = ()> + Send + Sync>>;

/// Blocks the current thread on `future`, driving the backend's reactor and timers.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    imp::block_on(future)
}

/// A timer that fires after `duration`.
pub(crate) fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + Sync + 'static {
    imp::sleep(duration)
}

/// A boxed [`sleep`].
pub(crate) fn sleep_boxed(duration: Duration) -> Sleep {
    Box::pin(sleep(duration))
}
