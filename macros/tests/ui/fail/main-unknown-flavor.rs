#[asyncio::async_main(flavor = "multi_threaded")]
async fn main() {}
