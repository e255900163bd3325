//! The smol backend: `async-io`'s `block_on` and `Timer`, the parts smol is built from.

use std::future::Future;
use std::time::Duration;

pub(crate) const NAME: &str = "smol";

pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    async_io::block_on(future)
}

pub(crate) fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + Sync + 'static {
    let timer = async_io::Timer::after(duration);
    async move {
        let _fired_at = timer.await;
    }
}

/// `asyncio::net` on this backend: async-net's network types (async-io sockets).
pub(crate) mod net {
    pub use async_net::{
        AsyncToSocketAddrs as ToSocketAddrs, Incoming, TcpListener, TcpStream, UdpSocket,
    };
}
