async fn work() {}

#[asyncio::async_main]
async fn main() {
    let _task = asyncio::spawn!(work(), label = "worker");
}
