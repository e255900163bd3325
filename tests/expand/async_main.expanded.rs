//! The attribute on `main`, with and without options.
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        println!("hello");
    }
    ::asyncio::__private::run(::asyncio::__private::RunConfig::new(), main())
}
fn pooled() -> Result<(), Box<dyn std::error::Error>> {
    #[allow(clippy::unused_async)]
    async fn pooled() -> Result<(), Box<dyn std::error::Error>> {
        let text = std::fs::read_to_string("config.toml")?;
        println!("{text}");
        Ok(())
    }
    ::asyncio::__private::run(
        ::asyncio::__private::RunConfig::new()
            .flavor(::asyncio::__private::Flavor::MultiThread)
            .worker_threads(4),
        pooled(),
    )
}
fn renamed() -> ! {
    #[allow(clippy::unused_async)]
    async fn renamed() -> ! {
        std::process::exit(0)
    }
    my_asyncio::__private::run(my_asyncio::__private::RunConfig::new(), renamed())
}
fn no_ctrl_c() {
    #[allow(clippy::unused_async)]
    async fn no_ctrl_c() {}
    ::asyncio::__private::run(
        ::asyncio::__private::RunConfig::new().signals(false),
        no_ctrl_c(),
    )
}
