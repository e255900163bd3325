//! `asyncio` against raw async-std and tokio, in the same process and the same run.
//!
//! A plain `harness = false` binary rather than criterion (see `docs/performance.md`, "Method"):
//! what we report is a *ratio* between runtimes measured back to back in the same round, and
//! every sample is a whole workload of N tasks run inside a freshly started runtime. Criterion
//! times one closure at a time and would put minutes between the two sides of a ratio on a
//! machine shared with other builds, and it adds ~40 crates to the build.
//!
//! Usage (normally through `scripts/bench.sh`):
//!
//! ```text
//! cargo bench -p asyncio-benches --bench compare -- [--large] [--rounds R] [--json PATH] [--only WORK]
//! cargo bench -p asyncio-benches --bench compare -- --mem SYSTEM FLAVOR PARK N     (one memory probe; internal)
//! cargo bench -p asyncio-benches --bench compare -- --profile SYSTEM FLAVOR WORK N (one pass; for callgrind)
//! ```
//!
//! "ours" is whichever backend the bench was built with: async-std by default, smol with
//! `cargo bench -p asyncio-benches --bench compare --no-default-features --features smol` (the
//! baselines, raw async-std and tokio, are dev-dependencies of this package, `asyncio-benches`,
//! and the same in both builds); the JSON names it (`"backend"`), and `scripts/bench.sh` runs
//! both builds.
//!
//! The coordination primitives (Queue, Lock, Semaphore) are compared with `async-channel`,
//! `async-lock` and tokio's `sync` at N = 10,000 operations, in the same run (the JSON's
//! `"coordination"` rows; `--only coordination` runs just those).
//!
//! `--large` (or `BENCH_LARGE=1`) adds N = 1,000,000 to N = 10,000. Each round runs every
//! system once, in a rotating order, each inside a fresh runtime: one untimed warm-up pass, then
//! the best of 5 timed passes (N ≤ 100k; a single pass at 1M). The JSON holds every round;
//! `scripts/bench_report.py` takes medians of the per-round ratios.

use std::collections::{BTreeMap, HashSet};
use std::future::{Future, IntoFuture};
use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncio::{AnyTask, Flavor, RunConfig};

/// How long a parked task sleeps: for ever, as far as a benchmark is concerned.
const HOUR: Duration = Duration::from_secs(3600);
/// Worker threads of every multi-thread runtime.
const WORKERS: usize = 2;

/// Labelled times of one sample ("ours", "async-std", "tokio", "ours join_all", ...).
type Times = Vec<(String, Duration)>;

/// One runtime (in one flavor) under test.
trait System {
    /// The label in the results.
    const NAME: &'static str;
    /// Everything on the calling thread?
    const CURRENT_THREAD: bool;
    type Handle<T: Send + 'static>;

    /// Runs `main` on a fresh runtime of this system and flavor.
    fn block_on<F: Future>(main: F) -> F::Output;
    fn spawn<F>(future: F) -> Self::Handle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;
    fn join<T: Send + 'static>(handle: Self::Handle<T>) -> impl Future<Output = T>;
    fn yield_now() -> impl Future<Output = ()> + Send;
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send;
    /// Cancels every task and waits until all have stopped; returns how many ended cancelled.
    fn cancel_all<T: Send + 'static>(handles: Vec<Self::Handle<T>>) -> impl Future<Output = usize>;
    /// The dynamic gather of this system over freshly spawned futures.
    fn gather<F>(futures: impl Iterator<Item = F>) -> impl Future<Output = Vec<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;
    /// Waits for every task to end; returns how many ended.
    fn wait_all<T: Send + 'static>(handles: Vec<Self::Handle<T>>) -> impl Future<Output = usize>;
}

/// `asyncio`: `CT == true` is the default flavor (`asyncio::run`), else multi_thread with 2
/// workers.
struct Ours<const CT: bool>;

impl<const CT: bool> System for Ours<CT> {
    const NAME: &'static str = "ours";
    const CURRENT_THREAD: bool = CT;
    type Handle<T: Send + 'static> = asyncio::Task<T>;

    fn block_on<F: Future>(main: F) -> F::Output {
        if CT {
            asyncio::run(main)
        } else {
            RunConfig::new()
                .flavor(Flavor::MultiThread)
                .worker_threads(WORKERS)
                .run(main)
        }
    }
    fn spawn<F>(future: F) -> asyncio::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        asyncio::spawn(future)
    }
    async fn join<T: Send + 'static>(handle: asyncio::Task<T>) -> T {
        handle.await.expect("task failed")
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        asyncio::yield_now()
    }
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        asyncio::sleep(duration)
    }
    async fn cancel_all<T: Send + 'static>(handles: Vec<asyncio::Task<T>>) -> usize {
        for task in &handles {
            task.cancel();
        }
        let mut cancelled = 0;
        for task in handles {
            cancelled += usize::from(task.await.is_err_and(|e| e.is_cancelled()));
        }
        cancelled
    }
    async fn gather<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        asyncio::gather_all(futures).await.expect("gather failed")
    }
    async fn wait_all<T: Send + 'static>(handles: Vec<asyncio::Task<T>>) -> usize {
        let (done, pending) = asyncio::wait(&handles).await;
        assert!(pending.is_empty());
        done.len()
    }
}

