//! The expansions add no `unsafe`, no qualified paths that could be shorter, no ignored
//! results and no other warnings, even under the strictest settings. (The clippy lints are
//! checked by running clippy over this file; see tests/ui.rs.)

#![forbid(unsafe_code)]
#![deny(warnings, unused_qualifications, unused_results)]
#![deny(clippy::all, clippy::pedantic)]

use asyncio::{gather, spawn, TaskError};

async fn double(x: u32) -> u32 {
    asyncio::yield_now().await;
    x * 2
}

/// Doubles both numbers on a pool of two threads.
#[asyncio::async_main(flavor = "multi_thread", worker_threads = 2)]
async fn double_both(a: u32, b: u32) -> Result<(u32, u32), TaskError> {
    gather!(double(a), double(b)).await
}

#[asyncio::async_main]
async fn main() -> Result<(), TaskError> {
    let named = spawn!(double(1), name = "one");
    let unnamed = spawn!(double(2));
    let (one, two) = gather!(named, unnamed).await?;
    let (three,) = gather!(double(3), return_exceptions = true).await;
    assert_eq!((one, two, three?), (2, 4, 6));
    Ok(())
}

#[asyncio::async_test]
async fn also_as_a_test() {
    assert_eq!(double(4).await, 8);
}

#[allow(dead_code)]
fn uses_double_both() -> Result<(u32, u32), TaskError> {
    double_both(1, 2)
}
