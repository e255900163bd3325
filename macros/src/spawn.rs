//! `spawn!(future)` and `spawn!(future, name = "worker")`: Python's
//! `asyncio.create_task(coro, name=...)`.
//!
//! ```text
//! spawn!(work(1))              ==>  ::asyncio::spawn(work(1))
//! spawn!(work(1), name = "w")  ==>  ::asyncio::spawn_named(work(1), ::asyncio::__private::task_name("w"))
//! ```
//!
//! Whether the argument is a future, and a `Send + 'static` one, is checked by the bounds of
//! the public functions, so the errors name `asyncio::spawn`; the name goes through
//! `__private::task_name`, whose trait carries an `#[diagnostic::on_unimplemented]` message.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit};

use crate::call_args::{check_option_keys, parse_call_args};
use crate::errors::Errors;

/// Expands `[crate_path] args` (see `call_args`). Never panics.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match parse_call_args("spawn", input, &mut errors) {
        Ok(args) => args,
        Err(error) => return error.to_compile_error(),
    };
    let crate_path = args.crate_path;
    let options = check_option_keys("spawn", &["name"], args.options, &mut errors);
    let mut futures = args.futures.into_iter();
    let future = futures.next();
    let extra: Vec<Expr> = futures.collect();
    if !extra.is_empty() {
        errors.push(syn::Error::new_spanned(
            quote!(#(#extra),*),
            "`spawn!` takes one future: to run several futures concurrently and wait for all \
             of them, use `asyncio::gather!(a, b, ...)`",
        ));
    }
    let name = options.into_iter().next().map(|option| option.value);
    if let Some(Expr::Lit(ExprLit { lit, .. })) = &name {
        if !matches!(lit, Lit::Str(_)) {
            errors.push(syn::Error::new(
                lit.span(),
                "`name` must be a string, e.g. `name = \"worker\"`",
            ));
        }
    }
    let Some(future) = future else {
        errors.push(syn::Error::new(
            proc_macro2::Span::call_site(),
            "`spawn!` needs a future to run as a task, e.g. `spawn!(work())`",
        ));
        // In a block: several `compile_error!`s in a row are not one expression.
        let compile_errors = errors.to_compile_errors();
        return quote!({ #compile_errors });
    };
    // The public functions, so that a future that is not `Send + 'static` (or not a future) is
    // reported against `asyncio::spawn`, at the future's tokens.
    let spawn = quote_spanned!(future.span()=> #crate_path::spawn);
    if !errors.is_empty() {
        // Still spawn the future, so its type checks and `Task<T>` flows on: the error above
        // is then the only one.
        let compile_errors = errors.to_compile_errors();
        return quote! {{
            #compile_errors
            #spawn(#future)
        }};
    }
    if let Some(name) = name {
        let spawn_named = quote_spanned!(future.span()=> #crate_path::spawn_named);
        quote!(#spawn_named(#future, #crate_path::__private::task_name(#name)))
    } else {
        quote!(#spawn(#future))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(input: TokenStream) -> String {
        expand(input).to_string()
    }

    #[test]
    fn spawns_the_future() {
        assert_eq!(
            out(quote!([::asyncio] work(1))),
            quote!(::asyncio::spawn(work(1))).to_string()
        );
        assert_eq!(
            out(quote!([::asyncio] work(1),)),
            quote!(::asyncio::spawn(work(1))).to_string()
        );
    }

    #[test]
    fn a_name_makes_a_named_task() {
        assert_eq!(
            out(quote!([::my_asyncio] work(), name = "worker")),
            quote!(::my_asyncio::spawn_named(
                work(),
                ::my_asyncio::__private::task_name("worker")
            ))
            .to_string()
        );
        // A computed name is an expression of any string type.
        assert!(out(quote!([::a] work(), name = format!("w{}", 1))).contains("spawn_named"));
    }

    #[test]
    fn misuse_is_a_compile_error() {
        for (input, message) in [
            (quote!([::a]), "needs a future"),
            (quote!([::a] a(), b()), "use `asyncio::gather!"),
            (
                quote!([::a] a(), nme = "x"),
                "unknown option `nme` for `spawn!`",
            ),
            (quote!([::a] a(), name = 42), "`name` must be a string"),
            (quote!([::a] a(), name = "x", name = "y"), "given twice"),
            (quote!([::a] name = "x", a()), "come before its options"),
            (quote!([::a] a() b()), "expected `,`"),
            (quote!(a()), "internal macro"),
        ] {
            let expanded = out(input.clone());
            assert!(expanded.contains("compile_error"), "{input}: {expanded}");
            assert!(expanded.contains(message), "{input}: {expanded}");
        }
    }
}
