//! The attribute on other functions: parameters, patterns, and the `Self` fallback.
/// Adds two pairs.
pub fn add(__arg0: (u32, u32), c: u32) -> u32 {
    #[allow(clippy::unused_async)]
    async fn add((a, b): (u32, u32), mut c: u32) -> u32 {
        c += a + b;
        c
    }
    ::asyncio::RunConfig::new().run(add(__arg0, c))
}
struct App;
impl App {
    fn start() -> Self {
        ::asyncio::RunConfig::new().run(async move { Self })
    }
}
#[::core::prelude::v1::test]
fn each_test_has_its_own_runtime() {
    #[allow(clippy::unused_async)]
    async fn each_test_has_its_own_runtime() {
        assert_eq!(::asyncio::spawn(async { 1 }). await, Ok(1));
    }
    ::asyncio::RunConfig::new()
        .signals(false)
        .unhandled_panic(::asyncio::UnhandledPanic::Fail)
        .run(each_test_has_its_own_runtime())
}
