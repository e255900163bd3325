//! Each runtime's set of live tasks, behind `all_tasks()` and shutdown.
//!
//! Sharded on a multi-thread runtime, where a single lock was contended by every spawn. Each task is inserted into the shard picked by its id and
//! remembers its slab key, so removal is O(1) and two threads rarely meet on the same lock.
//!
//! A current-thread runtime has one shard: its tasks are inserted and removed by one thread, so
//! there is no contention to spread, and one slab filled and emptied in order is one stream of
//! memory for the prefetcher instead of sixteen interleaved ones (the measurements behind both
//! choices: docs/performance.md).

use std::collections::HashSet;
use std::sync::{Arc, PoisonError};

use slab::Slab;

use crate::handle::any::AnyTask;
use crate::id::TaskId;
use crate::sync::{Mutex, MutexGuard};
use crate::task::erased::ErasedCore;

/// Shards of a multi-thread runtime's registry.
#[cfg(not(asyncio_loom))]
const SHARDS: usize = 16;
// Ids grow from one loom iteration to the next; one shard keeps the model deterministic.
#[cfg(asyncio_loom)]
const SHARDS: usize = 1;

/// Where a task sits in the registry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegistryKey {
    shard: u32,
    key: u32,
}

impl RegistryKey {
    /// The place within the shard; with the task's id, all there is to a key.
    pub(crate) fn slot(self) -> u32 {
        self.key
    }
}

/// Cache-line padding so that neighbouring shards do not share a line.
#[repr(align(128))]
struct Shard(Mutex<Slab<Arc<dyn ErasedCore>>>);

pub(crate) struct Registry {
    shards: Box<[Shard]>,
}

impl Registry {
    /// The registry of a runtime whose tasks run on one thread (`single_runner`) or several.
    pub(crate) fn new(single_runner: bool) -> Self {
        let shards = if single_runner { 1 } else { SHARDS };
        debug_assert!(shards.is_power_of_two());
        Registry {
            shards: (0..shards)
                .map(|_| Shard(Mutex::new(Slab::new())))
                .collect(),
        }
    }

    fn shard_of(&self, id: TaskId) -> usize {
        // The shard count is a power of two.
        (id.as_u64() as usize) & (self.shards.len() - 1)
    }

    /// The key of task `id` at `slot` of its shard.
    pub(crate) fn key_of(&self, id: TaskId, slot: u32) -> RegistryKey {
        RegistryKey {
            shard: self.shard_of(id) as u32,
            key: slot,
        }
    }

    fn shard(&self, index: usize) -> MutexGuard<'_, Slab<Arc<dyn ErasedCore>>> {
        self.shards[index]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a task that exists already (the main task).
    pub(crate) fn insert<C: ErasedCore + 'static>(&self, task: Arc<C>) -> RegistryKey {
        self.insert_with(task.header().id(), |_| task).0
    }

    /// Registers the task with id `id` that `make` builds, knowing where it will sit.
    pub(crate) fn insert_with<C: ErasedCore + 'static>(
        &self,
        id: TaskId,
        make: impl FnOnce(RegistryKey) -> Arc<C>,
    ) -> (RegistryKey, Arc<C>) {
        let index = self.shard_of(id);
        let mut shard = self.shard(index);
        let entry = shard.vacant_entry();
        let key = RegistryKey {
            shard: index as u32,
            key: u32::try_from(entry.key()).expect("registry shard overflow"),
        };
        let task = make(key);
        let _ = entry.insert(task.clone());
        (key, task)
    }

    pub(crate) fn remove(&self, at: RegistryKey) {
        let removed = {
            let mut shard = self.shard(at.shard as usize);
            shard.try_remove(at.key as usize)
        };
        // Dropped outside the lock: it may be the last reference to the task.
        drop(removed);
    }

    /// Runs `f` on every task that is not done.
    fn for_each_live(&self, mut f: impl FnMut(&Arc<dyn ErasedCore>)) {
        for index in 0..self.shards.len() {
            for (_, task) in self.shard(index).iter() {
                if !task.header().is_done() {
                    f(task);
                }
            }
        }
    }

    /// Runtime teardown: ends every task still running as cancelled (dropping its future), so
    /// no awaiter waits forever and no task outlives its runtime.
    pub(crate) fn abort_all(&self) {
        loop {
            let mut live = Vec::new();
            self.for_each_live(|task| live.push(task.clone()));
            // Aborting can start new tasks (destructors may spawn); loop until a pass ends none.
            let ended = live.iter().filter(|task| task.abort()).count();
            if ended == 0 {
                return;
            }
        }
    }

    fn len_upper_bound(&self) -> usize {
        (0..self.shards.len())
            .map(|index| self.shard(index).len())
            .sum()
    }

    /// The tasks that are not done, oldest first (shutdown cancels them in creation order, so
    /// that a single-threaded run is deterministic).
    pub(crate) fn live(&self) -> Vec<Arc<dyn ErasedCore>> {
        let mut all = Vec::with_capacity(self.len_upper_bound());
        self.for_each_live(|task| all.push(task.clone()));
        all.sort_unstable_by_key(|task| task.header().id());
        all
    }

    /// The tasks that are not done, as `all_tasks()` returns them.
    pub(crate) fn live_set(&self) -> HashSet<AnyTask> {
        let mut all = HashSet::with_capacity(self.len_upper_bound());
        self.for_each_live(|task| {
            all.insert(AnyTask::from_core(task.clone()));
        });
        all
    }
}

#[cfg(all(test, asyncio_loom))]
mod loom_models {
    use std::sync::Arc;

    use loom::thread;

    use super::Registry;
    use crate::task::core::Core;

    fn task() -> Arc<Core<()>> {
        Arc::new(Core::new(None))
    }

    /// Two tasks start and end on two threads while the main thread registers a task and takes
    /// an `all_tasks()` snapshot: the live task is always listed, and every entry is removed in
    /// the end.
    #[test]
    fn loom_registry_entries_are_always_removed_and_snapshots_hold_only_live_tasks() {
        static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        loom::model(|| {
            RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let registry = Arc::new(Registry::new(false));
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let registry = registry.clone();
                    thread::spawn(move || {
                        let core = task();
                        let key = registry.insert(core.clone());
                        core.complete(Ok(()));
                        registry.remove(key);
                    })
                })
                .collect();
            let watched = task();
            let key = registry.insert(watched.clone());
            let snapshot = registry.live();
            assert!(
                snapshot
                    .iter()
                    .any(|t| t.header().id() == watched.header().id()),
                "a live task is listed"
            );
            // A snapshot: a worker's task may end right after it was taken (Python's all_tasks()
            // is a snapshot too), but it never holds more than the three tasks that exist.
            assert!(snapshot.len() <= 3);
            for worker in workers {
                worker.join().unwrap();
            }
            watched.complete(Ok(()));
            registry.remove(key);
            assert!(registry.live().is_empty());
            assert_eq!(registry.len_upper_bound(), 0, "every entry was removed");
        });
        let runs = RUNS.load(std::sync::atomic::Ordering::Relaxed);
        println!("loom: registry: {runs} interleavings explored");
    }
}