/// Raw async-std: `CT == true` is `task::block_on` + `task::spawn_local` (everything on the
/// calling thread), else `task::spawn` on its global pool sized to 2 (`ASYNC_STD_THREAD_COUNT`).
struct AsyncStd<const CT: bool>;

impl<const CT: bool> System for AsyncStd<CT> {
    const NAME: &'static str = "async-std";
    const CURRENT_THREAD: bool = CT;
    type Handle<T: Send + 'static> = async_std::task::JoinHandle<T>;

    fn block_on<F: Future>(main: F) -> F::Output {
        async_std::task::block_on(main)
    }
    fn spawn<F>(future: F) -> async_std::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if CT {
            async_std::task::spawn_local(future)
        } else {
            async_std::task::spawn(future)
        }
    }
    fn join<T: Send + 'static>(handle: async_std::task::JoinHandle<T>) -> impl Future<Output = T> {
        handle
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        async_std::task::yield_now()
    }
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        async_std::task::sleep(duration)
    }
    async fn cancel_all<T: Send + 'static>(handles: Vec<async_std::task::JoinHandle<T>>) -> usize {
        let outcomes = futures::future::join_all(handles.into_iter().map(|h| h.cancel())).await;
        outcomes.iter().filter(|o| o.is_none()).count()
    }
    async fn gather<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        futures::future::join_all(futures.map(Self::spawn)).await
    }
    async fn wait_all<T: Send + 'static>(handles: Vec<async_std::task::JoinHandle<T>>) -> usize {
        futures::future::join_all(handles).await.len()
    }
}

/// Tokio: `CT == true` is a `current_thread` runtime, else `multi_thread` with 2 workers; both
/// with the timer enabled, `main` in `Runtime::block_on`.
struct Tokio<const CT: bool>;

impl<const CT: bool> System for Tokio<CT> {
    const NAME: &'static str = "tokio";
    const CURRENT_THREAD: bool = CT;
    type Handle<T: Send + 'static> = tokio::task::JoinHandle<T>;

    fn block_on<F: Future>(main: F) -> F::Output {
        let mut builder = if CT {
            tokio::runtime::Builder::new_current_thread()
        } else {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(WORKERS);
            b
        };
        builder
            .enable_time()
            .build()
            .expect("tokio runtime")
            .block_on(main)
    }
    fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(future)
    }
    async fn join<T: Send + 'static>(handle: tokio::task::JoinHandle<T>) -> T {
        handle.await.expect("task failed")
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }
    async fn cancel_all<T: Send + 'static>(handles: Vec<tokio::task::JoinHandle<T>>) -> usize {
        for handle in &handles {
            handle.abort();
        }
        let mut cancelled = 0;
        for handle in handles {
            cancelled += usize::from(handle.await.is_err_and(|e| e.is_cancelled()));
        }
        cancelled
    }
    async fn gather<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let joined = futures::future::join_all(futures.map(Self::spawn)).await;
        joined
            .into_iter()
            .map(|r| r.expect("task failed"))
            .collect()
    }
    async fn wait_all<T: Send + 'static>(handles: Vec<tokio::task::JoinHandle<T>>) -> usize {
        futures::future::join_all(handles).await.len()
    }
}

/// How a parked task waits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Park {
    /// In the system's own `sleep(1h)`: a timer registered per task.
    Sleep,
    /// In `std::future::pending()`: only the task itself.
    Pending,
}

impl Park {
    fn name(self) -> &'static str {
        match self {
            Park::Sleep => "sleep",
            Park::Pending => "pending",
        }
    }
}

/// Spawns `n` tasks that park (untimed helper), and returns once every one of them has been
/// polled and is waiting.
async fn spawn_parked<S: System>(n: usize, park: Park) -> Vec<S::Handle<()>> {
    let parked = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let parked = parked.clone();
            // Two distinct futures, so that the `pending` one is not as large as a timer.
            match park {
                Park::Sleep => S::spawn(async move {
                    parked.fetch_add(1, Ordering::Release);
                    S::sleep(HOUR).await;
                }),
                Park::Pending => S::spawn(async move {
                    parked.fetch_add(1, Ordering::Release);
                    std::future::pending::<()>().await;
                }),
            }
        })
        .collect();
    if S::CURRENT_THREAD {
        // Yield rather than sleep: no timer of our own, so that instruction counts do not
        // depend on how long the wait took. On one thread, a counted task has already parked.
        while parked.load(Ordering::Acquire) < n {
            S::yield_now().await;
        }
    } else {
        while parked.load(Ordering::Acquire) < n {
            S::sleep(Duration::from_millis(1)).await;
        }
        // The last counted tasks may be between the count and their first suspension.
        S::sleep(Duration::from_millis(2)).await;
    }
    handles
}

