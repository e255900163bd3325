//! Real I/O: a loopback TCP echo, ours against tokio and raw async-std, in the same run.
//!
//! The workload (issue #20): C connections, request/response, 64-byte messages, 200 per
//! connection; client and server in one process, on the runtime under test. The C connections are
//! made first, one after the other (so that no runtime pays for the listener's backlog); then C
//! client tasks each send their 200 messages one at a time, and check that every echo is the
//! message they sent (its connection, its number, and a pattern). The server is one task per
//! connection. Every configuration (system × flavor × C) runs in a child process of its own, so
//! that its peak RSS, CPU time and context switches (`getrusage(RUSAGE_SELF)`: every thread of
//! the process) are its own, and the open-file limit is raised there (2 sockets per connection).
//!
//! Reported per configuration: throughput (messages per second over the message phase), p50 and
//! p99 round trip (write of the request to the end of the read of its echo), peak RSS (VmHWM of
//! the child; the round-trip samples, 4 bytes per message, are part of it, the same for every
//! system), CPU time and context switches (voluntary + involuntary) per message over the message
//! phase, and the threads of the process at its end.
//!
//! ```text
//! cargo bench -p asyncio-benches --bench io -- [--rounds R] [--conns 100,1000,5000] [--json PATH]
//! cargo bench -p asyncio-benches --bench io -- --child SYSTEM FLAVOR C   (one configuration; internal)
//! ```
//!
//! Each round runs every configuration once, the systems in a rotating order; `scripts/bench.sh`
//! runs it (`--io` runs only this), and `scripts/bench_report.py --io` writes the table.

use std::future::Future;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const MESSAGES: usize = 200;
const SIZE: usize = 64;
/// Worker threads of every multi-thread runtime.
const WORKERS: usize = 2;
const SYSTEMS: [&str; 3] = ["ours", "tokio", "async-std"];
const FLAVORS: [&str; 2] = ["current_thread", "multi_thread"];

/// The flavor of this child, for raw async-std's spawn (`spawn_local` on the calling thread, or
/// its global pool).
static CURRENT_THREAD: AtomicBool = AtomicBool::new(true);

/// The message `seq` of connection `conn`: both numbers, then a pattern made of them.
fn message(conn: usize, seq: usize) -> [u8; SIZE] {
    let mut m = [0; SIZE];
    m[..8].copy_from_slice(&(conn as u64).to_le_bytes());
    m[8..16].copy_from_slice(&(seq as u64).to_le_bytes());
    for (i, byte) in m[16..].iter_mut().enumerate() {
        *byte = (conn as u8) ^ (seq as u8).wrapping_mul(31) ^ (i as u8);
    }
    m
}

/// What one client saw: its round trips (ns), and how many echoes were wrong or missing.
struct ClientResult {
    rtts: Vec<u32>,
    bad: usize,
}

/// One configuration's measurements, in the child.
struct Outcome {
    /// The message phase.
    elapsed: Duration,
    results: Vec<ClientResult>,
    usage: Usage,
    /// Threads of the process at the end of the message phase.
    threads: usize,
    /// [`switches_by_thread`] then.
    switches_by_thread: String,
}

