//! How a runtime is set up: Python's event loop (`current_thread`) or a thread pool.

use super::unhandled::UnhandledPanic;

/// Which threads run the tasks of a runtime.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::{Flavor, RunConfig};
/// let answer = RunConfig::new().flavor(Flavor::MultiThread).worker_threads(2).run(async {
///     asyncio::spawn(async { 42 }).await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// Python's event loop: every task runs on the thread that called `run`, a spawned task
    /// starts only when its spawner reaches an `.await` that suspends, and tasks start in FIFO
    /// order. Runs are deterministic.
    #[default]
    CurrentThread,
    /// Tasks run on a pool of worker threads owned by this runtime (`main` itself stays on the
    /// calling thread). Every semantic holds except the start-order promises.
    MultiThread,
}

/// The configuration of one runtime, and the way to start it.
///
/// `#[async_main(flavor = "multi_thread", worker_threads = 4)]` expands to
/// `RunConfig::new().flavor(Flavor::MultiThread).worker_threads(4).run(...)`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// let config = asyncio::RunConfig::new();
/// assert_eq!(config.get_flavor(), asyncio::Flavor::CurrentThread);
/// assert_eq!(config.run(async { 1 + 1 }), 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RunConfig {
    flavor: Flavor,
    worker_threads: Option<usize>,
    blocking_threads: Option<usize>,
    /// `signals(false)` was asked (stored negated so that `Default` keeps signals on).
    no_signals: bool,
    unhandled_panic: UnhandledPanic,
}

impl RunConfig {
    /// The default configuration: [`Flavor::CurrentThread`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::RunConfig::new(), asyncio::RunConfig::default());
    /// ```
    pub const fn new() -> Self {
        RunConfig {
            flavor: Flavor::CurrentThread,
            worker_threads: None,
            blocking_threads: None,
            no_signals: false,
            unhandled_panic: UnhandledPanic::Ignore,
        }
    }

    /// Whether `run` handles Ctrl-C as Python's `asyncio.run` does (default: `true`): the first
    /// SIGINT cancels the main task with the message `"SIGINT"`, shutdown then cancels and
    /// awaits every other task, and if `main` ends cancelled by it the process exits with status
    /// 130 after the cleanups; a second SIGINT exits at once with 130. The handler is active only
    /// while a `run` on the process's main thread is; `#[async_test]` turns it off.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let config = asyncio::RunConfig::new().signals(false);
    /// assert!(!config.get_signals());
    /// assert_eq!(config.run(async { 7 }), 7);
    /// ```
    pub const fn signals(mut self, enabled: bool) -> Self {
        self.no_signals = !enabled;
        self
    }

    /// Whether Ctrl-C is handled; see [`signals`](Self::signals).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert!(asyncio::RunConfig::new().get_signals());
    /// ```
    pub const fn get_signals(&self) -> bool {
        !self.no_signals
    }

    /// What `run` does about a task that panicked when nobody retrieved its error (see
    /// [`UnhandledPanic`]); default [`UnhandledPanic::Ignore`], and `Fail` for
    /// `#[async_test]`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::UnhandledPanic;
    /// let config = asyncio::RunConfig::new().unhandled_panic(UnhandledPanic::Fail);
    /// assert_eq!(config.get_unhandled_panic(), UnhandledPanic::Fail);
    /// // A panic that is awaited is retrieved: the run is fine.
    /// let failed = config.run(async { asyncio::spawn(async { panic!("seen") }).await.is_err() });
    /// assert!(failed);
    /// ```
    pub const fn unhandled_panic(mut self, policy: UnhandledPanic) -> Self {
        self.unhandled_panic = policy;
        self
    }

    /// See [`unhandled_panic`](Self::unhandled_panic).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(
    ///     asyncio::RunConfig::new().get_unhandled_panic(),
    ///     asyncio::UnhandledPanic::Ignore
    /// );
    /// ```
    pub const fn get_unhandled_panic(&self) -> UnhandledPanic {
        self.unhandled_panic
    }

    /// Chooses the flavor.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let config = asyncio::RunConfig::new().flavor(asyncio::Flavor::MultiThread);
    /// assert_eq!(config.get_flavor(), asyncio::Flavor::MultiThread);
    /// ```
    pub const fn flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// Sets the number of worker threads of a [`Flavor::MultiThread`] runtime (default: the
    /// number of CPUs). Each runtime gets exactly this many workers of its own, whatever other
    /// runtimes exist in the process.
    ///
    /// # Panics
    /// When `run` starts, if `n == 0` or the flavor is not `MultiThread`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let config = asyncio::RunConfig::new().flavor(asyncio::Flavor::MultiThread).worker_threads(3);
    /// assert_eq!(config.get_worker_threads(), Some(3));
    /// ```
    pub const fn worker_threads(mut self, n: usize) -> Self {
        self.worker_threads = Some(n);
        self
    }

    /// Bounds the runtime's pool of blocking threads, where [`to_thread`](crate::to_thread)
    /// runs its functions: at most `n` run at once, further jobs wait in a queue. Default:
    /// Python's `min(32, CPUs + 4)`. Each runtime has a pool of its own, whatever other runtimes
    /// exist in the process.
    ///
    /// # Panics
    /// At once, if `n == 0`: no job could ever run (Python's `ThreadPoolExecutor` raises
    /// `ValueError` for `max_workers=0`).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let config = asyncio::RunConfig::new().blocking_threads(2);
    /// assert_eq!(config.get_blocking_threads(), Some(2));
    /// let answer = config.run(async { asyncio::to_thread(|| 6 * 7).await });
    /// assert_eq!(answer, Ok(42));
    /// ```
    pub const fn blocking_threads(mut self, n: usize) -> Self {
        assert!(
            n > 0,
            "blocking_threads must be at least 1: with no blocking thread, no to_thread job \
             could ever run"
        );
        self.blocking_threads = Some(n);
        self
    }

    /// The requested bound of the blocking pool, if one was set (see
    /// [`blocking_threads`](Self::blocking_threads) for the default).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::RunConfig::new().get_blocking_threads(), None);
    /// ```
    pub const fn get_blocking_threads(&self) -> Option<usize> {
        self.blocking_threads
    }

    /// The bound of the blocking pool: the one set, or Python's `min(32, CPUs + 4)`.
    pub(crate) fn blocking_limit(&self) -> usize {
        self.blocking_threads.unwrap_or_else(|| {
            let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
            (cpus + 4).min(32)
        })
    }

    /// The chosen flavor.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::RunConfig::new().get_flavor(), asyncio::Flavor::CurrentThread);
    /// ```
    pub const fn get_flavor(&self) -> Flavor {
        self.flavor
    }

    /// The requested worker count, if one was set.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::RunConfig::new().get_worker_threads(), None);
    /// ```
    pub const fn get_worker_threads(&self) -> Option<usize> {
        self.worker_threads
    }

    pub(crate) fn workers(&self) -> Option<usize> {
        match (self.flavor, self.worker_threads) {
            (Flavor::CurrentThread, None) => None,
            (Flavor::CurrentThread, Some(_)) => {
                panic!("worker_threads is only valid with Flavor::MultiThread (flavor = \"multi_thread\")")
            }
            (Flavor::MultiThread, Some(0)) => panic!("worker_threads must be at least 1"),
            (Flavor::MultiThread, Some(n)) => Some(n),
            (Flavor::MultiThread, None) => {
                Some(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
            }
        }
    }
}
