//! Each runtime's set of live tasks, behind `all_tasks()` and shutdown.
//!
//! Sharded: a single `Mutex<HashMap>` made spawn ~1.9x slower than raw async-std under two
//! threads. Each task is inserted into the shard picked by its id and remembers its slab key, so
//! removal is O(1) and two threads rarely meet on the same lock.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use slab::Slab;

use crate::any_task::AnyTask;
use crate::core::ErasedCore;

const SHARDS: usize = 16;

/// Where a task sits in the registry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegistryKey {
    shard: u32,
    key: u32,
}

/// Cache-line padding so that neighbouring shards do not share a line.
#[repr(align(128))]
struct Shard(Mutex<Slab<Arc<dyn ErasedCore>>>);

pub(crate) struct Registry {
    shards: Box<[Shard]>,
}

impl Registry {
    pub(crate) fn new() -> Self {
        Registry {
            shards: (0..SHARDS)
                .map(|_| Shard(Mutex::new(Slab::new())))
                .collect(),
        }
    }

    fn shard(&self, index: usize) -> MutexGuard<'_, Slab<Arc<dyn ErasedCore>>> {
        self.shards[index]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn insert(&self, task: Arc<dyn ErasedCore>) -> RegistryKey {
        let shard = (task.header().id().as_u64() as usize) % SHARDS;
        let key = self.shard(shard).insert(task);
        RegistryKey {
            shard: shard as u32,
            key: u32::try_from(key).expect("registry shard overflow"),
        }
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
        for index in 0..SHARDS {
            for (_, task) in self.shard(index).iter() {
                if !task.header().is_done() {
                    f(task);
                }
            }
        }
    }

    fn len_upper_bound(&self) -> usize {
        (0..SHARDS).map(|index| self.shard(index).len()).sum()
    }

    /// The tasks that are not done, oldest first (shutdown cancels them in creation order, so
    /// that a single-threaded run is deterministic).
    pub(crate) fn live(&self) -> Vec<AnyTask> {
        let mut all = Vec::with_capacity(self.len_upper_bound());
        self.for_each_live(|task| all.push(AnyTask::from_core(task.clone())));
        all.sort_unstable_by_key(AnyTask::id);
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
