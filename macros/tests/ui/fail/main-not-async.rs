#[asyncio::async_main]
fn main() {}
