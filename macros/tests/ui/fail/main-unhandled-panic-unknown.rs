#[asyncio::async_main(unhandled_panic = "abort")]
async fn main() {}
