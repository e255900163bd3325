async fn work() {}

#[asyncio::async_main]
async fn main() {
    let settle = true;
    let _ = asyncio::gather!(work(), return_exceptions = settle).await;
    let _ = asyncio::gather!(work(), return_exceptions = "yes").await;
}
