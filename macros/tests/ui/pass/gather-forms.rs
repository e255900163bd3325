//! Every form of `gather!`, and the dynamic `gather_all`.

async fn square(x: u32) -> u32 {
    asyncio::yield_now().await;
    x * x
}

#[asyncio::async_main]
async fn main() {
    let none: Result<(), asyncio::TaskError> = asyncio::gather!().await;
    assert_eq!(none, Ok(()));
    let settled_none: () = asyncio::gather!(return_exceptions = true).await;
    let () = settled_none;

    let (one,) = asyncio::gather!(square(1)).await.unwrap();
    assert_eq!(one, 1);

    let task = asyncio::spawn!(square(3));
    let (a, b, c) = asyncio::gather!(square(2), task.clone(), async { "text" },)
        .await
        .unwrap();
    assert_eq!((a, b, c), (4, 9, "text"));

    // The same task twice runs once, and contributes its value twice.
    let (first, second) = asyncio::gather!(task.clone(), task).await.unwrap();
    assert_eq!((first, second), (9, 9));

    let doomed = asyncio::spawn!(asyncio::sleep(std::time::Duration::from_secs(100)));
    let _ = doomed.cancel();
    let (ok, cancelled) = asyncio::gather!(square(5), doomed, return_exceptions = true).await;
    assert_eq!(ok, Ok(25));
    assert!(cancelled.unwrap_err().is_cancelled());

    let (plain,) = asyncio::gather!(square(6), return_exceptions = false)
        .await
        .unwrap();
    assert_eq!(plain, 36);

    let sixteen = asyncio::gather!(
        square(1),
        square(2),
        square(3),
        square(4),
        square(5),
        square(6),
        square(7),
        square(8),
        square(9),
        square(10),
        square(11),
        square(12),
        square(13),
        square(14),
        square(15),
        square(16),
    )
    .await
    .unwrap();
    assert_eq!(sixteen.15, 256);

    let all = asyncio::gather_all((1..=20).map(square)).await.unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(all[19], 400);
}
