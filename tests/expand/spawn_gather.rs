//! `spawn!` and `gather!` in every form.

async fn work(n: u32) -> u32 {
    n
}

#[asyncio::async_main]
async fn main() -> Result<(), asyncio::TaskError> {
    let task = asyncio::spawn!(work(1));
    let named = asyncio::spawn!(work(2), name = "second");
    let (a, b, c) = asyncio::gather!(task, named, work(3)).await?;
    let (d, e) = asyncio::gather!(work(4), async { 5 }, return_exceptions = true).await;
    let () = asyncio::gather!().await?;
    println!("{a} {b} {c} {d:?} {e:?}");
    Ok(())
}
