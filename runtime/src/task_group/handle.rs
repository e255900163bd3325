//! [`TaskGroup`]: the handle a group's body and children spawn with.

use std::error::Error;
use std::future::Future;
use std::sync::Arc;

use super::error::{TaskGroupClosed, TaskGroupFailure};
use super::state::GroupState;
use crate::handle::any::AnyTask;
use crate::handle::task::Task;

/// The handle given to a [`task_group`](crate::task_group) body: spawns children into the group. Cheap to clone;
/// pass it to children so they can spawn siblings.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let total = asyncio::task_group(|tg| async move {
///         let inner = tg.clone();
///         let parent = tg.spawn(async move { inner.spawn(async { 2 }).await.unwrap() * 10 });
///         parent.await.unwrap()
///     })
///     .await;
///     assert_eq!(total, Ok(20));
/// });
/// ```
#[derive(Clone)]
pub struct TaskGroup {
    pub(super) state: Arc<GroupState>,
}

impl TaskGroup {
    /// Spawns `future` as a child of the group (Python's `tg.create_task`).
    ///
    /// # Panics
    /// If the group has finished or is shutting down (Python raises `RuntimeError`); use
    /// [`try_spawn`](Self::try_spawn) to get an error instead.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let r = asyncio::task_group(|tg| async move { tg.spawn(async { 1 }) }).await.unwrap();
    ///     assert_eq!(r.result(), Ok(1));
    /// });
    /// ```
    pub fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.try_spawn(future)
            .unwrap_or_else(|closed| panic!("TaskGroup::spawn: {closed}"))
    }

    /// Spawns `future` as a child, or says why the group does not take new children.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     asyncio::task_group(|tg| async move {
    ///         assert!(tg.try_spawn(async {}).is_ok());
    ///     })
    ///     .await
    ///     .unwrap();
    /// });
    /// ```
    pub fn try_spawn<F>(&self, future: F) -> Result<Task<F::Output>, TaskGroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_child(future, None)
    }

    /// [`spawn`](Self::spawn) with a name (Python's `tg.create_task(coro, name=...)`).
    ///
    /// # Panics
    /// As [`spawn`](Self::spawn).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     asyncio::task_group(|tg| async move {
    ///         let task = tg.spawn_named(async {}, "fetch-1");
    ///         assert_eq!(task.name(), "fetch-1");
    ///     })
    ///     .await
    ///     .unwrap();
    /// });
    /// ```
    pub fn spawn_named<F>(&self, future: F, name: impl Into<String>) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.try_spawn_named(future, name)
            .unwrap_or_else(|closed| panic!("TaskGroup::spawn_named: {closed}"))
    }

    /// [`try_spawn`](Self::try_spawn) with a name.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let tg = asyncio::task_group(|tg| async move { tg }).await.unwrap();
    ///     assert!(tg.try_spawn_named(async {}, "late").is_err());
    /// });
    /// ```
    pub fn try_spawn_named<F>(
        &self,
        future: F,
        name: impl Into<String>,
    ) -> Result<Task<F::Output>, TaskGroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_child(future, Some(name.into()))
    }

    /// Spawns a child that fails with a value: its `Err` is a failure of the group exactly as a
    /// panic is. The other children and the body are cancelled, and the scope returns
    /// `Err(TaskGroupError)` with the error, converted into a `Box<dyn Error + Send + Sync>`,
    /// among its [`failures`](crate::TaskGroupError::failures) (where it can be downcast), in
    /// completion order with the other failures.
    ///
    /// The task gives the child's `Ok` value. A child that returns `Err` hands its error to the
    /// group and ends cancelled, with the message `"returned an error, handed to the task
    /// group: {error}"`: a task can only end with a value, a panic or a cancellation, and the
    /// error itself is in the [`TaskGroupError`](crate::TaskGroupError).
    ///
    /// # Panics
    /// As [`spawn`](Self::spawn), if the group has finished or is shutting down.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let err = asyncio::task_group(|tg| async move {
    ///         let ok = tg.spawn_fallible(async { Ok::<_, std::io::Error>(1) });
    ///         tg.spawn_fallible(async {
    ///             asyncio::sleep(Duration::from_millis(5)).await;
    ///             Err::<(), _>(std::io::Error::other("connection refused"))
    ///         });
    ///         assert_eq!(ok.await, Ok(1));
    ///         asyncio::sleep(Duration::from_secs(3600)).await; // cancelled by the failure
    ///     })
    ///     .await
    ///     .unwrap_err();
    ///     let asyncio::TaskGroupFailure::Err(error) = &err.failures()[0] else { unreachable!() };
    ///     assert_eq!(error.downcast_ref::<std::io::Error>().unwrap().to_string(), "connection refused");
    /// });
    /// ```
    pub fn spawn_fallible<F, T, E>(&self, future: F) -> Task<T>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: Into<Box<dyn Error + Send + Sync>>,
    {
        let state = self.state.clone();
        let child = async move {
            let error: Box<dyn Error + Send + Sync> = match future.await {
                Ok(value) => return value,
                Err(error) => error.into(),
            };
            // Requested before the group cancels its children, so that this message wins.
            if let Some(me) = AnyTask::current() {
                me.cancel_with(format!(
                    "returned an error, handed to the task group: {error}"
                ));
            }
            state.fail(TaskGroupFailure::Err(error));
            // Ends here, cancelled: the error is the group's now.
            std::future::pending::<T>().await
        };
        self.spawn_child(child, None)
            .unwrap_or_else(|closed| panic!("TaskGroup::spawn_fallible: {closed}"))
    }

    fn spawn_child<F>(
        &self,
        future: F,
        name: Option<String>,
    ) -> Result<Task<F::Output>, TaskGroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Checked, spawned and counted under the group's lock: a failure (which snapshots the
        // children to cancel under the same lock) either sees this child or is seen here. A
        // child that ends at once is only told to the group once adopted, below.
        let (task, index) = {
            let mut inner = self.state.lock();
            self.state.check_open(&inner)?;
            let task = match name {
                None => crate::spawn::spawn(future),
                Some(name) => crate::spawn::spawn_named(future, name),
            };
            inner.children.push(task.to_any());
            inner.live += 1;
            (task, inner.children.len() - 1)
        };
        self.state.listen(index);
        Ok(task)
    }
}
