//! How do I show the progress of running tasks? A done callback per task prints a progress
//! line as each one completes (Python: `task.add_done_callback(report)`), while `main` simply
//! waits for all of them.
//!
//! Run it with `cargo run --example progress`.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
async fn download(name: &'static str, ms: u64) -> usize {
    asyncio::sleep(Duration::from_millis(ms)).await;
    name.len() * 100
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        let files = [("b.txt", 300), ("a-long-name.txt", 100), ("c.bin", 200)];
        let finished = Arc::new(AtomicUsize::new(0));
        let total = files.len();
        let mut tasks = Vec::new();
        for (name, ms) in files {
            let task = ::asyncio::spawn_named(
                download(name, ms),
                ::asyncio::__private::task_name(name),
            );
            let finished = finished.clone();
            task.add_done_callback(move |task| {
                let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
                println!("[{n}/{total}] {} done", task.name());
            });
            tasks.push(task);
        }
        let sizes = asyncio::gather_all(tasks).await.unwrap();
        println!("downloaded {} bytes", sizes.iter().sum:: < usize > ());
    }
    ::asyncio::RunConfig::new().run(main())
}
