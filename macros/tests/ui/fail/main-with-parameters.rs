#[asyncio::async_main]
async fn main(port: u16, verbose: bool) {
    let _ = (port, verbose);
}
