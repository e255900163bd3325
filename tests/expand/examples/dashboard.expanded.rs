//! A status dashboard: four lookups of different types run at once; the page shows each one as
//! it comes in, then reads every value under a deadline of its own.
//!
//! - `wait` and `as_completed` over tasks of different output types (a `u32`, a `String`, a
//!   `Duration`, an `f64`): `task.any()` erases each to an `AnyTask`, so they fit in one array
//!   (Python's lists hold any task; tokio's `JoinSet` holds one output type).
//! - `task.wait_for(d)`: Python's `await asyncio.wait_for(task, d)` with one `Result`: the
//!   value, `WaitForError::Timeout` (the task cancelled, and stopped), or the task's own error.
//!
//! Run it with `cargo run --example dashboard`.
use std::time::Duration;
use asyncio::{ReturnWhen, WaitForError};
async fn active_users() -> u32 {
    asyncio::sleep(Duration::from_millis(20)).await;
    1234
}
async fn message_of_the_day() -> String {
    asyncio::sleep(Duration::from_millis(60)).await;
    "all systems nominal".to_owned()
}
/// A probe whose server never answers.
async fn latency() -> Duration {
    asyncio::sleep(Duration::from_secs(3600)).await;
    Duration::from_millis(12)
}
/// A sensor that is offline: a bug on our side, so a panic (the task ends `Panicked`).
async fn temperature() -> f64 {
    asyncio::yield_now().await;
    panic!("sensor offline");
}
const DEADLINE: Duration = Duration::from_millis(300);
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        let users = ::asyncio::spawn_named(
            active_users(),
            ::asyncio::__private::task_name("users"),
        );
        let motd = ::asyncio::spawn_named(
            message_of_the_day(),
            ::asyncio::__private::task_name("motd"),
        );
        let ping = ::asyncio::spawn_named(
            latency(),
            ::asyncio::__private::task_name("ping"),
        );
        let sensor = ::asyncio::spawn_named(
            temperature(),
            ::asyncio::__private::task_name("sensor"),
        );
        let all = [users.any(), motd.any(), ping.any(), sensor.any()];
        let (done, _pending) = asyncio::wait(&all)
            .return_when(ReturnWhen::FirstCompleted)
            .await;
        for task in done {
            println!("first to end: {}", task.name());
        }
        let mut finished = asyncio::as_completed(all);
        let _ = asyncio::timeout(DEADLINE)
            .run(async {
                while let Some(task) = finished.next().await {
                    let how = match task.error() {
                        None => "ok".to_owned(),
                        Some(error) => error.to_string(),
                    };
                    println!("ended: {} ({how})", task.name());
                }
            })
            .await;
        println!("still running after {DEADLINE:?}: {} task(s)", finished.len());
        match users.wait_for(DEADLINE).await {
            Ok(n) => println!("users: {n}"),
            Err(e) => println!("users: unavailable ({e})"),
        }
        match motd.wait_for(DEADLINE).await {
            Ok(text) => println!("motd: {text}"),
            Err(e) => println!("motd: unavailable ({e})"),
        }
        match ping.clone().wait_for(DEADLINE).await {
            Ok(rtt) => println!("ping: {rtt:?}"),
            Err(WaitForError::Timeout) => {
                println!(
                    "ping: no answer in {DEADLINE:?}, probe cancelled: {}", ping
                    .cancelled()
                )
            }
            Err(e) => println!("ping: failed ({e})"),
        }
        match sensor.wait_for(DEADLINE).await {
            Ok(celsius) => println!("temperature: {celsius} °C"),
            Err(e) if e.is_panicked() => println!("temperature: sensor bug ({e})"),
            Err(e) => println!("temperature: unavailable ({e})"),
        }
    }
    ::asyncio::RunConfig::new().run(main())
}
