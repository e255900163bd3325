async fn work() -> u32 {
    1
}

#[asyncio::async_main]
async fn main() {
    let _ = asyncio::gather!(work(), work).await;
    let _ = asyncio::gather!(7).await;
}
