//! The expansions only use absolute paths: user items named like the things they use
//! change nothing, and the macros' own bindings never capture the user's names.

#![allow(dead_code, non_snake_case, clippy::all)]

struct Box;
struct Pin;
struct Future;
struct Result;
struct Option;
struct RunConfig;
struct Flavor;
struct Task;
fn Ok() {}
fn Some() {}
fn spawn() {}
fn spawn_named() {}
fn run() {}
fn gather() {}
fn into_task() {}
mod core {}
mod std {}
mod __private {}

mod shadowed_crate_name {
    // A local module named like the crate: the expansion's `::asyncio` is unaffected.
    mod asyncio {}

    #[::asyncio::async_main]
    pub async fn compute() -> u8 {
        ::asyncio::spawn!(async { 5_u8 }).await.unwrap()
    }
}

// Parameters named like the macro's own bindings, next to a pattern parameter (which gets a
// hidden binding of its own).
#[::asyncio::async_main]
async fn forwarded(__arg1: u8, (a, b): (u8, u8), config: u8, main: u8) -> u8 {
    __arg1 + a + b + config + main
}

#[::asyncio::async_main(flavor = "multi_thread", worker_threads = 1)]
async fn tasks() -> ::core::result::Result<(), ::asyncio::TaskError> {
    let future = async { 1_u8 };
    let name = "user";
    let task = ::asyncio::spawn!(future, name = name);
    let (value, other) = ::asyncio::gather!(task, async { 2_u8 }).await?;
    ::core::assert_eq!(value + other, 3);
    ::core::result::Result::Ok(())
}

fn main() {
    tasks().unwrap();
    ::core::assert_eq!(shadowed_crate_name::compute(), 5);
    ::core::assert_eq!(forwarded(1, (2, 3), 4, 5), 15);
}
