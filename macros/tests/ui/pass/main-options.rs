//! Every option, in every spelling.

#[asyncio::async_main(flavor = "multi_thread", worker_threads = 2)]
async fn pool() -> usize {
    let tasks: Vec<_> = (0..8).map(|i| asyncio::spawn!(async move { i })).collect();
    asyncio::gather_all(tasks).await.unwrap().into_iter().sum()
}

#[asyncio::async_main(flavor = "current_thread")]
async fn event_loop() -> u8 {
    7
}

#[asyncio::async_main(flavor = "multi_thread")]
async fn default_pool_size() -> u8 {
    8
}

#[asyncio::async_main(crate = "asyncio")]
async fn crate_as_string() -> u8 {
    9
}

#[asyncio::async_main(crate = ::asyncio, flavor = "current_thread",)]
async fn crate_as_path() -> u8 {
    10
}

#[asyncio::async_main(signals = false)]
async fn without_ctrl_c_handler() -> u8 {
    11
}

#[asyncio::async_main(flavor = "multi_thread", signals = true, worker_threads = 1)]
async fn with_ctrl_c_handler() -> u8 {
    12
}

#[asyncio::async_test(signals = false)]
async fn a_test_may_say_signals_false() {}

fn main() {
    assert_eq!(without_ctrl_c_handler(), 11);
    assert_eq!(with_ctrl_c_handler(), 12);
    assert_eq!(pool(), 28);
    assert_eq!(event_loop(), 7);
    assert_eq!(default_pool_size(), 8);
    assert_eq!(crate_as_string(), 9);
    assert_eq!(crate_as_path(), 10);
}
