// Every mistake is reported at once, and the function is still emitted: `helper` resolves.
#[asyncio::async_main(flavor = "fast", worker_threads = 0, colour = "red", crate = 5)]
async fn main() {
    helper();
}

fn helper() {}
