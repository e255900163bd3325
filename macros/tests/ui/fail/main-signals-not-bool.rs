#[asyncio::async_main(signals = 1)]
async fn main() {}

#[asyncio::async_main(signals = "false")]
async fn helper() {}
