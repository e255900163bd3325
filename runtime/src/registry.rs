//! Each runtime's set of live tasks, behind `all_tasks()` and shutdown.
//!
//! Sharded: a single `Mutex<HashMap>` made spawn ~1.9x slower than raw async-std under two
//! threads. Each task is inserted into the shard picked by its id and remembers its slab key, so
//! removal is O(1) and two threads rarely meet on the same lock.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use slab::Slab;

use crate::any_task::AnyTask;

const SHARDS: usize = 16;

/// Where a task sits in the registry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegistryKey {
    shard: u32,
    key: u32,
}

/// Cache-line padding so that neighbouring shards do not share a line.
#[repr(align(128))]
struct Shard(Mutex<Slab<AnyTask>>);

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

    fn shard(&self, index: usize) -> MutexGuard<'_, Slab<AnyTask>> {
        self.shards[index]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn insert(&self, task: AnyTask) -> RegistryKey {
        let shard = (task.id().as_u64() as usize) % SHARDS;
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

    /// The tasks that are not done, oldest first (shutdown cancels them in creation order, so
    /// that a single-threaded run is deterministic).
    pub(crate) fn live(&self) -> Vec<AnyTask> {
        let mut all = Vec::new();
        for index in 0..SHARDS {
            all.extend(
                self.shard(index)
                    .iter()
                    .map(|(_, t)| t)
                    .filter(|t| !t.done())
                    .cloned(),
            );
        }
        all.sort_unstable_by_key(AnyTask::id);
        all
    }

    pub(crate) fn live_set(&self) -> HashSet<AnyTask> {
        let mut all = HashSet::new();
        for index in 0..SHARDS {
            all.extend(
                self.shard(index)
                    .iter()
                    .map(|(_, t)| t)
                    .filter(|t| !t.done())
                    .cloned(),
            );
        }
        all
    }
}
