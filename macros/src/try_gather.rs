//! `try_gather!(a, b, c)`: `gather!` for children that fail with a value, which stops them all
//! at the first failure.
//!
//! ```text
//! try_gather!(a(), t)   ==>  ::asyncio::__private::try_gather((
//!                                ::asyncio::__private::try_into_task(a()),
//!                                ::asyncio::__private::try_into_task(t),
//!                            ))
//! ```
//!
//! As for `gather!`, every argument becomes a task at once, in argument order. Whether each
//! one is a future or task returning a `Result`, and whether the error type converts from
//! `TaskError`, is checked by the bounds of those two functions, whose traits carry
//! `#[diagnostic::on_unimplemented]` messages. The macro takes no options.

use proc_macro2::TokenStream;
use quote::quote;

use crate::call_args::parse_call_args;
use crate::errors::Errors;
use crate::gather::{children, with_errors};

/// Expands `[crate_path] args` (see `call_args`). Never panics.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match parse_call_args("try_gather", input, &mut errors) {
        Ok(args) => args,
        Err(error) => return error.to_compile_error(),
    };
    let crate_path = args.crate_path;
    for option in &args.options {
        let key = &option.key;
        let hint = if key == "return_exceptions" {
            "; to get every outcome instead of stopping at the first failure, use \
             `gather!(.., return_exceptions = true)`"
        } else {
            ""
        };
        errors.push(syn::Error::new(
            key.span(),
            format!("unknown option `{key}`: `try_gather!` takes no options{hint}"),
        ));
    }
    let tasks = children(
        "try_gather",
        "try_gather_all",
        &crate_path,
        args.futures,
        &mut errors,
    );
    with_errors(quote!(#crate_path::__private::try_gather(#tasks)), &errors)
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
            quote!(::asyncio::__private::try_gather((
                ::asyncio::__private::try_into_task(a()),
                ::asyncio::__private::try_into_task(task),
            )))
            .to_string()
        );
    }

    #[test]
    fn no_argument_is_the_unit_tuple() {
        assert_eq!(
            out(quote!([::a])),
            quote!(::a::__private::try_gather(())).to_string()
        );
    }

    #[test]
    fn at_most_sixteen_futures() {
        let sixteen: Vec<TokenStream> = (0..16).map(|_| quote!(f())).collect();
        assert!(!out(quote!([::a] #(#sixteen),*)).contains("compile_error"));
        let seventeen: Vec<TokenStream> = (0..17).map(|_| quote!(f())).collect();
        assert!(out(quote!([::a] #(#seventeen),*)).contains("try_gather_all"));
    }

    #[test]
    fn misuse_is_a_compile_error_and_the_children_are_still_gathered() {
        for (input, message) in [
            (
                quote!([::a] x(), return_exceptions = true),
                "use `gather!(.., return_exceptions = true)`",
            ),
            (quote!([::a] x(), name = "n"), "takes no options"),
            (quote!([::a] x(), ,), "expected an expression"),
            (quote!(x()), "internal macro"),
        ] {
            let expanded = out(input.clone());
            assert!(expanded.contains("compile_error"), "{input}: {expanded}");
            assert!(expanded.contains(message), "{input}: {expanded}");
        }
        let expanded = out(quote!([::a] x(), y = 1, z = 2));
        assert_eq!(expanded.matches("compile_error").count(), 2, "{expanded}");
        assert!(expanded.contains("try_into_task (x ())"), "{expanded}");
    }
}
