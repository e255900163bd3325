async fn fetch() -> Result<u32, asyncio::TaskError> {
    Ok(1)
}

#[asyncio::async_main]
async fn main() {
    let _ = asyncio::try_gather!(fetch(), return_exceptions = true).await;
}
