//! Procedural macros of the `asyncio` crate. Use them through `asyncio`, not directly:
//! `#[asyncio::async_main]`, `#[asyncio::async_test]`, `asyncio::spawn!`, `asyncio::gather!`,
//! `asyncio::try_gather!`.
//!
//! This file holds only the entry points; each macro lives in its own module (the attributes
//! in `entry/`), and every expansion function works on `proc_macro2` streams so that it can
//! be unit-tested. The test harnesses (expansion snapshots, robustness against any input) and
//! the attributes' unit tests are in `tests/`.

mod call_args;
mod entry;
mod errors;
mod gather;
mod spawn;
mod try_gather;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Turns an `async fn` into a plain `fn` that runs it to completion on a new asyncio runtime.
/// See `asyncio::async_main` for the documentation.
#[proc_macro_attribute]
pub fn async_main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::EntryKind::Main, args.into(), item.into()).into()
}

/// Like `async_main`, for a `#[test]` function: each test runs on its own runtime.
/// See `asyncio::async_test` for the documentation.
#[proc_macro_attribute]
pub fn async_test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::EntryKind::Test, args.into(), item.into()).into()
}

/// The implementation of `asyncio::spawn!`, which calls it as `spawn_impl!([$crate] ...)`.
#[doc(hidden)]
#[proc_macro]
pub fn spawn_impl(input: TokenStream) -> TokenStream {
    spawn::expand(input.into()).into()
}

/// The implementation of `asyncio::gather!`, which calls it as `gather_impl!([$crate] ...)`.
#[doc(hidden)]
#[proc_macro]
pub fn gather_impl(input: TokenStream) -> TokenStream {
    gather::expand(input.into()).into()
}

/// The implementation of `asyncio::try_gather!`, which calls it as
/// `try_gather_impl!([$crate] ...)`.
#[doc(hidden)]
#[proc_macro]
pub fn try_gather_impl(input: TokenStream) -> TokenStream {
    try_gather::expand(input.into()).into()
}
