//! `asyncio::net` and `asyncio::io`: real sockets on loopback, written against those two modules
//! only, so that this file builds and passes unchanged on both backends (`cargo test` and
//! `cargo test --no-default-features --features smol`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use asyncio::io::prelude::*;
use asyncio::io::BufReader;
use asyncio::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};

const CLIENTS: usize = 20;
const MESSAGES: usize = 50;

/// Echoes 64-byte messages until the client closes its side.
async fn echo(mut stream: TcpStream) -> std::io::Result<usize> {
    let mut buf = [0; 64];
    let mut echoed = 0;
    loop {
        match stream.read_exact(&mut buf).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(echoed),
            Err(e) => return Err(e),
        }
        stream.write_all(&buf).await?;
        echoed += 1;
    }
}

async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        asyncio::spawn!(echo(stream));
    }
}

/// Sends `MESSAGES` distinct messages one at a time, and checks every echo.
async fn client(address: SocketAddr, id: usize) -> std::io::Result<usize> {
    let mut stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let mut answer = [0; 64];
    let mut matched = 0;
    for i in 0..MESSAGES {
        let mut message = [0; 64];
        message[..16].copy_from_slice(&(id as u64 * 1_000_000 + i as u64).to_le_bytes().repeat(2));
        stream.write_all(&message).await?;
        stream.read_exact(&mut answer).await?;
        matched += usize::from(answer == message);
    }
    stream.shutdown(Shutdown::Write)?;
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await?;
    assert!(rest.is_empty());
    Ok(matched)
}

async fn loopback_echo() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = asyncio::spawn!(serve(listener), name = "server");
    let clients = (0..CLIENTS).map(|id| client(address, id));
    let matched = asyncio::gather_all(clients).await.unwrap();
    for result in matched {
        assert_eq!(result.unwrap(), MESSAGES, "every echo comes back unchanged");
    }
    assert!(server.cancel());
    assert!(server.await.unwrap_err().is_cancelled());
}

#[asyncio::async_test]
async fn a_loopback_echo_loses_and_corrupts_nothing() {
    loopback_echo().await;
}

#[asyncio::async_test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_echo_loses_and_corrupts_nothing_on_multi_thread() {
    loopback_echo().await;
}

#[asyncio::async_test]
async fn lines_through_a_buf_reader() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server_side, _) = listener.accept().await.unwrap();
    let reader = asyncio::spawn!(async move {
        let mut lines = BufReader::new(server_side);
        let mut all = Vec::new();
        let mut line = String::new();
        while lines.read_line(&mut line).await.unwrap() > 0 {
            all.push(std::mem::take(&mut line));
        }
        all
    });
    client.write_all(b"one\ntwo\nthree").await.unwrap();
    client.flush().await.unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(reader.await.unwrap(), ["one\n", "two\n", "three"]);
}

#[asyncio::async_test]
async fn a_udp_round_trip() {
    let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    client.connect(server.local_addr().unwrap()).await.unwrap();
    let answer = asyncio::spawn!(async move {
        let mut buf = [0; 32];
        let (n, from) = server.recv_from(&mut buf).await.unwrap();
        server.send_to(&buf[..n], from).await.unwrap();
    });
    client.send(b"over udp").await.unwrap();
    let mut buf = [0; 32];
    let n = client.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"over udp");
    answer.await.unwrap();
}

#[cfg(unix)]
#[asyncio::async_test]
async fn a_unix_socket_echo() {
    use asyncio::net::unix::{UnixListener, UnixStream};

    let path = std::env::temp_dir().join(format!("asyncio-test-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).unwrap();
    let server = asyncio::spawn!(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0; 5];
        stream.read_exact(&mut buf).await.unwrap();
        stream.write_all(&buf).await.unwrap();
    });
    let mut client = UnixStream::connect(&path).await.unwrap();
    client.write_all(b"hello").await.unwrap();
    let mut buf = [0; 5];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hello");
    server.await.unwrap();
    std::fs::remove_file(&path).unwrap();
}

/// Sets its flag when dropped.
struct Closed(Arc<AtomicBool>);

impl Drop for Closed {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[asyncio::async_test]
async fn cancelling_a_connection_task_closes_its_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server_side, _) = listener.accept().await.unwrap();
    let closed = Arc::new(AtomicBool::new(false));
    let flag = closed.clone();
    let connection = asyncio::spawn!(async move {
        let _closed = Closed(flag);
        let mut buf = [0; 8];
        server_side.read(&mut buf).await
    });
    asyncio::sleep(Duration::from_millis(20)).await; // it waits in its read
    assert!(connection.cancel());
    assert!(connection.await.unwrap_err().is_cancelled());
    assert!(closed.load(Ordering::SeqCst));
    let mut buf = [0; 8];
    assert_eq!(
        client.read(&mut buf).await.unwrap(),
        0,
        "the end of the stream"
    );
}

#[asyncio::async_test]
async fn a_read_that_times_out_takes_nothing_from_the_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (mut server_side, _) = listener.accept().await.unwrap();
    let mut buf = [0; 5];
    let waited = asyncio::wait_for(server_side.read(&mut buf), Duration::from_millis(30)).await;
    assert!(waited.is_err());
    client.write_all(b"later").await.unwrap();
    server_side.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"later");
}
