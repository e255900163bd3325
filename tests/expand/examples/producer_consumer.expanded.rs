//! Producer and consumers around a bounded buffer, with a `Condition` (Python's
//! `asyncio.Condition`) and an `Event`.
//!
//! The condition's lock holds the buffer itself (`Condition<State>`): `wait_for` releases it,
//! waits for a `notify`, re-acquires it and checks the predicate again. The producer waits
//! while the buffer is full, the consumers while it is empty; each side notifies the other.
//! An `Event` says "go" to everybody at once.
//!
//! Everything runs on one thread (the default flavor), so the output is the same on every run.
//!
//! Run it with `cargo run --example producer_consumer`.
use std::collections::VecDeque;
use asyncio::{Condition, Event};
const CAPACITY: usize = 2;
#[derive(Default)]
struct State {
    buffer: VecDeque<u32>,
    done: bool,
}
async fn producer(cond: Condition<State>, go: Event) {
    go.wait().await;
    for item in 1..=6 {
        let mut state = cond
            .acquire()
            .await
            .wait_for(|s| s.buffer.len() < CAPACITY)
            .await;
        state.buffer.push_back(item);
        println!("producer: put {item} (buffer {:?})", state.buffer);
        state.notify_all();
    }
    let mut state = cond.acquire().await;
    state.done = true;
    state.notify_all();
    println!("producer: done");
}
async fn consumer(name: &'static str, cond: Condition<State>, go: Event) -> u32 {
    go.wait().await;
    let mut total = 0;
    loop {
        let mut state = cond
            .acquire()
            .await
            .wait_for(|s| !s.buffer.is_empty() || s.done)
            .await;
        let Some(item) = state.buffer.pop_front() else {
            return total;
        };
        state.notify_all();
        drop(state);
        println!("{name}: got {item}");
        total += item;
        asyncio::yield_now().await;
    }
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        let cond = Condition::new(State::default());
        let go = Event::new();
        let a = ::asyncio::spawn(consumer("consumer a", cond.clone(), go.clone()));
        let b = ::asyncio::spawn(consumer("consumer b", cond.clone(), go.clone()));
        let p = ::asyncio::spawn(producer(cond.clone(), go.clone()));
        asyncio::yield_now().await;
        println!("go!");
        go.set();
        let (a, b, ()) = ::asyncio::__private::gather((
                ::asyncio::__private::into_task(a),
                ::asyncio::__private::into_task(b),
                ::asyncio::__private::into_task(p),
            ))
            .await
            .unwrap();
        println!("consumer a got {a}, consumer b got {b}: {} in all", a + b);
    }
    ::asyncio::RunConfig::new().run(main())
}
