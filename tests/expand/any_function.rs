//! The attribute on other functions: parameters, patterns, and the `Self` fallback.

/// Adds two pairs.
#[asyncio::async_main]
pub async fn add((a, b): (u32, u32), mut c: u32) -> u32 {
    c += a + b;
    c
}

struct App;

impl App {
    #[asyncio::async_main]
    async fn start() -> Self {
        Self
    }
}

#[asyncio::async_test]
async fn each_test_has_its_own_runtime() {
    assert_eq!(asyncio::spawn!(async { 1 }).await, Ok(1));
}
