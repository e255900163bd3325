//! The simplest form: `async fn main()` returning `()`.

#[asyncio::async_main]
async fn main() {
    let task = asyncio::spawn!(async { 1 + 1 });
    assert_eq!(task.await, Ok(2));
}