/// The workloads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Work {
    /// Spawn N trivial tasks, then await each handle in order.
    SpawnAwait,
    /// The same, each task yielding once first.
    SpawnYieldAwait,
    /// Dynamic gather of N freshly spawned trivial tasks (ours `gather_all`, theirs
    /// `join_all` over handles), plus `join_all` over our own handles.
    Gather,
    /// N tasks parked in `sleep(1h)`: cancel all, then await all (only this part is timed).
    Cancel,
    /// Spawn N trivial tasks and wait for all of them (ours `wait`, theirs `join_all`).
    Wait,
    /// `all_tasks()` with N parked tasks (ours only), against building the same snapshot
    /// by hand from the handles (`HashSet<AnyTask>`).
    AllTasks,
}

const WORKS: [Work; 6] = [
    Work::SpawnAwait,
    Work::SpawnYieldAwait,
    Work::Gather,
    Work::Cancel,
    Work::Wait,
    Work::AllTasks,
];

impl Work {
    fn name(self) -> &'static str {
        match self {
            Work::SpawnAwait => "spawn_await",
            Work::SpawnYieldAwait => "spawn_yield_await",
            Work::Gather => "gather",
            Work::Cancel => "cancel",
            Work::Wait => "wait",
            Work::AllTasks => "all_tasks",
        }
    }
}

/// One timed pass of `work` on system `S`, inside a running runtime. Returns labelled times.
async fn pass<S: System>(work: Work, n: usize) -> Times {
    let expected_sum = n * (n.saturating_sub(1)) / 2;
    let mut out = Vec::new();
    match work {
        Work::SpawnAwait | Work::SpawnYieldAwait => {
            let yielding = work == Work::SpawnYieldAwait;
            let start = Instant::now();
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    S::spawn(async move {
                        if yielding {
                            S::yield_now().await;
                        }
                        i
                    })
                })
                .collect();
            let mut sum = 0;
            for handle in handles {
                sum += S::join(handle).await;
            }
            out.push((S::NAME.to_owned(), start.elapsed()));
            assert_eq!(black_box(sum), expected_sum);
        }
        Work::Gather => {
            let start = Instant::now();
            let values = S::gather((0..n).map(|i| async move { i })).await;
            out.push((S::NAME.to_owned(), start.elapsed()));
            assert_eq!(black_box(values.iter().sum::<usize>()), expected_sum);
        }
        Work::Cancel => {
            let handles = spawn_parked::<S>(n, Park::Sleep).await;
            let start = Instant::now();
            let cancelled = S::cancel_all(handles).await;
            out.push((S::NAME.to_owned(), start.elapsed()));
            assert_eq!(cancelled, n);
        }
        Work::Wait => {
            let start = Instant::now();
            let handles: Vec<_> = (0..n).map(|i| S::spawn(async move { i })).collect();
            let ended = S::wait_all(handles).await;
            out.push((S::NAME.to_owned(), start.elapsed()));
            assert_eq!(ended, n);
        }
        Work::AllTasks => unreachable!("ours only"),
    }
    out
}

/// The workloads that only make sense for ours.
async fn ours_extra(work: Work, n: usize) -> Times {
    let expected_sum = n * (n.saturating_sub(1)) / 2;
    let mut out = Vec::new();
    match work {
        Work::Gather => {
            // The same gather spelled as `join_all` over our own handles: gather_all's own
            // overhead, with the cost of our spawn on both sides.
            let start = Instant::now();
            let tasks = (0..n).map(|i| asyncio::spawn(async move { i }).into_future());
            let values = futures::future::join_all(tasks).await;
            out.push(("ours join_all".to_owned(), start.elapsed()));
            assert_eq!(
                values.into_iter().map(Result::unwrap).sum::<usize>(),
                expected_sum
            );
        }
        Work::AllTasks => {
            let handles = spawn_parked::<Ours<true>>(n, Park::Sleep).await;
            let mut best_all = Duration::MAX;
            let mut best_floor = Duration::MAX;
            for _ in 0..3 {
                let start = Instant::now();
                let all = asyncio::all_tasks();
                assert_eq!(black_box(all.len()), n + 1);
                drop(all);
                best_all = best_all.min(start.elapsed());

                let start = Instant::now();
                let floor: HashSet<AnyTask> = handles.iter().map(AnyTask::from).collect();
                assert_eq!(black_box(floor.len()), n);
                drop(floor);
                best_floor = best_floor.min(start.elapsed());
            }
            out.push(("ours".to_owned(), best_all));
            out.push(("ours floor".to_owned(), best_floor));
            let cancelled = Ours::<true>::cancel_all(handles).await;
            assert_eq!(cancelled, n);
        }
        _ => {}
    }
    out
}

/// Timed passes per sample at N ≤ 100k; the fastest is kept (the least disturbed by the other
/// processes of a shared machine).
const PASSES: usize = 5;

