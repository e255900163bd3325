//! The attribute on functions other than `main`: parameters (plain and patterns), docs,
//! attributes, visibility, lifetimes, `impl Trait`, and recursion through the async
//! function as written.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

/// Adds, after letting other tasks run.
#[asyncio::async_main]
#[inline]
pub(crate) async fn add((a, b): (u32, u32), mut c: u32, _: &str) -> u32 {
    asyncio::yield_now().await;
    c += a + b;
    c
}

#[asyncio::async_main]
async fn longest<'a>(x: &'a str, y: &'a str) -> &'a str {
    if x.len() >= y.len() {
        x
    } else {
        y
    }
}

#[asyncio::async_main]
async fn shown() -> impl Debug {
    vec![1, 2, 3]
}

#[asyncio::async_main]
#[allow(clippy::unused_async)]
async fn with_impl_trait_argument(value: impl Debug + Send + 'static) -> String {
    asyncio::spawn!(async move { format!("{value:?}") })
        .await
        .unwrap()
}

/// Inside the body, `fib` is the async function, as the user wrote it.
#[asyncio::async_main]
async fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let a: Pin<Box<dyn Future<Output = u64>>> = Box::pin(fib(n - 1));
    let b: Pin<Box<dyn Future<Output = u64>>> = Box::pin(fib(n - 2));
    a.await + b.await
}

mod inner {
    #[asyncio::async_main]
    pub async fn visible() -> bool {
        true
    }
}

fn main() {
    assert_eq!(add((1, 2), 3, "ignored"), 6);
    assert_eq!(longest("ab", "abc"), "abc");
    assert_eq!(format!("{:?}", shown()), "[1, 2, 3]");
    assert_eq!(with_impl_trait_argument(5), "5");
    assert_eq!(fib(10), 55);
    assert!(inner::visible());
}
