//! `#[async_main]` and `#[async_test]`: turn an `async fn` into a plain `fn` that runs its
//! body on a fresh asyncio runtime.
//!
//! ```text
//! #[asyncio::async_main]                     fn main() -> R {
//! async fn main() -> R { body }      ==>         async fn main() -> R { body }
//!                                                ::asyncio::__private::run(
//!                                                    ::asyncio::__private::RunConfig::new(),
//!                                                    main(),
//!                                                )
//!                                            }
//! ```
//!
//! The body stays inside an `async fn` with the user's own signature rather than in an
//! `async` block: an async block's output type is inferred from its body, so a body that
//! does not match the declared return type would only fail at the generated `run` call (an
//! error pointing at the attribute, plus a "type annotations needed"; tokio#6930). Inside an
//! `async fn` the compiler checks the body against the declared type and points at the
//! user's expression, exactly as for any other function. The inner function has the same
//! name, so a recursive call in the body still means the async function, as written.
//!
//! An inner function cannot name `Self` nor use `self`, so a function that mentions `Self`
//! (an associated function) falls back to the async block form.
//!
//! The body is never parsed statement by statement: it is copied as one token group, which
//! keeps the macro fast and leaves a broken body to the compiler. On any error the function
//! is still emitted (as close to the success expansion as possible) next to the
//! `compile_error!`s, so the IDE keeps working and one mistake gives one error.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::parse::{ParseStream, Parser};
use syn::{
    Attribute, FnArg, GenericParam, Ident, LitBool, Pat, PatIdent, Signature, Token, Visibility,
};

use crate::entry_args::{parse_entry_args, EntryArgs, Flavor};
use crate::errors::Errors;

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EntryKind {
    /// `#[async_main]`
    Main,
    /// `#[async_test]`: also adds `#[test]`.
    Test,
}

impl EntryKind {
    fn attribute(self) -> &'static str {
        match self {
            EntryKind::Main => "#[async_main]",
            EntryKind::Test => "#[async_test]",
        }
    }
}

/// Expands the attribute. Never panics; errors become `compile_error!`s next to the
/// function.
pub(crate) fn expand(kind: EntryKind, args: TokenStream, item: TokenStream) -> TokenStream {
    let (mut config, mut errors) = parse_entry_args(args);
    if kind == EntryKind::Test {
        if let Some(signals) = config.signals.take_if(|signals| signals.value) {
            errors.push(syn::Error::new(
                signals.span,
                "#[async_test] never handles Ctrl-C: a test shares its process with the other \
                 tests, so the handler is off; remove `signals = true`",
            ));
        }
    }
    let function = match Parser::parse2(
        |input: ParseStream| EntryFn::parse(input, kind),
        item.clone(),
    ) {
        Ok(function) => function,
        Err(error) => {
            // Not a function: give the item back untouched.
            errors.push(error);
            let mut out = errors.to_compile_errors();
            out.extend(item);
            return out;
        }
    };
    let (function, checked) = check(kind, function, &mut errors);
    let expanded = expand_function(kind, &config, function, checked);
    let errors = errors.to_compile_errors();
    quote!(#errors #expanded)
}

/// An `fn` item, its body kept as an unparsed `{ ... }` group.
struct EntryFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    body: Group,
}

