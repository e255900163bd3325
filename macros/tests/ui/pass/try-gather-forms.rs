//! `try_gather!` in every form, with the error types users write.

use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn fetch(n: u32) -> Result<u32, BoxError> {
    asyncio::sleep(Duration::from_millis(1)).await;
    Ok(n)
}

#[asyncio::async_main]
async fn main() -> Result<(), BoxError> {
    let existing = asyncio::spawn!(fetch(3));
    let (a, b, c) = asyncio::try_gather!(fetch(1), async { Ok(2) }, existing).await?;
    assert_eq!((a, b, c), (1, 2, 3));
    let (one,) = asyncio::try_gather!(fetch(4),).await?;
    assert_eq!(one, 4);
    let none: Result<(), asyncio::TaskError> = asyncio::try_gather!().await;
    none?;
    let err = asyncio::try_gather!(fetch(5), async { Err::<u8, BoxError>("no".into()) })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "no");
    let all = asyncio::try_gather_all((1..=3).map(fetch)).await?;
    assert_eq!(all, [1, 2, 3]);
    Ok(())
}