/// Generates `run(current_thread, conns) -> Outcome` for one system.
macro_rules! echo_system {
    (
        $module:ident,
        uses: { $($uses:item)* },
        listener: $listener:ty,
        stream: $stream:ty,
        block_on: $block_on:path,
        spawn: $spawn:path,
        join: |$handle:ident| $join:expr
    ) => {
        mod $module {
            $($uses)*
            use super::*;

            async fn serve(listener: $listener, conns: usize) {
                for _ in 0..conns {
                    let (mut stream, _) = listener.accept().await.expect("accept");
                    stream.set_nodelay(true).expect("nodelay");
                    $spawn(async move {
                        let mut buf = [0; SIZE];
                        // Until the client closes (UnexpectedEof) or fails.
                        while stream.read_exact(&mut buf).await.is_ok() {
                            if stream.write_all(&buf).await.is_err() {
                                break;
                            }
                        }
                    });
                }
            }

            async fn client(mut stream: $stream, conn: usize) -> ClientResult {
                let mut rtts = Vec::with_capacity(MESSAGES);
                let mut bad = 0;
                let mut echo = [0; SIZE];
                for seq in 0..MESSAGES {
                    let sent = message(conn, seq);
                    let start = Instant::now();
                    if stream.write_all(&sent).await.is_err()
                        || stream.read_exact(&mut echo).await.is_err()
                    {
                        return ClientResult { rtts, bad: bad + MESSAGES - seq };
                    }
                    rtts.push(start.elapsed().as_nanos().min(u32::MAX as u128) as u32);
                    bad += usize::from(echo != sent);
                }
                ClientResult { rtts, bad }
            }

            pub(crate) fn run(current_thread: bool, conns: usize) -> Outcome {
                $block_on(current_thread, async move {
                    let listener = <$listener>::bind("127.0.0.1:0").await.expect("bind");
                    let address: SocketAddr = listener.local_addr().expect("local_addr");
                    let server = $spawn(serve(listener, conns));
                    let mut streams = Vec::with_capacity(conns);
                    for _ in 0..conns {
                        let stream = <$stream>::connect(address).await.expect("connect");
                        stream.set_nodelay(true).expect("nodelay");
                        streams.push(stream);
                    }
                    {
                        let $handle = server;
                        $join.await;
                    }
                    let before = Usage::now();
                    let start = Instant::now();
                    let clients: Vec<_> = streams
                        .into_iter()
                        .enumerate()
                        .map(|(conn, stream)| $spawn(client(stream, conn)))
                        .collect();
                    let mut results = Vec::with_capacity(conns);
                    for $handle in clients {
                        results.push($join.await);
                    }
                    let elapsed = start.elapsed();
                    let usage = Usage::now().minus(&before);
                    Outcome {
                        elapsed,
                        results,
                        usage,
                        threads: threads(),
                        switches_by_thread: switches_by_thread(),
                    }
                })
            }
        }
    };
}

fn ours_block_on<F: Future>(current_thread: bool, main: F) -> F::Output {
    let flavor = if current_thread {
        asyncio::Flavor::CurrentThread
    } else {
        asyncio::Flavor::MultiThread
    };
    let mut config = asyncio::RunConfig::new().flavor(flavor).signals(false);
    if !current_thread {
        config = config.worker_threads(WORKERS);
    }
    config.run(main)
}

fn tokio_block_on<F: Future>(current_thread: bool, main: F) -> F::Output {
    let mut builder = if current_thread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(WORKERS);
        builder
    };
    builder
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(main)
}

fn async_std_block_on<F: Future>(_current_thread: bool, main: F) -> F::Output {
    async_std::task::block_on(main)
}

fn async_std_spawn<F>(future: F) -> async_std::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if CURRENT_THREAD.load(Ordering::Relaxed) {
        async_std::task::spawn_local(future)
    } else {
        async_std::task::spawn(future)
    }
}

echo_system!(
    ours,
    uses: { use asyncio::io::prelude::*; },
    listener: asyncio::net::TcpListener,
    stream: asyncio::net::TcpStream,
    block_on: ours_block_on,
    spawn: asyncio::spawn,
    join: |handle| async move { handle.await.expect("task failed") }
);

echo_system!(
    with_tokio,
    uses: { use tokio::io::{AsyncReadExt, AsyncWriteExt}; },
    listener: tokio::net::TcpListener,
    stream: tokio::net::TcpStream,
    block_on: tokio_block_on,
    spawn: tokio::spawn,
    join: |handle| async move { handle.await.expect("task failed") }
);

echo_system!(
    with_async_std,
    uses: { use async_std::io::prelude::*; },
    listener: async_std::net::TcpListener,
    stream: async_std::net::TcpStream,
    block_on: async_std_block_on,
    spawn: async_std_spawn,
    join: |handle| handle
);

/// CPU time and context switches of the whole process (every thread).
struct Usage {
    cpu: Duration,
    switches: u64,
}

impl Usage {
    fn now() -> Usage {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is valid.
        let usage = unsafe {
            assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
            usage.assume_init()
        };
        let time = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
        };
        Usage {
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            switches: (usage.ru_nvcsw + usage.ru_nivcsw) as u64,
        }
    }

    fn minus(&self, before: &Usage) -> Usage {
        Usage {
            cpu: self.cpu.saturating_sub(before.cpu),
            switches: self.switches.saturating_sub(before.switches),
        }
    }
}

/// Raises the open-file limit to its hard maximum: two sockets per connection.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid resource and a struct to fill / read.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, Iterator::count)
}

