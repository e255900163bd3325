//! Asynchronous reading and writing: the traits that [`asyncio::net`](crate::net)'s sockets
//! implement, their extension traits (`read`, `read_exact`, `read_line`, `write_all`, `flush`,
//! ...), and buffered readers and writers. `use asyncio::io::prelude::*;` brings the extension
//! traits into scope.
//!
//! The same items on both backends: the traits are `futures-io`'s ([`AsyncRead`],
//! [`AsyncWrite`], [`AsyncBufRead`], [`AsyncSeek`]), which async-std's and async-net's types
//! implement (async-std calls them `io::Read`, `io::Write`, ...), and the extension traits,
//! buffers and helpers are `futures-lite`'s (the smol family's). Divergence from async-std's
//! own `io::prelude`: one set of methods on both backends, so a program builds unchanged on
//! either; it differs from async-std's in a few places (no `write_fmt`: write
//! `format!(...).as_bytes()`).
//!
//! ```
//! # use asyncio_runtime as asyncio;
//! use asyncio::io::prelude::*;
//! use asyncio::io::{BufReader, Cursor};
//!
//! asyncio::run(async {
//!     let mut lines = BufReader::new(Cursor::new(b"first\nsecond\n".to_vec()));
//!     let mut line = String::new();
//!     lines.read_line(&mut line).await?;
//!     assert_eq!(line, "first\n");
//!
//!     let mut out = Vec::new();
//!     out.write_all(b"written").await?;
//!     assert_eq!(out, b"written");
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```

pub use crate::backend::io::{
    copy, empty, repeat, sink, split, AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt,
    AsyncSeek, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter, Cursor, Empty, Error,
    ErrorKind, Lines, ReadHalf, Repeat, Result, SeekFrom, Sink, WriteHalf,
};

/// The extension traits, for `use asyncio::io::prelude::*;`: [`AsyncReadExt`],
/// [`AsyncWriteExt`], [`AsyncBufReadExt`], [`AsyncSeekExt`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::io::prelude::*;
///
/// asyncio::run(async {
///     let mut input: &[u8] = b"abc";
///     let mut all = Vec::new();
///     input.read_to_end(&mut all).await?;
///     assert_eq!(all, b"abc");
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub mod prelude {
    pub use super::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
}
