//! `main` returning `Result`, with `?` in the body.

use std::error::Error;

async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    asyncio::yield_now().await;
    text.parse()
}

#[asyncio::async_main]
async fn main() -> Result<(), Box<dyn Error>> {
    let value = parse("42").await?;
    let doubled = asyncio::spawn!(async move { value * 2 }).await?;
    assert_eq!(doubled, 84);
    Ok(())
}