/// Context switches of each live thread over its life, by name (`"async-io": 1234, ...`): where
/// the process's switches come from.
fn switches_by_thread() -> String {
    let mut by_name = std::collections::BTreeMap::<String, u64>::new();
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let status = std::fs::read_to_string(path.join("status")).unwrap_or_default();
        let switches: u64 = status
            .lines()
            .filter(|line| line.contains("ctxt_switches"))
            .filter_map(|line| line.split(':').nth(1)?.trim().parse::<u64>().ok())
            .sum();
        *by_name.entry(name.trim().to_owned()).or_default() += switches;
    }
    by_name
        .iter()
        .map(|(name, switches)| format!("\"{name}\": {switches}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// In the child: one configuration, one JSON line on stdout.
fn child(args: &[String]) -> ! {
    let [system, flavor, conns] = args else {
        panic!("--child SYSTEM FLAVOR C")
    };
    let conns: usize = conns.parse().expect("C");
    let current_thread = flavor == "current_thread";
    CURRENT_THREAD.store(current_thread, Ordering::Relaxed);
    raise_fd_limit();
    let Outcome {
        elapsed,
        results,
        usage,
        threads,
        switches_by_thread,
    } = match system.as_str() {
        "ours" => ours::run(current_thread, conns),
        "tokio" => with_tokio::run(current_thread, conns),
        "async-std" => with_async_std::run(current_thread, conns),
        other => panic!("unknown system {other}"),
    };
    let messages = conns * MESSAGES;
    let bad: usize = results.iter().map(|r| r.bad).sum();
    let mut rtts: Vec<u32> = results.into_iter().flat_map(|r| r.rtts).collect();
    rtts.sort_unstable();
    let percentile = |p: f64| {
        rtts.get(((rtts.len() as f64 * p) as usize).min(rtts.len().saturating_sub(1)))
            .map_or(0.0, |ns| f64::from(*ns) / 1000.0)
    };
    println!(
        "{{\"system\": \"{system}\", \"flavor\": \"{flavor}\", \"conns\": {conns}, \"messages\": {messages}, \
         \"bad\": {bad}, \"secs\": {:.4}, \"msgs_per_s\": {:.0}, \"p50_us\": {:.1}, \"p99_us\": {:.1}, \
         \"peak_rss_kib\": {}, \"cpu_us_per_msg\": {:.3}, \"switches_per_msg\": {:.4}, \"cpus\": {:.2}, \
         \"threads\": {}, \"switches_by_thread\": {{{}}}}}",
        elapsed.as_secs_f64(),
        messages as f64 / elapsed.as_secs_f64(),
        percentile(0.50),
        percentile(0.99),
        status_kib("VmHWM"),
        usage.cpu.as_secs_f64() * 1e6 / messages as f64,
        usage.switches as f64 / messages as f64,
        usage.cpu.as_secs_f64() / elapsed.as_secs_f64(),
        threads,
        switches_by_thread,
    );
    std::process::exit(0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    // async-std's global pool: 2 workers, like the other multi-thread runtimes.
    std::env::set_var("ASYNC_STD_THREAD_COUNT", WORKERS.to_string());
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
    }

    let mut rounds = 3;
    let mut conns = vec![100, 1_000, 5_000];
    let mut json_path = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rounds" => rounds = it.next().and_then(|r| r.parse().ok()).expect("--rounds R"),
            "--conns" => {
                conns = it
                    .next()
                    .expect("--conns C,C,...")
                    .split(',')
                    .map(|c| c.parse().expect("a number of connections"))
                    .collect();
            }
            "--json" => json_path = it.next().cloned(),
            other => panic!("unknown argument {other}"),
        }
    }

    let exe = std::env::current_exe().expect("current_exe");
    let mut rows = Vec::new();
    for round in 0..rounds {
        for &c in &conns {
            for flavor in FLAVORS {
                for i in 0..SYSTEMS.len() {
                    let system = SYSTEMS[(i + round) % SYSTEMS.len()];
                    let out = Command::new(&exe)
                        .args(["--child", system, flavor, &c.to_string()])
                        .output()
                        .expect("running a configuration");
                    assert!(
                        out.status.success(),
                        "{system} {flavor} C={c} failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    let line = String::from_utf8(out.stdout).expect("utf-8");
                    let line = line.trim().to_owned();
                    assert!(
                        line.contains("\"bad\": 0,"),
                        "lost or corrupted messages: {line}"
                    );
                    eprintln!("round {round}: {line}");
                    rows.push(line.replacen('{', &format!("{{\"round\": {round}, "), 1));
                }
            }
        }
    }
    let json = format!(
        "{{\"backend\": \"{}\", \"io\": [\n{}\n]}}\n",
        asyncio::backend_name(),
        rows.join(",\n")
    );
    match json_path {
        Some(path) => std::fs::write(&path, json).expect("writing the JSON results"),
        None => print!("{json}"),
    }
}
