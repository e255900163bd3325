//! `#[async_test]` itself, which only a real test harness can exercise. (The ui tests of the
//! macros, trybuild, are in `macros/tests/ui.rs`.)

#[asyncio::async_test]
async fn async_test_runs_the_body_on_a_runtime() {
    let task = asyncio::spawn!(async { 40 + 2 });
    assert_eq!(task.await, Ok(42));
}

#[asyncio::async_test(flavor = "multi_thread", worker_threads = 2)]
async fn async_test_takes_the_same_options() -> Result<(), asyncio::TaskError> {
    let (a, b) = asyncio::gather!(async { 1 }, async { 2 }).await?;
    assert_eq!(a + b, 3);
    Ok(())
}

#[asyncio::async_test]
#[should_panic(expected = "boom")]
async fn async_test_keeps_other_test_attributes() {
    asyncio::yield_now().await;
    panic!("boom");
}
