//! Who waits for a task to end: awaiters' wakers, the listeners of gather, wait and task
//! groups, and the task's done callbacks. Kept in the core's slot, under its lock; told once,
//! after the lock is released, when the task completes.

use std::sync::Arc;
use std::task::Waker;

use slab::Slab;

use super::state::Ended;
use crate::contain;

/// Something told about a task's completion without a waker per task (gather, wait).
pub(crate) trait CompletionListener: Send + Sync {
    /// Task number `index` of the listener's set has ended.
    fn completed(&self, index: usize, ended: Ended);
}

/// Registration of a listener: either it is registered under `key`, or the task had already
/// ended.
pub(crate) enum Listen {
    Registered(usize),
    AlreadyEnded(Ended),
}

/// A function to run once a task has ended (`add_done_callback`); it knows its task.
pub(crate) type DoneCallback = Box<dyn FnOnce() + Send>;

/// Hands a task's done callbacks, in the order they were added, to the runtime that runs them,
/// with what to do after them (tell the task's other waiters, see `Waiters::notify`).
pub(crate) type ScheduleCallbacks = Box<dyn FnOnce(Vec<DoneCallback>, DoneCallback) + Send>;

/// A task's done callbacks: one waiter for all of them, so that they run in the order added.
pub(crate) struct DoneCallbacks {
    pub(crate) callbacks: Vec<DoneCallback>,
    pub(crate) schedule: ScheduleCallbacks,
}

pub(crate) enum Waiter {
    Wake(Waker),
    Listen(Arc<dyn CompletionListener>, u32),
    Done(Box<DoneCallbacks>),
}

impl Waiter {
    /// Tells the waiter; a panic (a user's waker) is contained and reported with the task's
    /// name (`name`, called only then), so the other waiters are still told and the completing
    /// thread goes on.
    fn notify(self, ended: Ended, name: &dyn Fn() -> String) {
        let told = contain::catch(move || match self {
            Waiter::Wake(waker) => waker.wake(),
            Waiter::Listen(listener, index) => listener.completed(index as usize, ended),
            Waiter::Done(done) => (done.schedule)(done.callbacks, Box::new(|| {})),
        });
        if let Err(panicked) = told {
            contain::report(&name(), "a waker of a task awaiting the end", &panicked);
        }
    }
}

/// Who is waiting for the task. The first waiter (an awaiter's waker, or the listener of the
/// gather or wait that watches the task) is stored inline and the rest behind a pointer: most
/// tasks have exactly one, and this keeps the common case to no allocation.
#[derive(Default)]
pub(crate) struct Waiters {
    first: Option<Waiter>,
    more: Option<Box<Slab<Waiter>>>,
}

impl Waiters {
    pub(crate) fn insert(&mut self, waiter: Waiter) -> usize {
        if self.first.is_none() {
            self.first = Some(waiter);
            0
        } else {
            self.more.get_or_insert_with(Box::default).insert(waiter) + 1
        }
    }

    pub(crate) fn waker_mut(&mut self, key: usize) -> Option<&mut Waker> {
        let waiter = if key == 0 {
            self.first.as_mut()?
        } else {
            self.more.as_mut()?.get_mut(key - 1)?
        };
        match waiter {
            Waiter::Wake(waker) => Some(waker),
            Waiter::Listen(..) | Waiter::Done(_) => None,
        }
    }

    /// The done callbacks' waiter, if there is one.
    pub(crate) fn done_callbacks(&mut self) -> Option<&mut DoneCallbacks> {
        let more = self
            .more
            .iter_mut()
            .flat_map(|more| more.iter_mut().map(|(_, w)| w));
        self.first
            .iter_mut()
            .chain(more)
            .find_map(|waiter| match waiter {
                Waiter::Done(done) => Some(&mut **done),
                _ => None,
            })
    }

    pub(crate) fn remove(&mut self, key: usize) {
        if key == 0 {
            self.first = None;
        } else if let Some(more) = self.more.as_mut() {
            drop(more.try_remove(key - 1));
        }
    }

    pub(crate) fn take_all(&mut self) -> Waiters {
        std::mem::take(self)
    }

    /// Tells every waiter that the task has ended. With done callbacks, those run first and the
    /// other waiters (awaiters, gather, wait, a task group) are told once they have run, on the
    /// runtime: a callback's effects (a follow-up task spawned into a task group, a progress
    /// line) come before anyone waiting for the task resumes, on both flavors.
    pub(crate) fn notify(mut self, ended: Ended, name: &dyn Fn() -> String) {
        if let Some(done) = self.take_done_callbacks() {
            let name = name();
            let rest: DoneCallback = Box::new(move || self.notify(ended, &|| name.clone()));
            (done.schedule)(done.callbacks, rest);
            return;
        }
        if let Some(waiter) = self.first {
            waiter.notify(ended, name);
        }
        if let Some(more) = self.more {
            for (_, waiter) in *more {
                waiter.notify(ended, name);
            }
        }
    }

    fn take_done_callbacks(&mut self) -> Option<Box<DoneCallbacks>> {
        if matches!(self.first, Some(Waiter::Done(_))) {
            return match self.first.take() {
                Some(Waiter::Done(done)) => Some(done),
                _ => None,
            };
        }
        let more = self.more.as_mut()?;
        let key = more
            .iter()
            .find_map(|(key, waiter)| matches!(waiter, Waiter::Done(_)).then_some(key))?;
        match more.remove(key) {
            Waiter::Done(done) => Some(done),
            _ => None,
        }
    }
}
