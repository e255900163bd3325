async fn work() {}

#[asyncio::async_main]
async fn main() {
    let _a = asyncio::spawn!(work(), name = 42);
    let id: u32 = 7;
    let _b = asyncio::spawn!(work(), name = id);
}
