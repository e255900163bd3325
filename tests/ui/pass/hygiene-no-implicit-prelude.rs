//! The expansions work where nothing is in scope: no prelude, no `std`.

#[no_implicit_prelude]
mod inner {
    #[::asyncio::async_main]
    pub async fn compute() -> u32 {
        let task = ::asyncio::spawn!(async { 1_u32 }, name = "one");
        let (a, b) = ::asyncio::gather!(async { 2_u32 }, task).await.unwrap();
        let (c,) = ::asyncio::gather!(async { 3_u32 }, return_exceptions = true).await;
        a + b + c.unwrap()
    }

    #[::asyncio::async_main(flavor = "multi_thread", worker_threads = 1, crate = ::asyncio)]
    pub async fn pooled(x: u8) -> ::core::result::Result<u8, ::asyncio::TaskError> {
        ::asyncio::spawn!(async move { x + 1 }).await
    }

    #[::asyncio::async_test]
    async fn a_test() {}
}

fn main() {
    assert_eq!(inner::compute(), 6);
    assert_eq!(inner::pooled(1), Ok(2));
}