/// Runs `work` on a fresh runtime of `S`: one warm-up pass and the best of [`PASSES`] timed
/// passes when N ≤ 100k, a single pass above.
fn sample<S: System>(work: Work, n: usize, with_extra: bool) -> Times {
    S::block_on(async {
        let small = n <= 100_000;
        let passes = if small { PASSES } else { 1 };
        let mut best = BTreeMap::<String, Duration>::new();
        let mut keep = |times: Vec<(String, Duration)>| {
            for (label, time) in times {
                let entry = best.entry(label).or_insert(Duration::MAX);
                *entry = (*entry).min(time);
            }
        };
        if work != Work::AllTasks {
            if small {
                let _ = pass::<S>(work, n).await;
            }
            for _ in 0..passes {
                keep(pass::<S>(work, n).await);
            }
        }
        if with_extra {
            if small {
                let _ = ours_extra(work, n).await;
            }
            for _ in 0..passes {
                keep(ours_extra(work, n).await);
            }
        }
        best.into_iter().collect()
    })
}

/// ns per task, by label, of one round.
type Round = BTreeMap<String, f64>;

/// Every round of one (N, flavor, workload): ns per task per label.
fn measure(work: Work, n: usize, current_thread: bool, rounds: usize) -> Vec<Round> {
    let runs: Vec<fn(Work, usize) -> Times> = if work == Work::AllTasks {
        vec![if current_thread {
            |w, n| sample::<Ours<true>>(w, n, true)
        } else {
            |w, n| sample::<Ours<false>>(w, n, true)
        }]
    } else if current_thread {
        vec![
            |w, n| sample::<Ours<true>>(w, n, true),
            |w, n| sample::<AsyncStd<true>>(w, n, false),
            |w, n| sample::<Tokio<true>>(w, n, false),
        ]
    } else {
        vec![
            |w, n| sample::<Ours<false>>(w, n, true),
            |w, n| sample::<AsyncStd<false>>(w, n, false),
            |w, n| sample::<Tokio<false>>(w, n, false),
        ]
    };
    (0..rounds)
        .map(|round| {
            let mut result = Round::new();
            for k in 0..runs.len() {
                // Rotate the order so that no system always runs first (or last).
                let run = runs[(k + round) % runs.len()];
                for (label, time) in run(work, n) {
                    result.insert(label, time.as_nanos() as f64 / n as f64);
                }
            }
            eprintln!(
                "  [ours on {}] {:>9} {:<14} {:<18} round {}: {}",
                asyncio::backend_name(),
                n,
                flavor_name(current_thread),
                work.name(),
                round + 1,
                result
                    .iter()
                    .map(|(k, v)| format!("{k} {v:.0}ns"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            result
        })
        .collect()
}

fn flavor_name(current_thread: bool) -> &'static str {
    if current_thread {
        "current_thread"
    } else {
        "multi_thread"
    }
}

// ---------------------------------------------------------------------------------------------
// Memory per parked task, one child process per measurement.

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// In the child: spawn `n` parked tasks and print the peak RSS growth per task, in bytes.
fn mem_probe<S: System>(n: usize, park: Park) -> ! {
    S::block_on(async move {
        // Warm the runtime up (lazy structures, timer driver, thread-locals) before the baseline.
        let handles = spawn_parked::<S>(64, park).await;
        let _ = S::cancel_all(handles).await;
        let before = status_kib("VmRSS");
        let handles = spawn_parked::<S>(n, park).await;
        let peak = status_kib("VmHWM").max(status_kib("VmRSS"));
        let per_task = (peak.saturating_sub(before) * 1024) as f64 / n as f64;
        println!("{per_task:.1}");
        black_box(handles);
        std::process::exit(0)
    })
}

fn mem_child(args: &[String]) -> ! {
    let [system, flavor, park, n] = args else {
        panic!("--mem SYSTEM FLAVOR PARK N")
    };
    let n: usize = n.parse().expect("N");
    let park = if park == "sleep" {
        Park::Sleep
    } else {
        Park::Pending
    };
    match (system.as_str(), flavor.as_str()) {
        ("ours", "current_thread") => mem_probe::<Ours<true>>(n, park),
        ("ours", "multi_thread") => mem_probe::<Ours<false>>(n, park),
        ("async-std", "current_thread") => mem_probe::<AsyncStd<true>>(n, park),
        ("async-std", "multi_thread") => mem_probe::<AsyncStd<false>>(n, park),
        ("tokio", "current_thread") => mem_probe::<Tokio<true>>(n, park),
        ("tokio", "multi_thread") => mem_probe::<Tokio<false>>(n, park),
        other => panic!("unknown system/flavor {other:?}"),
    }
}

/// Memory of every system, each probe in its own process; `rounds` probes each.
fn measure_memory(n: usize, rounds: usize) -> Vec<String> {
    let exe = std::env::current_exe().expect("current_exe");
    let mut json = Vec::new();
    for flavor in ["current_thread", "multi_thread"] {
        for park in [Park::Sleep, Park::Pending] {
            let mut rows = Vec::new();
            for system in ["ours", "async-std", "tokio"] {
                let samples: Vec<f64> = (0..rounds)
                    .map(|_| {
                        let out = Command::new(&exe)
                            .args(["--mem", system, flavor, park.name(), &n.to_string()])
                            .output()
                            .expect("memory probe");
                        assert!(
                            out.status.success(),
                            "memory probe failed: {}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                        String::from_utf8_lossy(&out.stdout)
                            .trim()
                            .parse()
                            .expect("probe output")
                    })
                    .collect();
                eprintln!(
                    "  memory {n} {flavor} {} {system}: {samples:?} B/task",
                    park.name()
                );
                rows.push(format!("\"{system}\": {}", json_list(&samples)));
            }
            json.push(format!(
                "{{\"n\": {n}, \"flavor\": \"{flavor}\", \"park\": \"{}\", \"bytes_per_task\": {{{}}}}}",
                park.name(),
                rows.join(", ")
            ));
        }
    }
    json
}

/// `--profile SYSTEM FLAVOR WORK N`: one pass of one workload and nothing else, then exit at
/// once (no runtime teardown), for `valgrind --tool=callgrind` (`scripts/bench_callgrind.py`).
/// Besides the workloads, `park` only spawns N tasks parked in `sleep(1h)`; `cancel` does that
/// too, then its own part, so subtracting `park` isolates it. `park_pending` / `cancel_pending`
/// are the same with tasks parked in `pending()` (no timer); `all_tasks` (ours only) parks that
/// way too, then calls `all_tasks()` once.
fn profile_child(args: &[String]) -> ! {
    let [system, flavor, work, n] = args else {
        panic!("--profile SYSTEM FLAVOR WORK N")
    };
    let n: usize = n.parse().expect("N");
    match (system.as_str(), flavor.as_str()) {
        ("ours", "current_thread") => Ours::<true>::block_on(profile_pass::<Ours<true>>(work, n)),
        ("ours", "multi_thread") => Ours::<false>::block_on(profile_pass::<Ours<false>>(work, n)),
        ("async-std", "current_thread") => {
            AsyncStd::<true>::block_on(profile_pass::<AsyncStd<true>>(work, n))
        }
        ("async-std", "multi_thread") => {
            AsyncStd::<false>::block_on(profile_pass::<AsyncStd<false>>(work, n))
        }
        ("tokio", "current_thread") => {
            Tokio::<true>::block_on(profile_pass::<Tokio<true>>(work, n))
        }
        ("tokio", "multi_thread") => {
            Tokio::<false>::block_on(profile_pass::<Tokio<false>>(work, n))
        }
        other => panic!("unknown system/flavor {other:?}"),
    }
}

async fn profile_pass<S: System>(work: &str, n: usize) -> ! {
    match work {
        "park" => {
            black_box(spawn_parked::<S>(n, Park::Sleep).await);
        }
        "cancel" => {
            let handles = spawn_parked::<S>(n, Park::Sleep).await;
            assert_eq!(S::cancel_all(handles).await, n);
        }
        "park_pending" => {
            black_box(spawn_parked::<S>(n, Park::Pending).await);
        }
        "cancel_pending" => {
            let handles = spawn_parked::<S>(n, Park::Pending).await;
            assert_eq!(S::cancel_all(handles).await, n);
        }
        "all_tasks" => {
            let handles = spawn_parked::<S>(n, Park::Pending).await;
            assert_eq!(
                black_box(asyncio::all_tasks()).len(),
                n + 1,
                "all_tasks is ours only"
            );
            black_box(handles);
        }
        other => {
            let work = WORKS
                .into_iter()
                .find(|w| w.name() == other)
                .expect("unknown workload");
            black_box(pass::<S>(work, n).await);
        }
    }
    profile_end();
    std::process::exit(0)
}

/// Where a profiled pass ends: `scripts/bench_callgrind.py` dumps the counts when this is
/// entered (`--dump-before`), so that nothing after it (exit, thread-local destructors that drop
/// tasks still parked) is counted.
#[inline(never)]
fn profile_end() {
    black_box(());
}

// ---------------------------------------------------------------------------------------------
// Coordination primitives (issue 14): ours against the smol family (async-channel, async-lock)
// and tokio's `sync`, each primitive driven by the same tasks on the same runtime (ours, in the
// flavor of the row), so that the ratio is that of the primitives alone. N is the number of
// operations (items through the queue, lock or permit acquisitions). Our guards are owned
// (`'static`), so the baselines use their owned forms too: async-lock's `lock_arc` /
// `acquire_arc`, tokio's `lock_owned` / `acquire_owned`.

/// The capacity of the bounded queues.
const QUEUE_CAPACITY: usize = 128;
/// Tasks on each side of a contended run.
const CONTENDERS: usize = 4;

/// The coordination workloads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Coord {
    /// One producer, one consumer, through a bounded queue of 128.
    Queue1x1,
    /// Four producers, one consumer (tokio's `mpsc` has one receiver).
    Queue4x1,
    /// Four producers, four consumers (not tokio: `mpsc` has one receiver).
    Queue4x4,
    /// One task locks and unlocks N times.
    LockUncontended,
    /// Four tasks lock, yield while holding it, unlock: every acquisition waits.
    LockContended,
    /// One task takes and gives back a permit N times.
    SemaphoreUncontended,
    /// Four tasks share two permits, yielding while holding one.
    SemaphoreContended,
}

const COORDS: [Coord; 7] = [
    Coord::Queue1x1,
    Coord::Queue4x1,
    Coord::Queue4x4,
    Coord::LockUncontended,
    Coord::LockContended,
    Coord::SemaphoreUncontended,
    Coord::SemaphoreContended,
];

impl Coord {
    fn name(self) -> &'static str {
        match self {
            Coord::Queue1x1 => "queue_1x1",
            Coord::Queue4x1 => "queue_4x1",
            Coord::Queue4x4 => "queue_4x4",
            Coord::LockUncontended => "lock_uncontended",
            Coord::LockContended => "lock_contended",
            Coord::SemaphoreUncontended => "semaphore_uncontended",
            Coord::SemaphoreContended => "semaphore_contended",
        }
    }

    /// Ours first, then the smol-family crate, then tokio's (where it applies).
    fn labels(self) -> &'static [&'static str] {
        match self {
            Coord::Queue1x1 | Coord::Queue4x1 => &["ours", "async-channel", "tokio"],
            Coord::Queue4x4 => &["ours", "async-channel"],
            Coord::LockUncontended | Coord::LockContended => &["ours", "async-lock", "tokio"],
            Coord::SemaphoreUncontended | Coord::SemaphoreContended => {
                &["ours", "async-lock", "tokio"]
            }
        }
    }
}

