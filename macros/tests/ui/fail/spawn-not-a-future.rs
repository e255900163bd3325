async fn work() -> u32 {
    1
}

#[asyncio::async_main]
async fn main() {
    let _a = asyncio::spawn!(work);
    let _b = asyncio::spawn!(42);
}
