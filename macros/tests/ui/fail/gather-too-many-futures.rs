async fn work(n: u32) -> u32 {
    n
}

#[asyncio::async_main]
async fn main() {
    let _ = asyncio::gather!(
        work(1), work(2), work(3), work(4), work(5), work(6), work(7), work(8), work(9),
        work(10), work(11), work(12), work(13), work(14), work(15), work(16), work(17),
    )
    .await;
}
