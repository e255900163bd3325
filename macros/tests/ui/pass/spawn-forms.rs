//! Every form of `spawn!`.

async fn work<A: Into<u64>, B: Into<u64>>(a: A, b: B) -> u64 {
    asyncio::yield_now().await;
    a.into() + b.into()
}

#[asyncio::async_main]
async fn main() {
    let plain = asyncio::spawn!(work(1_u8, 2_u16));
    let turbofish = asyncio::spawn!(work::<u8, u16>(3, 4),);
    let named = asyncio::spawn!(work(5_u8, 6_u8), name = "worker");
    let i = 7;
    let computed = asyncio::spawn!(async move { i }, name = format!("worker-{i}"));
    let block = asyncio::spawn!(async {
        asyncio::yield_now().await;
        "done"
    });
    assert!(plain.name().starts_with("Task-"));
    assert_eq!(named.name(), "worker");
    assert_eq!(computed.name(), "worker-7");
    assert_eq!(plain.await, Ok(3));
    assert_eq!(turbofish.await, Ok(7));
    assert_eq!(named.await, Ok(11));
    assert_eq!(computed.await, Ok(7));
    assert_eq!(block.await, Ok("done"));
}
