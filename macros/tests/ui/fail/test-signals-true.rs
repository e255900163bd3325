#[asyncio::async_test(signals = true)]
async fn wants_ctrl_c() {}

fn main() {}
