//! The macros as users meet them: `tests/ui/pass/*.rs` must compile and run,
//! `tests/ui/fail/*.rs` must fail with exactly the reviewed `.stderr` next to each file
//! (regenerate with `TRYBUILD=overwrite cargo test --test ui`, then read the diff as a user
//! would).
//!
//! Also here: `#[async_test]` itself, which only a real test harness can exercise.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}

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
