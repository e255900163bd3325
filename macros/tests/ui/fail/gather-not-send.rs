use std::rc::Rc;

#[asyncio::async_main]
async fn main() {
    let shared = Rc::new(1);
    let _ = asyncio::gather!(async move {
        asyncio::yield_now().await;
        *shared
    })
    .await;
}
