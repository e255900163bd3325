#[asyncio::async_test]
async fn parametrized(n: u32) {
    assert!(n > 0);
}

fn main() {}
