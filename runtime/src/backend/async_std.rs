//! The async-std backend: its `block_on` drives async-std's reactor and timers on this thread.

use std::future::Future;
use std::time::Duration;

pub(crate) const NAME: &str = "async-std";

pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    async_std::task::block_on(future)
}

pub(crate) fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + Sync + 'static {
    async_std::task::sleep(duration)
}

/// `asyncio::net` on this backend: async-std's network types (async-io sockets).
pub(crate) mod net {
    pub use async_std::net::{Incoming, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
}