/// Sums what the consumer tasks received; checks that it is every item.
async fn collect_sums(consumers: Vec<asyncio::Task<usize>>, expected: usize) {
    let mut sum = 0;
    for consumer in consumers {
        sum += consumer.await.expect("consumer");
    }
    assert_eq!(black_box(sum), expected);
}

/// One timed run of a queue workload with `label`'s queue.
async fn queue_run(label: &str, producers: usize, consumers: usize, n: usize) -> Duration {
    let per = n / producers;
    let expected = producers * (per * per.saturating_sub(1) / 2);
    let start = Instant::now();
    match label {
        "ours" => {
            let queue = asyncio::Queue::new(QUEUE_CAPACITY);
            let senders: Vec<_> = (0..producers)
                .map(|_| {
                    let queue = queue.clone();
                    asyncio::spawn(async move {
                        for i in 0..per {
                            queue.put(i).await.expect("open");
                        }
                    })
                })
                .collect();
            let receivers: Vec<_> = (0..consumers)
                .map(|_| {
                    let queue = queue.clone();
                    asyncio::spawn(async move {
                        let mut sum = 0;
                        while let Ok(i) = queue.get().await {
                            sum += i;
                        }
                        sum
                    })
                })
                .collect();
            for sender in senders {
                sender.await.expect("producer");
            }
            queue.shutdown(false); // the consumers drain, then stop
            collect_sums(receivers, expected).await;
        }
        "async-channel" => {
            let (tx, rx) = async_channel::bounded(QUEUE_CAPACITY);
            let senders: Vec<_> = (0..producers)
                .map(|_| {
                    let tx = tx.clone();
                    asyncio::spawn(async move {
                        for i in 0..per {
                            tx.send(i).await.expect("open");
                        }
                    })
                })
                .collect();
            drop(tx);
            let receivers: Vec<_> = (0..consumers)
                .map(|_| {
                    let rx = rx.clone();
                    asyncio::spawn(async move {
                        let mut sum = 0;
                        while let Ok(i) = rx.recv().await {
                            sum += i;
                        }
                        sum
                    })
                })
                .collect();
            for sender in senders {
                sender.await.expect("producer");
            }
            collect_sums(receivers, expected).await;
        }
        "tokio" => {
            assert_eq!(consumers, 1, "tokio's mpsc has one receiver");
            let (tx, mut rx) = tokio::sync::mpsc::channel(QUEUE_CAPACITY);
            let senders: Vec<_> = (0..producers)
                .map(|_| {
                    let tx = tx.clone();
                    asyncio::spawn(async move {
                        for i in 0..per {
                            tx.send(i).await.expect("open");
                        }
                    })
                })
                .collect();
            drop(tx);
            let receiver = asyncio::spawn(async move {
                let mut sum = 0;
                while let Some(i) = rx.recv().await {
                    sum += i;
                }
                sum
            });
            for sender in senders {
                sender.await.expect("producer");
            }
            collect_sums(vec![receiver], expected).await;
        }
        other => unreachable!("{other}"),
    }
    start.elapsed()
}

