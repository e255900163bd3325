//! The tuples `try_gather` accepts, up to 16 children, and how one child's outcome is read.

use crate::error::TaskError;
use crate::handle::any::AnyTask;
use crate::handle::task::Task;

/// A tuple of tasks that [`try_gather`](crate::try_gather) can wait for: `(Task<Result<A, E>>, Task<Result<B, E>>,
/// ...)`, up to 16, every child with the same error type `E`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::TaskError;
/// fn both<G: asyncio::TryGatherTuple<TaskError>>(tasks: G) -> asyncio::TryGather<G, TaskError> {
///     asyncio::try_gather(tasks)
/// }
/// asyncio::run(async {
///     let pair = (
///         asyncio::spawn(async { Ok::<_, TaskError>(1) }),
///         asyncio::spawn(async { Ok::<_, TaskError>('b') }),
///     );
///     assert_eq!(both(pair).await, Ok((1, 'b')));
/// });
/// ```
pub trait TryGatherTuple<E> {
    /// `(A, B, ...)`.
    type Output;
    /// `(Option<A>, Option<B>, ...)`: the values received so far.
    #[doc(hidden)]
    type Values;
    #[doc(hidden)]
    fn erase(&self) -> Vec<AnyTask>;
    #[doc(hidden)]
    fn no_values() -> Self::Values;
    #[doc(hidden)]
    fn collect(&self, values: &mut Self::Values, index: usize) -> Result<(), Result<E, TaskError>>;
    #[doc(hidden)]
    fn output(values: Self::Values) -> Option<Self::Output>;
}

/// The value of child `index` once it has ended, or its failure.
pub(super) fn collect_one<T, E>(
    task: &Task<Result<T, E>>,
    value: &mut Option<T>,
) -> Result<(), Result<E, TaskError>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    match task.take_ended_outcome() {
        Ok(Ok(ok)) => {
            *value = Some(ok);
            Ok(())
        }
        Ok(Err(error)) => Err(Ok(error)),
        Err(error) => Err(Err(error)),
    }
}

macro_rules! try_gather_tuple {
    ($($name:ident $idx:tt),*) => {
        impl<ErrorType: Send + 'static, $($name: Send + 'static),*> TryGatherTuple<ErrorType>
            for ($(Task<Result<$name, ErrorType>>,)*)
        {
            type Output = ($($name,)*);
            type Values = ($(Option<$name>,)*);
            fn erase(&self) -> Vec<AnyTask> {
                vec![$(self.$idx.to_any()),*]
            }
            #[allow(clippy::unused_unit)]
            fn no_values() -> Self::Values {
                ($(None::<$name>,)*)
            }
            #[allow(unused_variables, clippy::match_single_binding)]
            fn collect(
                &self,
                values: &mut Self::Values,
                index: usize,
            ) -> Result<(), Result<ErrorType, TaskError>> {
                match index {
                    $($idx => collect_one(&self.$idx, &mut values.$idx),)*
                    _ => Ok(()),
                }
            }
            #[allow(clippy::unused_unit, unused_variables)]
            fn output(values: Self::Values) -> Option<Self::Output> {
                Some(($(values.$idx?,)*))
            }
        }
    };
}

try_gather_tuple!();
try_gather_tuple!(A 0);
try_gather_tuple!(A 0, B 1);
try_gather_tuple!(A 0, B 1, C 2);
try_gather_tuple!(A 0, B 1, C 2, D 3);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);
