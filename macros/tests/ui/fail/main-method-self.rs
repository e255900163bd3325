struct Server {
    port: u16,
}

impl Server {
    #[asyncio::async_main]
    async fn serve(&self) -> u16 {
        self.port
    }
}

fn main() {
    let _ = Server { port: 1 }.serve();
}