/// Runs `body(i)` for i in 0..n on `tasks` tasks (n / tasks each), and waits for them all.
async fn on_tasks<F, Fut>(tasks: usize, n: usize, body: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let handles: Vec<_> = (0..tasks).map(|_| asyncio::spawn(body())).collect();
    for handle in handles {
        handle.await.expect("contender");
    }
    black_box(n);
}

/// One timed run of a lock workload.
async fn lock_run(label: &str, contended: bool, n: usize) -> Duration {
    let tasks = if contended { CONTENDERS } else { 1 };
    let per = n / tasks;
    let start = Instant::now();
    let total = match label {
        "ours" => {
            let lock = asyncio::Lock::new(0usize);
            on_tasks(tasks, n, || {
                let lock = lock.clone();
                async move {
                    for _ in 0..per {
                        let mut guard = lock.acquire().await;
                        *guard += 1;
                        if contended {
                            asyncio::yield_now().await;
                        }
                    }
                }
            })
            .await;
            let total = *lock.acquire().await;
            total
        }
        "async-lock" => {
            let lock = Arc::new(async_lock::Mutex::new(0usize));
            on_tasks(tasks, n, || {
                let lock = lock.clone();
                async move {
                    for _ in 0..per {
                        let mut guard = lock.lock_arc().await;
                        *guard += 1;
                        if contended {
                            asyncio::yield_now().await;
                        }
                    }
                }
            })
            .await;
            let total = *lock.lock().await;
            total
        }
        "tokio" => {
            let lock = Arc::new(tokio::sync::Mutex::new(0usize));
            on_tasks(tasks, n, || {
                let lock = lock.clone();
                async move {
                    for _ in 0..per {
                        let mut guard = lock.clone().lock_owned().await;
                        *guard += 1;
                        if contended {
                            asyncio::yield_now().await;
                        }
                    }
                }
            })
            .await;
            let total = *lock.lock().await;
            total
        }
        other => unreachable!("{other}"),
    };
    let elapsed = start.elapsed();
    assert_eq!(black_box(total), per * tasks);
    elapsed
}

