//! `main` that never returns.

#[asyncio::async_main]
async fn main() -> ! {
    let answer = asyncio::spawn!(async { 42 }).await.unwrap();
    std::process::exit(answer - 42)
}
