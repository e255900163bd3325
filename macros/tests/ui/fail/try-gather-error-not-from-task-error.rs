#[asyncio::async_main]
async fn main() {
    let refused = async { Err::<u32, &str>("refused") };
    let _ = asyncio::try_gather!(refused, async { Ok(2) }).await;
}
