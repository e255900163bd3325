use std::rc::Rc;

#[asyncio::async_main]
async fn main() {
    let shared = Rc::new(1);
    let _task = asyncio::spawn!(async move {
        asyncio::yield_now().await;
        *shared
    });
}
