//! A TCP echo server with a graceful shutdown, and its clients, in one program (loopback only).
//!
//! - The server listens on `127.0.0.1`, port 0 (the OS picks a free one), and spawns one task
//!   per connection, named after it (`conn-7 127.0.0.1:50412`).
//! - 50 clients run at once: each sends 10 lines, checks every echo, then closes its side and
//!   waits until the server has closed the connection.
//! - 5 more clients connect, say hello and stay idle.
//! - Shutdown is one `cancel_with("shutdown")` of the server task. The accept loop catches it,
//!   cancels every open connection and waits for them; each connection task is cancelled in its
//!   pending read, catches that (`catch_cancel`), says goodbye to its client, and then its
//!   `Drop` guard records "connection N closed" and closes the socket. The idle clients read the
//!   goodbye, then the end of the stream.
//!
//! The network types are `asyncio::net`'s and the reading and writing `asyncio::io`'s: the
//! backend's own sockets, so the program builds and runs unchanged on both backends (the
//! default one, and `--no-default-features --features smol`), with no other dependency.
//!
//! The output is deterministic: the clients report counts, the server's log is printed from
//! `main`, sorted, after everything stopped.
//!
//! Run it with `cargo run --example echo_server`.
use std::io;
use std::sync::{Arc, Mutex};
use asyncio::io::prelude::*;
use asyncio::io::BufReader;
use asyncio::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use asyncio::Task;
const CLIENTS: usize = 50;
const IDLE_CLIENTS: usize = 5;
const LINES_PER_CLIENT: usize = 10;
/// What the server did, for `main` to print at the end.
#[derive(Default)]
struct ServerLog {
    /// How many lines the server echoed.
    echoed: usize,
    /// The connections that ended because their client closed, by number.
    closed_by_client: Vec<usize>,
    /// The connections that ended because the server shut down, by number.
    closed_by_shutdown: Vec<usize>,
}
type Log = Arc<Mutex<ServerLog>>;
/// One connection: owns the socket, and records how it ended when dropped, whether the task
/// returned or was cancelled. Its fields are dropped after `drop` runs, so the socket closes
/// after the record is written (a client that reads the end of the stream finds it written).
struct Connection {
    number: usize,
    stream: TcpStream,
    shutting_down: bool,
    log: Log,
}
impl Drop for Connection {
    fn drop(&mut self) {
        let mut log = self.log.lock().unwrap();
        if self.shutting_down {
            log.closed_by_shutdown.push(self.number);
        } else {
            log.closed_by_client.push(self.number);
        }
    }
}
/// Echoes lines until the client closes its side.
async fn echo(stream: &TcpStream, log: &Log) -> io::Result<()> {
    let mut reader = BufReader::new(stream.clone());
    let mut writer = stream.clone();
    let mut line = String::new();
    while reader.read_line(&mut line).await? > 0 {
        writer.write_all(line.as_bytes()).await?;
        line.clear();
        log.lock().unwrap().echoed += 1;
    }
    Ok(())
}
/// The task of one connection.
async fn serve_connection(mut connection: Connection) -> io::Result<()> {
    match asyncio::catch_cancel(echo(&connection.stream, &connection.log)).await {
        Ok(result) => result,
        Err(_shutdown) => {
            connection.shutting_down = true;
            connection.stream.write_all(b"server shutting down\n").await
        }
    }
}
/// The accept loop: one task per connection. Cancelling this task shuts the server down: it
/// cancels every open connection and returns once they all have stopped.
async fn serve(listener: TcpListener, log: Log) -> io::Result<()> {
    let mut connections: Vec<Task<io::Result<()>>> = Vec::new();
    let mut accepted = 0;
    let accept_loop = async {
        loop {
            let (stream, peer) = listener.accept().await?;
            accepted += 1;
            connections.retain(|task| !task.done());
            let connection = Connection {
                number: accepted,
                stream,
                shutting_down: false,
                log: log.clone(),
            };
            let name = format!("conn-{accepted} {peer}");
            connections
                .push(
                    ::asyncio::spawn_named(
                        serve_connection(connection),
                        ::asyncio::__private::task_name(name),
                    ),
                );
        }
    };
    match asyncio::catch_cancel(accept_loop).await {
        Ok(result) => result,
        Err(shutdown) => {
            for connection in &connections {
                connection.cancel_with("shutdown");
            }
            asyncio::wait(connections).await;
            shutdown.reraise().await
        }
    }
}
/// A busy client: sends its lines, checks every echo, closes its side, and waits for the
/// server to close the connection. Returns how many lines came back unchanged.
async fn client(address: SocketAddr, id: usize) -> io::Result<usize> {
    let stream = TcpStream::connect(address).await?;
    let mut reader = BufReader::new(stream.clone());
    let mut writer = stream.clone();
    let mut echo = String::new();
    let mut matched = 0;
    for i in 0..LINES_PER_CLIENT {
        let sent = format!("client {id} says line {i}\n");
        writer.write_all(sent.as_bytes()).await?;
        echo.clear();
        reader.read_line(&mut echo).await?;
        if echo == sent {
            matched += 1;
        }
    }
    stream.shutdown(Shutdown::Write)?;
    echo.clear();
    assert_eq!(reader.read_line(& mut echo). await ?, 0, "the server closes after us");
    Ok(matched)
}
/// An idle client, once connected and greeted: reads what the server sends until it closes.
async fn idle_client(stream: TcpStream) -> io::Result<Vec<String>> {
    let mut reader = BufReader::new(stream);
    let mut heard = Vec::new();
    let mut line = String::new();
    while reader.read_line(&mut line).await? > 0 {
        heard.push(line.trim_end_matches('\n').to_owned());
        line.clear();
    }
    Ok(heard)
}
/// Connects, says hello, and waits for the echo, so the server has accepted it on return.
async fn connect_and_greet(address: SocketAddr) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect(address).await?;
    stream.write_all(b"hello\n").await?;
    let mut echo = String::new();
    BufReader::new(stream.clone()).read_line(&mut echo).await?;
    assert_eq!(echo, "hello\n");
    Ok(stream)
}
fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), Box<dyn std::error::Error>> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let log = Log::default();
        let server = ::asyncio::spawn_named(
            serve(listener, log.clone()),
            ::asyncio::__private::task_name("server"),
        );
        let results = asyncio::gather_all((1..=CLIENTS).map(|id| client(address, id)))
            .await?;
        let matched = results.into_iter().collect::<io::Result<Vec<_>>>()?;
        println!(
            "{CLIENTS} clients sent {} lines, {} came back unchanged", CLIENTS *
            LINES_PER_CLIENT, matched.iter().sum:: < usize > ()
        );
        let mut idle = Vec::new();
        for _ in 0..IDLE_CLIENTS {
            let stream = connect_and_greet(address).await?;
            idle.push(::asyncio::spawn(idle_client(stream)));
        }
        server.cancel_with("shutdown");
        let outcome = server.await;
        println!("server: {}", outcome.unwrap_err());
        for (i, heard) in asyncio::gather_all(idle).await?.into_iter().enumerate() {
            println!("idle client {}: heard {:?}, then the end", i + 1, heard ?);
        }
        let mut log = log.lock().unwrap();
        log.closed_by_client.sort_unstable();
        log.closed_by_shutdown.sort_unstable();
        println!(
            "server: echoed {} lines (the hellos too); {} connections closed by their client \
         (numbers {}..={})",
            log.echoed, log.closed_by_client.len(), log.closed_by_client.first()
            .unwrap_or(& 0), log.closed_by_client.last().unwrap_or(& 0),
        );
        for number in &log.closed_by_shutdown {
            println!("connection {number} closed by the shutdown");
        }
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
