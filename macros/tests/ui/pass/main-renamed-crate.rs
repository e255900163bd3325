//! The crate under another name: `crate = ...` for the attribute, nothing for the
//! function-like macros (they find the runtime through `$crate`).

extern crate asyncio as aio;

mod reexports {
    pub use ::asyncio as runtime;
}

#[aio::async_main(crate = "aio")]
async fn renamed() -> u32 {
    let (a, b) = aio::gather!(async { 1 }, aio::spawn!(async { 2 }))
        .await
        .unwrap();
    a + b
}

#[reexports::runtime::async_main(crate = crate::reexports::runtime)]
async fn reexported() -> u32 {
    reexports::runtime::spawn!(async { 4 }).await.unwrap()
}

fn main() {
    assert_eq!(renamed(), 3);
    assert_eq!(reexported(), 4);
}
