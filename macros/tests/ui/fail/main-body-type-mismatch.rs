// tokio#6930: one error, at the user's expression, not at the attribute.
#[asyncio::async_main]
async fn main() {
    Ok(())
}
