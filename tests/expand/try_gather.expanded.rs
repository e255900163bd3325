//! `try_gather!`: children that return `Result`, stopped at the first failure.
type Error = Box<dyn std::error::Error + Send + Sync>;
async fn fetch(n: u32) -> Result<u32, Error> {
    Ok(n)
}
fn main() -> Result<(), Error> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), Error> {
        let existing = ::asyncio::spawn(fetch(1));
        let (a, b) = ::asyncio::__private::try_gather((
                ::asyncio::__private::try_into_task(existing),
                ::asyncio::__private::try_into_task(fetch(2)),
            ))
            .await?;
        let all = asyncio::try_gather_all([fetch(3), fetch(4)]).await?;
        println!("{a} {b} {all:?}");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
