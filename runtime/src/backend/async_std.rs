//! The async-std backend: async-std's timers and network types, on the reactor they are built
//! on (async-io's), which `block_on` drives on the thread that runs the tasks.

use std::future::Future;
use std::time::Duration;

pub(crate) const NAME: &str = "async-std";

/// async-io's `block_on`, not `async_std::task::block_on`: async-std's starts its global
/// executor (a pool of threads that would sit idle beside ours, and take turns driving the
/// reactor, so that readiness events reach our runner from another thread) and runs the future
/// inside a local executor of its own. async-std's timers and sockets are async-io's, so this
/// drives them: when the runner has nothing to run, it waits in the reactor itself.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    async_io::block_on(future)
}

pub(crate) fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + Sync + 'static {
    async_std::task::sleep(duration)
}

/// `asyncio::net` on this backend: async-std's network types (async-io sockets).
pub(crate) mod net {
    pub use async_std::net::{Incoming, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
}
