//! The shapes API.md promises, checked at compile time: auto traits and trait impls.

use std::collections::HashSet;
use std::fmt::{Debug, Display};
use std::future::{Future, IntoFuture};
use std::hash::Hash;

use asyncio::{AnyTask, Cancelled, Panicked, Task, TaskError, TaskId, TimeoutError};

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}
fn clone_eq_hash_debug<T: Clone + Eq + Hash + Debug>() {}
fn error<T: std::error::Error + Display + Clone + Send + Sync + 'static>() {}

#[test]
fn handles_and_errors_have_the_promised_traits() {
    send_sync::<Task<u8>>();
    send_sync::<AnyTask>();
    clone_eq_hash_debug::<AnyTask>();
    clone_eq_hash_debug::<Task<String>>();
    clone_eq_hash_debug::<TaskId>();
    error::<TaskError>();
    error::<Cancelled>();
    error::<Panicked>();
    error::<TimeoutError>();
    error::<asyncio::TaskGroupError>();
    fn eq_debug<T: PartialEq + Eq + Debug>() {}
    eq_debug::<asyncio::TaskGroupError>();
    send_sync::<asyncio::TaskGroupFailure>();
    fn future_of<F: Future<Output = Result<(), TaskError>>>() {}
    future_of::<AnyTask>();
    fn into_future_of<F: IntoFuture<Output = Result<u8, TaskError>>>() {}
    into_future_of::<Task<u8>>();
    let _: fn(Task<u8>) -> AnyTask = AnyTask::from;
}

#[test]
fn every_future_of_the_api_is_send_so_it_can_be_spawned() {
    asyncio::run(async {
        let t = asyncio::spawn!(async { 1u8 });
        let cm = asyncio::timeout(None);
        send(&t.clone().into_future());
        send(&asyncio::sleep(std::time::Duration::ZERO));
        send(&asyncio::yield_now());
        send(&asyncio::wait_for(t.clone(), std::time::Duration::ZERO));
        send(&asyncio::shield(t.clone()));
        send(&asyncio::catch_cancel(t.clone()));
        send(&asyncio::wait(HashSet::<AnyTask>::new()));
        send(&asyncio::gather!(t.clone()));
        send(&asyncio::gather_all([t.clone()]));
        send(&asyncio::try_gather!(async { Ok::<u8, TaskError>(1) }));
        send(&asyncio::try_gather_all([async { Ok::<u8, TaskError>(1) }]));
        send(&asyncio::task_group(|tg| async move {
            tg.spawn_fallible(async { Err::<(), std::io::Error>(std::io::Error::other("x")) })
        }));
        send(&asyncio::task_group(|_tg| async {}));
        send(&cm.run(async {}));
        send(&AnyTask::from(t.clone()));
        let _ = t.await;
    });
}
