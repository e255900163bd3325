async fn a() {}
async fn b() {}

#[asyncio::async_main]
async fn main() {
    let _task = asyncio::spawn!(a(), b());
}
