//! Networking: TCP, UDP and Unix domain sockets, from the active backend (Python's
//! `asyncio.open_connection`, `start_server`, `create_datagram_endpoint`).
//!
//! These are the backend's own types, re-exported, so that a program builds unchanged on either
//! backend: async-std's `async_std::net` on the default backend, `async-net` with the `smol`
//! feature (and `async-net`'s Unix sockets on both: see [`unix`]). Both are sockets of the same reactor (async-io's), with the same methods (`bind`,
//! `accept`, `incoming`, `connect`, `local_addr`, `peer_addr`, `shutdown`, `set_nodelay`,
//! `send_to`, `recv_from`, ...); a program that names only `asyncio::net` and [`asyncio::io`]
//! does not depend on which backend it runs on. They read and write through the traits of
//! [`asyncio::io`] (`use asyncio::io::prelude::*;`).
//!
//! The socket types are `Clone`: a clone is another handle to the same socket, so one task can
//! read from a clone while another writes. (async-std's `&TcpStream` also reads and writes,
//! async-net's does not: clone, and the program builds on both backends.)
//!
//! A task that owns a socket closes it when it ends, or when it is cancelled: cancelling a task
//! drops its future, and with it the socket. What a cancellation does to a pending read or
//! write is in the guide ("What a cancellation does to I/O").
//!
//! Divergence: the address argument of `bind` and `connect` is the backend's own trait
//! ([`ToSocketAddrs`]); a `SocketAddr`, a `"host:port"` string and an `(ip, port)` tuple work on
//! both. Resolving a host name runs the blocking `getaddrinfo` on a thread of the backend's own
//! pool (async-std's global executor, or `blocking`'s pool with smol), not on this runtime's
//! `to_thread` pool; an IP address is not resolved.
//!
//! [`asyncio::io`]: crate::io
//!
//! ```
//! # use asyncio_runtime as asyncio;
//! use asyncio::io::prelude::*;
//! use asyncio::net::{TcpListener, TcpStream};
//!
//! asyncio::run(async {
//!     // Port 0: the OS picks a free port.
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let address = listener.local_addr()?;
//!     let server = asyncio::spawn(async move {
//!         let (mut stream, _peer) = listener.accept().await?;
//!         let mut buf = [0; 4];
//!         stream.read_exact(&mut buf).await?;
//!         stream.write_all(&buf).await // echo
//!     });
//!     let mut client = TcpStream::connect(address).await?;
//!     client.write_all(b"ping").await?;
//!     let mut answer = [0; 4];
//!     client.read_exact(&mut answer).await?;
//!     assert_eq!(&answer, b"ping");
//!     server.await.unwrap()
//! })
//! .unwrap();
//! ```

pub use std::net::{
    AddrParseError, IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6,
};

/// A TCP server socket, listening for connections: `async_std::net::TcpListener` on the default
/// backend, `async_net::TcpListener` with `smol`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::net::{TcpListener, TcpStream};
///
/// asyncio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let client = TcpStream::connect(listener.local_addr()?).await?;
///     let (server_side, peer) = listener.accept().await?;
///     assert_eq!(peer, client.local_addr()?);
///     assert_eq!(server_side.peer_addr()?, client.local_addr()?);
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub use crate::backend::net::TcpListener;

/// A TCP connection: `async_std::net::TcpStream` on the default backend, `async_net::TcpStream`
/// with `smol`. It reads and writes through [`asyncio::io`](crate::io)'s traits; a clone is
/// another handle to the same connection.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::io::prelude::*;
/// use asyncio::net::{Shutdown, TcpListener, TcpStream};
///
/// asyncio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (server_side, _) = listener.accept().await?;
///     client.write_all(b"one line\n").await?;
///     client.shutdown(Shutdown::Write)?;
///     let mut received = String::new();
///     asyncio::io::BufReader::new(server_side).read_to_string(&mut received).await?;
///     assert_eq!(received, "one line\n");
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub use crate::backend::net::TcpStream;

