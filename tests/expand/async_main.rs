//! The attribute on `main`, with and without options.

#[asyncio::async_main]
async fn main() {
    println!("hello");
}

#[asyncio::async_main(flavor = "multi_thread", worker_threads = 4)]
async fn pooled() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string("config.toml")?;
    println!("{text}");
    Ok(())
}

#[asyncio::async_main(crate = "my_asyncio")]
async fn renamed() -> ! {
    std::process::exit(0)
}

#[asyncio::async_main(signals = false)]
async fn no_ctrl_c() {}
