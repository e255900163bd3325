#[asyncio::async_main(crate = "my asyncio")]
async fn main() {}
