async fn work() {}

#[asyncio::async_main]
async fn main() {
    let _ = asyncio::gather!(work(), return_exception = true).await;
}
