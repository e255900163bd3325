async fn fetch() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
    Ok(1)
}

#[asyncio::async_main]
async fn main() {
    let _ = asyncio::try_gather!(fetch(), async { 5 }).await;
    let _ = asyncio::try_gather!(fetch(), fetch).await;
    let count = asyncio::spawn!(async { 3 });
    let _ = asyncio::try_gather!(fetch(), count).await;
}
