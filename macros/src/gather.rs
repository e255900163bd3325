//! `gather!(a, b, c)` and `gather!(a, b, return_exceptions = true)`: Python's
//! `asyncio.gather`.
//!
//! ```text
//! gather!(a(), t)   ==>  ::asyncio::__private::gather((
//!                            ::asyncio::__private::into_task(a()),
//!                            ::asyncio::__private::into_task(t),
//!                        ))
//! ```
//!
//! Every argument becomes a task at once, in argument order (a future is spawned, an
//! existing `Task` is kept as it is); `return_exceptions = true` appends
//! `.return_exceptions()`. The runtime's tuple form stops at 16 futures; beyond that, the
//! dynamic form `asyncio::gather_all` takes any number of futures of one type.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, ExprLit, Lit};

use crate::call_args::{check_option_keys, parse_call_args};
use crate::errors::Errors;

/// The largest tuple the runtime's `gather` accepts.
pub(crate) const MAX_FUTURES: usize = 16;

/// Expands `[crate_path] args` (see `call_args`). Never panics.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match parse_call_args("gather", input, &mut errors) {
        Ok(args) => args,
        Err(error) => return error.to_compile_error(),
    };
    let crate_path = args.crate_path;
    let options = check_option_keys("gather", &["return_exceptions"], args.options, &mut errors);
    let mut return_exceptions = false;
    for option in options {
        match &option.value {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(value),
                attrs,
            }) if attrs.is_empty() => return_exceptions = value.value,
            other => errors.push(syn::Error::new_spanned(
                other,
                "`return_exceptions` must be `true` or `false`: it decides the type of the \
                 result, so it is read when the program is compiled",
            )),
        }
    }
    let tasks = children(
        "gather",
        "gather_all",
        &crate_path,
        args.futures,
        &mut errors,
    );
    let mut expanded = quote!(#crate_path::__private::gather(#tasks));
    if return_exceptions {
        expanded = quote!(#expanded.return_exceptions());
    }
    with_errors(expanded, &errors)
}

/// The children of `gather!`/`try_gather!` (`name`): the tuple of `__private::into_task(f)`, or
/// `try_into_task` for `try_gather!`, in argument order. At most [`MAX_FUTURES`]: the rest are
/// reported, pointing to the dynamic form `dynamic`, and left out so that the function still
/// type-checks.
pub(crate) fn children(
    name: &str,
    dynamic: &str,
    crate_path: &TokenStream,
    mut futures: Vec<Expr>,
    errors: &mut Errors,
) -> TokenStream {
    if futures.len() > MAX_FUTURES {
        let extra = &futures[MAX_FUTURES];
        errors.push(syn::Error::new_spanned(
            extra,
            format!(
                "`{name}!` takes at most {MAX_FUTURES} futures; for more, or for a collection, \
                 use `asyncio::{dynamic}(futures)`, which returns a `Vec`"
            ),
        ));
        futures.truncate(MAX_FUTURES);
    }
    let into_task = if name == "try_gather" {
        quote!(try_into_task)
    } else {
        quote!(into_task)
    };
    let tasks = futures
        .iter()
        .map(|future| quote!(#crate_path::__private::#into_task(#future),));
    quote!((#(#tasks)*))
}

/// `expanded`, preceded by the compile errors if there are any.
pub(crate) fn with_errors(expanded: TokenStream, errors: &Errors) -> TokenStream {
    if errors.is_empty() {
        expanded
    } else {
        let compile_errors = errors.to_compile_errors();
        quote!({ #compile_errors #expanded })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(input: TokenStream) -> String {
        expand(input).to_string()
    }

    #[test]
    fn every_argument_becomes_a_task_in_order() {
        assert_eq!(
            out(quote!([::asyncio] a(), task)),
            quote!(::asyncio::__private::gather((
                ::asyncio::__private::into_task(a()),
                ::asyncio::__private::into_task(task),
            )))
            .to_string()
        );
    }

    #[test]
    fn one_future_is_a_one_tuple_and_none_is_unit() {
        assert!(out(quote!([::a] x())).ends_with("into_task (x ()) ,))"));
        assert_eq!(
            out(quote!([::a])),
            quote!(::a::__private::gather(())).to_string()
        );
    }

    #[test]
    fn return_exceptions() {
        assert!(
            out(quote!([::a] x(), return_exceptions = true)).ends_with(". return_exceptions ()")
        );
        assert!(!out(quote!([::a] x(), return_exceptions = false)).contains("return_exceptions"));
    }

    #[test]
    fn at_most_sixteen_futures() {
        let sixteen: Vec<TokenStream> = (0..16).map(|_| quote!(f())).collect();
        assert!(!out(quote!([::a] #(#sixteen),*)).contains("compile_error"));
        let seventeen: Vec<TokenStream> = (0..17).map(|_| quote!(f())).collect();
        assert!(out(quote!([::a] #(#seventeen),*)).contains("gather_all"));
    }

    #[test]
    fn misuse_is_a_compile_error() {
        for (input, message) in [
            (
                quote!([::a] x(), return_exceptions = 1),
                "must be `true` or `false`",
            ),
            (
                quote!([::a] x(), return_exceptions = flag),
                "must be `true` or `false`",
            ),
            (
                quote!([::a] x(), return_exception = true),
                "unknown option `return_exception`",
            ),
            (quote!([::a] x(), ,), "expected an expression"),
        ] {
            let expanded = out(input.clone());
            assert!(expanded.contains("compile_error"), "{input}: {expanded}");
            assert!(expanded.contains(message), "{input}: {expanded}");
        }
    }
}