/// One timed run of a semaphore workload.
async fn semaphore_run(label: &str, contended: bool, n: usize) -> Duration {
    let (tasks, permits) = if contended { (CONTENDERS, 2) } else { (1, 1) };
    let per = n / tasks;
    let start = Instant::now();
    match label {
        "ours" => {
            let sem = asyncio::Semaphore::new(permits);
            on_tasks(tasks, n, || {
                let sem = sem.clone();
                async move {
                    for _ in 0..per {
                        let _permit = sem.acquire().await;
                        if contended {
                            asyncio::yield_now().await;
                        }
                    }
                }
            })
            .await;
        }
        "async-lock" => {
            let sem = Arc::new(async_lock::Semaphore::new(permits));
            on_tasks(tasks, n, || {
                let sem = sem.clone();
                async move {
                    for _ in 0..per {
                        let _permit = sem.acquire_arc().await;
                        if contended {
                            asyncio::yield_now().await;
                        }
                    }
                }
            })
            .await;
        }
        "tokio" => {
            let sem = Arc::new(tokio::sync::Semaphore::new(permits));
            on_tasks(tasks, n, || {
                let sem = sem.clone();
                async move {
                    for _ in 0..per {
                        let _permit = sem.clone().acquire_owned().await.expect("open");
                        if contended {
                            asyncio::yield_now().await;
                        }
                    }
                }
            })
            .await;
        }
        other => unreachable!("{other}"),
    }
    start.elapsed()
}

async fn coord_pass(work: Coord, label: &str, n: usize) -> Duration {
    match work {
        Coord::Queue1x1 => queue_run(label, 1, 1, n).await,
        Coord::Queue4x1 => queue_run(label, CONTENDERS, 1, n).await,
        Coord::Queue4x4 => queue_run(label, CONTENDERS, CONTENDERS, n).await,
        Coord::LockUncontended => lock_run(label, false, n).await,
        Coord::LockContended => lock_run(label, true, n).await,
        Coord::SemaphoreUncontended => semaphore_run(label, false, n).await,
        Coord::SemaphoreContended => semaphore_run(label, true, n).await,
    }
}

/// One sample: a fresh runtime of ours in the flavor; in it, for each label in a rotating
/// order, one warm-up pass and the best of [`PASSES`].
fn coord_sample<S: System>(work: Coord, n: usize, round: usize) -> Times {
    S::block_on(async {
        let labels = work.labels();
        let mut out = Vec::new();
        for k in 0..labels.len() {
            let label = labels[(k + round) % labels.len()];
            let _ = coord_pass(work, label, n).await;
            let mut best = Duration::MAX;
            for _ in 0..PASSES {
                best = best.min(coord_pass(work, label, n).await);
            }
            out.push((label.to_owned(), best));
        }
        out
    })
}