/// A UDP socket: `async_std::net::UdpSocket` on the default backend, `async_net::UdpSocket`
/// with `smol`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::net::UdpSocket;
///
/// asyncio::run(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await?;
///     let b = UdpSocket::bind("127.0.0.1:0").await?;
///     a.send_to(b"datagram", b.local_addr()?).await?;
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await?;
///     assert_eq!((&buf[..n], from), (&b"datagram"[..], a.local_addr()?));
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub use crate::backend::net::UdpSocket;

/// The stream of connections of [`TcpListener::incoming`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::net::{TcpListener, TcpStream};
///
/// asyncio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let _client = TcpStream::connect(listener.local_addr()?).await?;
///     let mut incoming: asyncio::net::Incoming<'_> = listener.incoming();
///     let first = std::future::poll_fn(|cx| {
///         futures_core::Stream::poll_next(std::pin::Pin::new(&mut incoming), cx)
///     });
///     assert!(first.await.unwrap().is_ok());
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub use crate::backend::net::Incoming;

/// What `bind` and `connect` take as an address: async-std's `ToSocketAddrs` on the default
/// backend, async-net's `AsyncToSocketAddrs` with `smol`. A `SocketAddr`, an `(ip, port)`
/// tuple and a `"host:port"` string implement both.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::net::{Ipv4Addr, TcpListener, ToSocketAddrs};
///
/// async fn listen(address: impl ToSocketAddrs) -> std::io::Result<TcpListener> {
///     TcpListener::bind(address).await
/// }
///
/// asyncio::run(async {
///     let listener = listen((Ipv4Addr::LOCALHOST, 0)).await?;
///     assert!(listener.local_addr()?.ip().is_loopback());
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub use crate::backend::net::ToSocketAddrs;

/// Unix domain sockets (on Unix): `async_net::unix`'s `UnixListener`, `UnixStream` and
/// `UnixDatagram`, on both backends.
///
/// Divergence from the rest of this module: these are async-net's on the default backend too.
/// async-std's Unix sockets bind with an `async fn` (`UnixListener::bind(path).await`), async-net's
/// with a plain one (`UnixListener::bind(path)?`); taking one of them on both backends keeps one
/// API. Both are the same async-io sockets.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::io::prelude::*;
/// use asyncio::net::unix::{UnixListener, UnixStream};
///
/// asyncio::run(async {
///     let path = std::env::temp_dir().join(format!("asyncio-unix-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let listener = UnixListener::bind(&path)?;
///     let mut client = UnixStream::connect(&path).await?;
///     let (mut server_side, _) = listener.accept().await?;
///     client.write_all(b"hi").await?;
///     let mut buf = [0; 2];
///     server_side.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     std::fs::remove_file(&path)
/// })
/// .unwrap();
/// ```
#[cfg(unix)]
pub mod unix {
    pub use std::os::unix::net::SocketAddr;

    /// A Unix stream socket server, listening for connections. `bind` is not `async`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::net::unix::UnixListener;
    ///
    /// asyncio::run(async {
    ///     let path = std::env::temp_dir().join(format!("asyncio-ul-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = UnixListener::bind(&path)?;
    ///     assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    ///     std::fs::remove_file(&path)
    /// })
    /// .unwrap();
    /// ```
    pub use crate::backend::net::unix::UnixListener;

    /// A Unix stream socket: a connection to a [`UnixListener`], or one end of a `pair`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::io::prelude::*;
    /// use asyncio::net::unix::UnixStream;
    ///
    /// asyncio::run(async {
    ///     let (mut a, mut b) = UnixStream::pair()?;
    ///     a.write_all(b"over a pair").await?;
    ///     let mut buf = [0; 11];
    ///     b.read_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"over a pair");
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub use crate::backend::net::unix::UnixStream;

    /// A Unix datagram socket.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::net::unix::UnixDatagram;
    ///
    /// asyncio::run(async {
    ///     let (a, b) = UnixDatagram::pair()?;
    ///     a.send(b"datagram").await?;
    ///     let mut buf = [0; 16];
    ///     let n = b.recv(&mut buf).await?;
    ///     assert_eq!(&buf[..n], b"datagram");
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub use crate::backend::net::unix::UnixDatagram;
}
