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
//! cargo bench --bench compare -- [--large] [--rounds R] [--json PATH] [--only WORK]
//! cargo bench --bench compare -- --mem SYSTEM FLAVOR PARK N     (one memory probe; internal)
//! cargo bench --bench compare -- --profile SYSTEM FLAVOR WORK N (one pass; for callgrind)
//! ```
//!
//! "ours" is whichever backend the bench was built with: async-std by default, smol with
//! `cargo bench --bench compare --no-default-features --features smol` (the baselines, raw
//! async-std and tokio, are dev-dependencies and the same in both builds); the JSON names it
//! (`"backend"`), and `scripts/bench.sh` runs both builds.
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
        "{{\"backend\": \"{}\", \"timing\": [\n{}\n], \"memory\": [\n{}\n], \"handle_bytes\": {handle_sizes}}}\n",
        asyncio::backend_name(),
        timing.join(",\n"),
        mem.join(",\n")
    );
    match json_path {
        Some(path) => std::fs::write(&path, json).expect("writing the JSON results"),
        None => print!("{json}"),
    }
}
