//! An associated function that names `Self`: the body stays in the function, in an
//! `async move` block.

#[derive(Debug, PartialEq)]
struct App {
    port: u16,
}

impl App {
    #[asyncio::async_main]
    async fn start(port: u16) -> Self {
        let port = asyncio::spawn!(async move { port + 1 }).await.unwrap();
        Self { port }
    }
}

fn main() {
    assert_eq!(App::start(8079), App { port: 8080 });
}
