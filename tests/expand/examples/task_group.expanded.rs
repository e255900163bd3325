//! Structured concurrency with `task_group`: Python's `async with asyncio.TaskGroup() as tg:`.
//!
//! Book a trip: ask the flight, hotel and car services at once. A task group
//! - waits for every task spawned into it before it returns (no task outlives the scope);
//! - when one task fails (panics), cancels the others and the body, waits for them to stop,
//!   and returns every failure in a `TaskGroupError` (Python's `ExceptionGroup`).
//!
//! Run it with `cargo run --example task_group`.
use std::time::Duration;
use asyncio::TaskGroupError;
/// A reservation held while a request is in flight. Dropping it unconfirmed releases it: that
/// is what happens when the request is cancelled (its future is dropped at its current await)
/// or panics.
struct Hold {
    service: &'static str,
    confirmed: bool,
}
impl Drop for Hold {
    fn drop(&mut self) {
        if !self.confirmed {
            println!("  {}: hold released", self.service);
        }
    }
}
/// A simulated booking service: it answers after `latency`, or panics if it is down.
async fn book(service: &'static str, latency_ms: u64, down: bool) -> String {
    let mut hold = Hold { service, confirmed: false };
    asyncio::sleep(Duration::from_millis(latency_ms)).await;
    if down {
        panic!("{service} service unavailable");
    }
    hold.confirmed = true;
    format!("{service} booked")
}
/// Books the three parts of a trip at once; `hotel_down` simulates an outage.
async fn book_trip(hotel_down: bool) -> Result<Vec<String>, TaskGroupError> {
    let [flight, hotel, car] = asyncio::task_group(|tg| async move {
            let tasks = [
                tg.spawn(book("flight", 200, false)),
                tg.spawn(book("hotel", 50, hotel_down)),
                tg.spawn(book("car", 300, false)),
            ];
            asyncio::sleep(Duration::from_millis(250)).await;
            println!("  body: still waiting for the car after 250 ms");
            tasks
        })
        .await?;
    Ok(
        [flight, hotel, car]
            .iter()
            .map(|task| task.result().expect("a finished child"))
            .collect(),
    )
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        println!("every service up:");
        match book_trip(false).await {
            Ok(bookings) => println!("  booked: {bookings:?}"),
            Err(error) => println!("  failed: {error}"),
        }
        println!("the hotel service is down:");
        match book_trip(true).await {
            Ok(bookings) => println!("  booked: {bookings:?}"),
            Err(error) => {
                println!("  failed: {error}");
                for failure in error.errors() {
                    println!("    - {failure}");
                }
            }
        }
    }
    ::asyncio::RunConfig::new().run(main())
}
