//! How do I run a follow-up task when a task finishes? From its done callback: the callback
//! runs on the runtime once the task has ended and may spawn the next step (Python:
//! `task.add_done_callback(lambda t: asyncio.create_task(next_step(t.result())))`). Here each
//! fetched page gets a follow-up task that parses it; `main` waits for the follow-ups through a
//! task group, which joins tasks spawned into it from anywhere.
//!
//! Run it with `cargo run --example follow_up`.
use std::time::Duration;
async fn fetch(page: u32) -> String {
    asyncio::sleep(Duration::from_millis(u64::from(page) * 100)).await;
    format!("<html>page {page}</html>")
}
async fn parse(page: u32, body: String) {
    asyncio::yield_now().await;
    println!("follow-up: parsed page {page} ({} bytes)", body.len());
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        asyncio::task_group(|tg| async move {
                for page in [2, 1, 3] {
                    let fetching = tg.spawn(fetch(page));
                    let tg = tg.clone();
                    let handle = fetching.clone();
                    fetching
                        .add_done_callback(move |_| {
                            println!("fetched page {page}");
                            let body = handle.result().expect("fetched");
                            tg.spawn(parse(page, body));
                        });
                }
            })
            .await
            .unwrap();
        println!("all pages parsed");
    }
    ::asyncio::RunConfig::new().run(main())
}