impl EntryFn {
    fn parse(input: ParseStream, kind: EntryKind) -> syn::Result<Self> {
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
struct Checked {
    /// `main` or a test with parameters: nothing can call the body.
    uncallable: bool,
    /// `self` or `Self` is used: the body must stay in the function, in an async block.
    needs_async_block: bool,
}

/// Checks the signature, recording every problem. Returns the function with what cannot be
/// kept (a duplicate `#[test]`) removed.
fn check(kind: EntryKind, mut function: EntryFn, errors: &mut Errors) -> (EntryFn, Checked) {
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

/// The runtime configuration expression: `RunConfig::new()` plus one call per option, and
/// `.signals(false)` for a test, which never handles Ctrl-C.
fn run_config(kind: EntryKind, config: &EntryArgs, crate_path: &TokenStream) -> TokenStream {
    let mut tokens = quote!(#crate_path::__private::RunConfig::new());
    if let Some((flavor, span)) = config.flavor {
        let variant = match flavor {
            Flavor::CurrentThread => Ident::new("CurrentThread", span),
            Flavor::MultiThread => Ident::new("MultiThread", span),
        };
        tokens.extend(quote!(.flavor(#crate_path::__private::Flavor::#variant)));
    }
    if let Some(workers) = &config.worker_threads {
        tokens.extend(quote!(.worker_threads(#workers)));
    }
    let signals = match (&config.signals, kind) {
        (Some(signals), _) => Some(signals.clone()),
        (None, EntryKind::Test) => Some(LitBool::new(false, Span::call_site())),
        (None, EntryKind::Main) => None,
    };
    if let Some(signals) = signals {
        tokens.extend(quote!(.signals(#signals)));
    }
    tokens
}

fn expand_function(
    kind: EntryKind,
    config: &EntryArgs,
    function: EntryFn,
    checked: Checked,
) -> TokenStream {
    let EntryFn {
        attrs,
        vis,
        sig,
        body,
    } = function;
    let crate_path = config.crate_path();
    let run_config = run_config(kind, config, &crate_path);
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
            #crate_path::__private::run(#run_config, async move #body)
        }
    } else {
        let call_args = forwarded_arguments(&mut outer);
        let name = &inner.ident;
        // The function is async because the attribute requires it, awaits or not.
        quote! {
            #[allow(clippy::unused_async)]
            #inner #body
            #crate_path::__private::run(#run_config, #name(#(#call_args),*))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_main(args: TokenStream, item: TokenStream) -> String {
        expand(EntryKind::Main, args, item).to_string()
    }

    #[test]
    fn plain_main_runs_an_inner_async_fn() {
        let out = expand_main(
            quote!(),
            quote!(
                async fn main() {}
            ),
        );
        assert_eq!(
            out,
            quote! {
                fn main() {
                    #[allow(clippy::unused_async)]
                    async fn main() {}
                    ::asyncio::__private::run(::asyncio::__private::RunConfig::new(), main())
                }
            }
            .to_string()
        );
    }

    #[test]
    fn options_become_run_config_calls() {
        let out = expand_main(
            quote!(
                flavor = "multi_thread",
                worker_threads = 4,
                crate = "my_asyncio"
            ),
            quote!(
                async fn main() -> Result<(), E> {
                    Ok(())
                }
            ),
        );
        assert!(out.contains(
            "my_asyncio :: __private :: RunConfig :: new () . flavor (my_asyncio :: __private :: Flavor :: MultiThread) . worker_threads (4)"
        ), "{out}");
        assert!(
            out.contains("async fn main () -> Result < () , E > { Ok (()) }"),
            "{out}"
        );
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn signals_becomes_a_run_config_call_on_main() {
        let out = expand_main(
            quote!(signals = false),
            quote!(
                async fn main() {}
            ),
        );
        assert!(
            out.contains(":: asyncio :: __private :: RunConfig :: new () . signals (false)"),
            "{out}"
        );
        let out = expand_main(
            quote!(),
            quote!(
                async fn main() {}
            ),
        );
        assert!(!out.contains("signals"), "{out}");
    }

    #[test]
    fn a_test_never_installs_the_ctrl_c_handler() {
        for args in [quote!(), quote!(signals = false)] {
            let out = expand(
                EntryKind::Test,
                args,
                quote!(
                    async fn t() {}
                ),
            )
            .to_string();
            assert!(
                out.contains("RunConfig :: new () . signals (false)"),
                "{out}"
            );
            assert!(!out.contains("compile_error"), "{out}");
        }
        let errors = errors_of(
            EntryKind::Test,
            quote!(signals = true),
            quote!(
                async fn t() {}
            ),
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("never handles Ctrl-C"), "{errors:?}");
        // The function is still emitted, without the handler.
        let out = expand(
            EntryKind::Test,
            quote!(signals = true),
            quote!(
                async fn t() {}
            ),
        );
        assert!(out.to_string().contains(". signals (false)"));
    }

    #[test]
    fn attributes_docs_and_visibility_are_kept() {
        let out = expand_main(
            quote!(),
            quote!(
                #[doc = "Runs."]
                #[inline]
                pub(crate) async fn serve(port: u16) -> u16 {
                    port
                }
            ),
        );
        assert!(
            out.starts_with(
                "# [doc = \"Runs.\"] # [inline] pub (crate) fn serve (port : u16) -> u16"
            ),
            "{out}"
        );
        assert!(out.contains("serve (port)"), "{out}");
    }

    #[test]
    fn patterns_in_parameters_stay_on_the_inner_function() {
        let out = expand_main(
            quote!(),
            quote!(
                async fn add((a, b): (u8, u8), mut c: u8, _: u8) -> u8 {
                    c += a + b;
                    c
                }
            ),
        );
        assert!(
            out.contains("fn add (__arg0 : (u8 , u8) , c : u8 , __arg2 : u8) -> u8"),
            "{out}"
        );
        assert!(
            out.contains("async fn add ((a , b) : (u8 , u8) , mut c : u8 , _ : u8) -> u8"),
            "{out}"
        );
        assert!(out.contains("add (__arg0 , c , __arg2)"), "{out}");
    }

    #[test]
    fn self_type_falls_back_to_an_async_block() {
        let out = expand_main(
            quote!(),
            quote!(
                async fn make() -> Self {
                    Self::new()
                }
            ),
        );
        assert!(out.contains("async move { Self :: new () }"), "{out}");
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn test_attribute_is_appended_after_the_user_attributes() {
        let out = expand(
            EntryKind::Test,
            quote!(),
            quote!(
                #[ignore]
                async fn works() {}
            ),
        )
        .to_string();
        assert!(
            out.starts_with("# [ignore] # [:: core :: prelude :: v1 :: test] fn works ()"),
            "{out}"
        );
    }

    fn errors_of(kind: EntryKind, args: TokenStream, item: TokenStream) -> Vec<String> {
        let out = expand(kind, args, item);
        // Every error is a `::core::compile_error!{ "..." }`.
        let mut messages = Vec::new();
        let trees: Vec<TokenTree> = out.into_iter().collect();
        for window in trees.windows(3) {
            if let (TokenTree::Ident(ident), TokenTree::Group(group)) = (&window[0], &window[2]) {
                if ident == "compile_error" {
                    messages.push(group.stream().to_string());
                }
            }
        }
        messages
    }

    #[test]
    fn signature_errors() {
        let errors = errors_of(
            EntryKind::Main,
            quote!(),
            quote!(
                fn main() {}
            ),
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("add `async` before `fn`"));
        let errors = errors_of(
            EntryKind::Main,
            quote!(),
            quote!(
                async fn main(x: u8) {}
            ),
        );
        assert!(errors[0].contains("`main` cannot take parameters"));
        let errors = errors_of(
            EntryKind::Main,
            quote!(),
            quote!(
                async fn f<T>(x: T) {}
            ),
        );
        assert!(errors[0].contains("generic"));
        let errors = errors_of(
            EntryKind::Main,
            quote!(),
            quote!(
                async fn f(&self) {}
            ),
        );
        assert!(errors[0].contains("remove `self`"));
        let errors = errors_of(
            EntryKind::Test,
            quote!(),
            quote!(
                #[test]
                async fn t() {}
            ),
        );
        assert!(errors[0].contains("already adds"));
        let errors = errors_of(
            EntryKind::Test,
            quote!(),
            quote!(
                async fn t(x: u8) {}
            ),
        );
        assert!(errors[0].contains("test function cannot take parameters"));
    }

    #[test]
    fn signature_and_argument_errors_are_reported_together() {
        let errors = errors_of(
            EntryKind::Main,
            quote!(flavor = "fast", threads = 2),
            quote!(
                fn main(x: u8) {}
            ),
        );
        assert_eq!(errors.len(), 4, "{errors:#?}");
    }

    #[test]
    fn non_functions_are_returned_untouched_with_an_error() {
        let item = quote!(
            struct Config {
                x: u8,
            }
        );
        let out = expand(EntryKind::Main, quote!(), item.clone()).to_string();
        assert!(out.contains("can only be applied to an `async fn`"));
        assert!(out.ends_with(&item.to_string()));
        let errors = errors_of(
            EntryKind::Main,
            quote!(),
            quote!(
                async fn f();
            ),
        );
        assert!(errors[0].contains("needs a function with a body"));
    }
}
