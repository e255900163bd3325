//! The function keeps its name for lints: an unused helper is reported like any other.
#![deny(dead_code)]

#[asyncio::async_main]
async fn helper() -> u32 {
    42
}

fn main() {}
