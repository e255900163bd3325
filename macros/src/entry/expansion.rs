//! The expansion of `#[async_main]` / `#[async_test]` once the function is checked: the
//! outer plain `fn`, the inner `async fn` holding the user's body, and the call
//! `RunConfig::new()...run(inner(args))` between them (see the diagram in [`super`]).

use proc_macro2::{Group, Span, TokenStream};
use quote::{format_ident, quote};
use syn::{FnArg, Ident, Pat, PatIdent, Signature, Token};

use super::signature::{Checked, EntryFn};
use super::EntryKind;

/// The function in its new form: a plain `fn` whose body runs the user's `async fn` (or, for
/// a function that mentions `Self`, an `async move` block) with `run_config.run(...)`.
pub(super) fn expand_function(
    kind: EntryKind,
    run_config: &TokenStream,
    function: EntryFn,
    checked: Checked,
) -> TokenStream {
    let EntryFn {
        attrs,
        vis,
        sig,
        body,
    } = function;
    // Appended after the user's attributes, so that attribute macros below ours see it
    // (tokio#6497). A full path: the user may have an item named `test`.
    let test_attr = match kind {
        EntryKind::Test => quote!(#[::core::prelude::v1::test]),
        EntryKind::Main => TokenStream::new(),
    };

    let mut outer = sig.clone();
    outer.asyncness = None;
    let mut inner = sig;
    let async_span = inner.fn_token.span;
    inner.asyncness.get_or_insert(Token![async](async_span));

    let statements = if checked.uncallable {
        // `main`/a test with parameters: emit the async fn so the body is still checked, and
        // a signature without parameters so the only error is ours.
        outer.inputs.clear();
        quote! {
            #[allow(dead_code, clippy::unused_async)]
            #inner #body
            ::core::unreachable!()
        }
    } else if checked.needs_async_block {
        quote! {
            #run_config.run(async move #body)
        }
    } else {
        let call_args = forwarded_arguments(&mut outer);
        let name = &inner.ident;
        // The function is async because the attribute requires it, awaits or not.
        quote! {
            #[allow(clippy::unused_async)]
            #inner #body
            #run_config.run(#name(#(#call_args),*))
        }
    };
    // The outer body's braces carry the span of the user's body, not the macro's call site:
    // rustc's `dead_code` lint stays silent on a function whose body comes from a macro
    // expansion, so with the macro's braces an unused `#[async_main] async fn helper()` would
    // not be reported, as if the attribute had hidden it.
    let mut block = Group::new(proc_macro2::Delimiter::Brace, statements);
    block.set_span(body.span());
    quote! {
        #(#attrs)*
        #test_attr
        #vis #outer #block
    }
}

/// Makes every parameter of the outer function a plain identifier (a pattern such as
/// `(a, b): (u8, u8)` or `mut x: u8` stays on the inner function, which binds it), and
/// returns the identifiers to pass to the inner function.
fn forwarded_arguments(outer: &mut Signature) -> Vec<Ident> {
    let mut forwarded = Vec::new();
    for (index, arg) in outer.inputs.iter_mut().enumerate() {
        let FnArg::Typed(typed) = arg else {
            continue;
        };
        let ident = match &*typed.pat {
            Pat::Ident(PatIdent {
                by_ref: None,
                subpat: None,
                ident,
                ..
            }) => ident.clone(),
            // The macro's own binding: invisible to the user's code.
            _ => format_ident!("__arg{}", index, span = Span::mixed_site()),
        };
        *typed.pat = Pat::Ident(PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: ident.clone(),
            subpat: None,
        });
        forwarded.push(ident);
    }
    forwarded
}
