//! `spawn!` and `gather!` in every form.
async fn work(n: u32) -> u32 {
    n
}
fn main() -> Result<(), asyncio::TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), asyncio::TaskError> {
        let task = ::asyncio::spawn(work(1));
        let named = ::asyncio::spawn_named(
            work(2),
            ::asyncio::__private::task_name("second"),
        );
        let (a, b, c) = ::asyncio::__private::gather((
                ::asyncio::__private::into_task(task),
                ::asyncio::__private::into_task(named),
                ::asyncio::__private::into_task(work(3)),
            ))
            .await?;
        let (d, e) = ::asyncio::__private::gather((
                ::asyncio::__private::into_task(work(4)),
                ::asyncio::__private::into_task(async { 5 }),
            ))
            .return_exceptions()
            .await;
        let () = ::asyncio::__private::gather(()).await?;
        println!("{a} {b} {c} {d:?} {e:?}");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
