async fn work() -> u32 {
    1
}

#[asyncio::async_main]
async fn main() {
    let (a, b) = asyncio::gather!(return_exceptions = true, work(), work()).await;
    assert_eq!(a, Ok(1));
    assert_eq!(b, Ok(1));
}
