//! The attribute on `main`, with and without options.
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        println!("hello");
    }
    ::asyncio::RunConfig::new().run(main())
}
fn pooled() -> Result<(), Box<dyn std::error::Error>> {
    #[allow(clippy::unused_async)]
    async fn pooled() -> Result<(), Box<dyn std::error::Error>> {
        let text = std::fs::read_to_string("config.toml")?;
        println!("{text}");
        Ok(())
    }
    ::asyncio::RunConfig::new()
        .flavor(::asyncio::Flavor::MultiThread)
        .worker_threads(4)
        .run(pooled())
}
fn renamed() -> ! {
    #[allow(clippy::unused_async)]
    async fn renamed() -> ! {
        std::process::exit(0)
    }
    my_asyncio::RunConfig::new().run(renamed())
}
fn no_ctrl_c() {
    #[allow(clippy::unused_async)]
    async fn no_ctrl_c() {}
    ::asyncio::RunConfig::new().signals(false).run(no_ctrl_c())
}