/// Every round of one coordination workload, as JSON, with the median ratios on stderr.
fn measure_coordination(work: Coord, n: usize, current_thread: bool, rounds: usize) -> String {
    let results: Vec<Round> = (0..rounds)
        .map(|round| {
            let times = if current_thread {
                coord_sample::<Ours<true>>(work, n, round)
            } else {
                coord_sample::<Ours<false>>(work, n, round)
            };
            times
                .into_iter()
                .map(|(label, time)| (label, time.as_nanos() as f64 / n as f64))
                .collect()
        })
        .collect();
    let ratios: Vec<String> = work.labels()[1..]
        .iter()
        .map(|other| {
            let mut r: Vec<f64> = results.iter().map(|x| x["ours"] / x[*other]).collect();
            r.sort_by(f64::total_cmp);
            format!("ours / {other} {:.2}x", r[r.len() / 2])
        })
        .collect();
    let ours_ns: Vec<f64> = results.iter().map(|x| x["ours"]).collect();
    eprintln!(
        "  [coordination] {:>9} {:<14} {:<22} ours {:.0} ns/op (median of {rounds}); {}",
        n,
        flavor_name(current_thread),
        work.name(),
        {
            let mut v = ours_ns.clone();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        },
        ratios.join(", ")
    );
    let rounds_json: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                "{{{}}}",
                r.iter()
                    .map(|(k, v)| format!("\"{k}\": {v:.3}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    format!(
        "{{\"n\": {n}, \"flavor\": \"{}\", \"work\": \"{}\", \"rounds\": [{}]}}",
        flavor_name(current_thread),
        work.name(),
        rounds_json.join(", ")
    )
}

fn json_list(values: &[f64]) -> String {
    format!(
        "[{}]",
        values
            .iter()
            .map(|v| format!("{v:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    // async-std's global pool is sized once, from this variable, on first use: 2 workers, like
    // the other multi-thread runtimes. Set before anything touches async-std.
    std::env::set_var("ASYNC_STD_THREAD_COUNT", WORKERS.to_string());

    if args.first().map(String::as_str) == Some("--mem") {
        mem_child(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("--profile") {
        profile_child(&args[1..]);
    }

    let mut large = std::env::var("BENCH_LARGE").is_ok_and(|v| v == "1");
    let mut rounds: usize = 11;
    let mut json_path = None;
    let mut only: Option<String> = None;
    let mut memory = true;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--large" => large = true,
            "--rounds" => rounds = it.next().and_then(|r| r.parse().ok()).expect("--rounds R"),
            "--json" => json_path = it.next().cloned(),
            "--only" => only = it.next().cloned(),
            "--no-memory" => memory = false,
            other => panic!("unknown argument {other}"),
        }
    }

    let mut sizes = vec![(10_000, rounds)];
    if large {
        sizes.push((1_000_000, rounds.div_ceil(3).clamp(1, 3)));
    }
    let mut timing = Vec::new();
    for &(n, rounds) in &sizes {
        for current_thread in [true, false] {
            for work in WORKS {
                if only.as_deref().is_some_and(|o| o != work.name()) {
                    continue;
                }
                let results = measure(work, n, current_thread, rounds);
                let rounds_json: Vec<String> = results
                    .iter()
                    .map(|r| {
                        format!(
                            "{{{}}}",
                            r.iter()
                                .map(|(k, v)| format!("\"{k}\": {v:.3}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect();
                timing.push(format!(
                    "{{\"n\": {n}, \"flavor\": \"{}\", \"work\": \"{}\", \"rounds\": [{}]}}",
                    flavor_name(current_thread),
                    work.name(),
                    rounds_json.join(", ")
                ));
            }
        }
    }

    // The coordination primitives: same run, their own rows (`--only coordination` runs only
    // these; `--only <work>` one of them).
    let mut coordination = Vec::new();
    for current_thread in [true, false] {
        for work in COORDS {
            if only
                .as_deref()
                .is_some_and(|o| o != work.name() && o != "coordination")
            {
                continue;
            }
            coordination.push(measure_coordination(work, 10_000, current_thread, rounds));
        }
    }

    let mut mem = Vec::new();
    if memory {
        mem.extend(measure_memory(100_000, 3));
        if large {
            mem.extend(measure_memory(1_000_000, 1));
        }
    }

    let handle_sizes = format!(
        "{{\"ours\": {}, \"async-std\": {}, \"tokio\": {}}}",
        std::mem::size_of::<asyncio::Task<()>>(),
        std::mem::size_of::<async_std::task::JoinHandle<()>>(),
        std::mem::size_of::<tokio::task::JoinHandle<()>>()
    );
    let json = format!(
        "{{\"backend\": \"{}\", \"timing\": [\n{}\n], \"memory\": [\n{}\n], \"handle_bytes\": {handle_sizes}, \"coordination\": [\n{}\n]}}\n",
        asyncio::backend_name(),
        timing.join(",\n"),
        mem.join(",\n"),
        coordination.join(",\n")
    );
    match json_path {
        Some(path) => std::fs::write(&path, json).expect("writing the JSON results"),
        None => print!("{json}"),
    }
}
