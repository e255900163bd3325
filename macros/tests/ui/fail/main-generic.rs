#[asyncio::async_main]
async fn run_with<T: Default>() -> T {
    T::default()
}

fn main() {
    let _: u8 = run_with();
}
