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

    #[::asyncio::async_main]
    pub async fn fallible() -> ::core::result::Result<u32, ::asyncio::TaskError> {
        let (a, b) = ::asyncio::try_gather!(
            async { ::core::result::Result::Ok::<u32, ::asyncio::TaskError>(1) },
            async { ::core::result::Result::Ok(2) },
        )
        .await?;
        let none: ::core::result::Result<(), ::asyncio::TaskError> =
            ::asyncio::try_gather!().await;
        none?;
        ::core::result::Result::Ok(a + b)
    }

    #[::asyncio::async_test]
    async fn a_test() {}
}

fn main() {
    assert_eq!(inner::compute(), 6);
    assert_eq!(inner::pooled(1), Ok(2));
    assert_eq!(inner::fallible(), Ok(3));
}
