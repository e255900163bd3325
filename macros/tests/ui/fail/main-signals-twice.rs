#[asyncio::async_main(signals = false, flavor = "current_thread", signals = true)]
async fn main() {}
