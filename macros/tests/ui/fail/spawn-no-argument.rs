#[asyncio::async_main]
async fn main() {
    let _task = asyncio::spawn!();
}
