#[asyncio::async_main]
async fn main() {
    let text = String::from("local");
    let _task = asyncio::spawn!(async { text.len() });
}
