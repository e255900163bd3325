//! The current_thread flavor is one thread: a run that does network I/O and sleeps starts no
//! executor threads of the backend (async-std's global pool stays unstarted). The only other
//! thread is async-io's reactor thread, which stands by while the runner drives the reactor
//! itself. Alone in its file: a test binary runs its tests on threads of one process, and this
//! one counts that process's threads.

use std::time::Duration;

use asyncio::io::prelude::*;
use asyncio::net::{TcpListener, TcpStream};

/// The names of this process's threads.
fn thread_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim_end().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_current_thread_run_with_io_and_sleeps_starts_no_backend_threads() {
    let before = thread_names();
    let during = asyncio::RunConfig::new().signals(false).run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = asyncio::spawn!(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = [0; 4];
            for _ in 0..10 {
                stream.read_exact(&mut buf).await.unwrap();
                asyncio::sleep(Duration::from_millis(2)).await;
                stream.write_all(&buf).await.unwrap();
            }
        });
        let mut client = TcpStream::connect(address).await.unwrap();
        let mut buf = [0; 4];
        for i in 0..10u32 {
            client.write_all(&i.to_le_bytes()).await.unwrap();
            client.read_exact(&mut buf).await.unwrap();
            assert_eq!(u32::from_le_bytes(buf), i);
        }
        server.await.unwrap();
        asyncio::sleep(Duration::from_millis(20)).await;
        thread_names()
    });
    let mut new = during.clone();
    for name in &before {
        if let Some(i) = new.iter().position(|n| n == name) {
            new.remove(i);
        }
    }
    assert!(
        new.iter().all(|name| name == "async-io"),
        "threads started by a current_thread run: {new:?} (before: {before:?}, during: {during:?})"
    );
    assert!(new.len() <= 1, "{new:?}");
}
