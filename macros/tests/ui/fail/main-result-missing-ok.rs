#[asyncio::async_main]
async fn main() -> Result<(), std::io::Error> {
    std::fs::read("config.toml")?;
}
