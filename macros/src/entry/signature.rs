//! The function under `#[async_main]` / `#[async_test]`: the item parsed with its body kept as
//! one unparsed `{ ... }` group, and the checks of its signature. Every problem is recorded;
//! what the checks find that changes the shape of the expansion is returned as [`Checked`].

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::ParseStream;
use syn::{Attribute, FnArg, GenericParam, Signature, Token, Visibility};

use super::EntryKind;
use crate::errors::Errors;

/// An `fn` item, its body kept as an unparsed `{ ... }` group.
pub(super) struct EntryFn {
    pub(super) attrs: Vec<Attribute>,
    pub(super) vis: Visibility,
    pub(super) sig: Signature,
    pub(super) body: Group,
}

impl EntryFn {
    pub(super) fn parse(input: ParseStream, kind: EntryKind) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let starts_fn = input.peek(Token![fn])
            || input.peek(Token![async])
            || input.peek(Token![const])
            || input.peek(Token![unsafe])
            || input.peek(Token![extern]);
        if !starts_fn {
            return Err(not_a_function(input, kind));
        }
        let sig: Signature = input.parse()?;
        if input.peek(Token![;]) {
            return Err(input.error(format!("{} needs a function with a body", kind.attribute())));
        }
        let body: Group = input.parse()?;
        if body.delimiter() != proc_macro2::Delimiter::Brace {
            return Err(syn::Error::new(
                body.span(),
                "expected the function body `{ ... }`",
            ));
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the function body"));
        }
        Ok(EntryFn {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

fn not_a_function(input: ParseStream, kind: EntryKind) -> syn::Error {
    let message = format!("{} can only be applied to an `async fn`", kind.attribute());
    // Point at the item's keyword (`struct`, `impl`, `mod`, ...), or at the whole item.
    match input.cursor().token_tree() {
        Some((tree, _)) => syn::Error::new(tree.span(), message),
        None => input.error(message),
    }
}

/// What the checks found that changes the shape of the expansion.
#[derive(Default, Clone, Copy)]
pub(super) struct Checked {
    /// `main` or a test with parameters: nothing can call the body.
    pub(super) uncallable: bool,
    /// `self` or `Self` is used: the body must stay in the function, in an async block.
    pub(super) needs_async_block: bool,
}

/// Checks the signature, recording every problem. Returns the function with what cannot be
/// kept (a duplicate `#[test]`) removed.
pub(super) fn check(
    kind: EntryKind,
    mut function: EntryFn,
    errors: &mut Errors,
) -> (EntryFn, Checked) {
    let mut checked = Checked::default();
    let sig = &function.sig;
    let attribute = kind.attribute();
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            format!("{attribute} needs an `async fn`: add `async` before `fn`"),
        ));
    }
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            format!("{attribute} cannot be used on a `const fn`"),
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            format!("{attribute} cannot be used on an `unsafe fn`"),
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            format!("{attribute} cannot be used on an `extern` function"),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            format!("{attribute} cannot be used on a variadic function"),
        ));
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(_) | GenericParam::Const(_) => errors.push(syn::Error::new_spanned(
                param,
                format!(
                    "{attribute} cannot be used on a generic function: the runtime needs one \
                     concrete future to run"
                ),
            )),
        }
    }
    if let Some(receiver) = sig.receiver() {
        errors.push(syn::Error::new_spanned(
            receiver,
            format!("{attribute} cannot be used on a method: remove `self`"),
        ));
        checked.needs_async_block = true;
    }
    let has_params = sig.inputs.iter().any(|arg| matches!(arg, FnArg::Typed(_)));
    if has_params && (kind == EntryKind::Test || sig.ident == "main") {
        let what = if kind == EntryKind::Test {
            "a test function cannot take parameters"
        } else {
            "`main` cannot take parameters"
        };
        errors.push(syn::Error::new_spanned(&sig.inputs, what));
        checked.uncallable = true;
    }
    if mentions_self_type(sig.to_token_stream()) || mentions_self_type(function.body.stream()) {
        checked.needs_async_block = true;
    }
    if kind == EntryKind::Test {
        function.attrs.retain(|attr| {
            if is_test_attribute(attr) {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "#[async_test] already adds `#[test]`: remove this attribute",
                ));
                false
            } else {
                true
            }
        });
    }
    (function, checked)
}

/// `#[test]`, `#[core::prelude::v1::test]`, `#[::std::prelude::rust_2021::test]`, ...
fn is_test_attribute(attr: &Attribute) -> bool {
    let path = attr.path();
    let Some(last) = path.segments.last() else {
        return false;
    };
    last.ident == "test"
        && (path.segments.len() == 1
            || path.segments.first().is_some_and(|first| {
                (first.ident == "core" || first.ident == "std")
                    && path.segments.len() == 4
                    && path.segments[1].ident == "prelude"
            }))
}

/// Whether `Self` appears anywhere in the tokens.
fn mentions_self_type(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "Self",
        TokenTree::Group(group) => mentions_self_type(group.stream()),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}
