async fn work() -> u32 {
    1
}

#[asyncio::async_main]
async fn main() {
    let task = asyncio::spawn!(name = "worker", work());
    assert_eq!(task.await, Ok(1));
}
