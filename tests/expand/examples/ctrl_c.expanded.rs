//! Ctrl-C, as in Python's `asyncio.run`: the first Ctrl-C cancels `main` with the message
//! "SIGINT"; `main` may clean up (here it does, asynchronously) and re-raise; shutdown then
//! cancels and awaits every other task, so their cleanups run too; the process exits with
//! status 130. A second Ctrl-C during the cleanups exits at once.
//!
//! Run it with `cargo run --example ctrl_c -- 30` and press Ctrl-C within 30 s (once, or twice
//! to skip the cleanup). Without an argument it waits 200 ms, sees no Ctrl-C and ends normally:
//! that is what `tests/examples.rs` checks, and its Ctrl-C tests send the signals for real.
use std::time::Duration;
/// Prints a line when dropped: the Rust spelling of `finally:`.
struct Finally(&'static str);
impl Drop for Finally {
    fn drop(&mut self) {
        println!("{}", self.0);
    }
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        let wait_ms: u64 = std::env::args()
            .nth(1)
            .map_or(200, |s| s.parse::<u64>().expect("seconds to wait") * 1000);
        let _worker = ::asyncio::spawn_named(
            async {
                let _cleanup = Finally("worker: cleanup ran");
                asyncio::sleep(Duration::from_secs(3600)).await;
            },
            ::asyncio::__private::task_name("worker"),
        );
        println!("main: ready, press Ctrl-C");
        match asyncio::catch_cancel(asyncio::sleep(Duration::from_millis(wait_ms))).await
        {
            Ok(()) => println!("main: no Ctrl-C, ending normally"),
            Err(cancelled) => {
                println!("main: {cancelled}, cleaning up for 2 s");
                asyncio::sleep(Duration::from_secs(2)).await;
                println!("main: cleanup done");
                cancelled.reraise::<()>().await;
            }
        }
    }
    ::asyncio::RunConfig::new().run(main())
}
