//! The input of the function-like macros `spawn!` and `gather!`.
//!
//! Users call `asyncio::spawn!(...)`, a `macro_rules!` wrapper that forwards to the internal
//! proc macro as `[$crate] ...`, so the expansion finds the runtime through `$crate` even
//! when the dependency is renamed (the futures-macro `join!` pattern). The arguments are
//! expressions separated by commas; `key = value` arguments after them are options.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprAssign, Ident, Token};

use crate::errors::Errors;

/// The parsed input of a function-like macro.
pub(crate) struct CallArgs {
    /// The tokens of `$crate`, used verbatim as the path of the `asyncio` crate.
    pub(crate) crate_path: TokenStream,
    /// The futures, in order.
    pub(crate) futures: Vec<Expr>,
    /// The `key = value` options, in order.
    pub(crate) options: Vec<CallOption>,
}

/// One `key = value` option.
pub(crate) struct CallOption {
    pub(crate) key: Ident,
    pub(crate) value: Expr,
}

/// Parses `[crate_path] args`. Returns `Err` only when nothing usable could be parsed;
/// misplaced arguments are reported in `errors`.
pub(crate) fn parse_call_args(
    macro_name: &str,
    input: TokenStream,
    errors: &mut Errors,
) -> syn::Result<CallArgs> {
    let mut trees = input.into_iter();
    let crate_path = match trees.next() {
        Some(TokenTree::Group(group))
            if group.delimiter() == Delimiter::Bracket && is_crate_path(&group.stream()) =>
        {
            group.stream()
        }
        other => {
            let span = other.map_or_else(proc_macro2::Span::call_site, |tree| tree.span());
            return Err(syn::Error::new(
                span,
                format!("internal macro: call `asyncio::{macro_name}!` instead"),
            ));
        }
    };
    let args = Parser::parse2(
        Punctuated::<Expr, Token![,]>::parse_terminated,
        trees.collect(),
    )?;
    let mut futures = Vec::new();
    let mut options: Vec<CallOption> = Vec::new();
    let mut misplaced = false;
    for arg in args {
        match classify(arg) {
            Arg::Option(option) => options.push(option),
            Arg::Future(future) => {
                // A future after an option is reported once, at the first such future, and
                // still kept: the expansion then spawns it as if it were in its place, so the
                // rest of the user's code type-checks and this error is the only one.
                if let (Some(first), false) = (options.first(), misplaced) {
                    errors.push(syn::Error::new_spanned(
                        &future,
                        format!(
                            "the futures of `{macro_name}!` come before its options: move this \
                             before `{} = ...`",
                            first.key
                        ),
                    ));
                    misplaced = true;
                }
                futures.push(future);
            }
        }
    }
    Ok(CallArgs {
        crate_path,
        futures,
        options,
    })
}

/// `$crate` (one identifier, which is not a path to syn) or a path.
fn is_crate_path(tokens: &TokenStream) -> bool {
    let mut trees = tokens.clone().into_iter();
    if let (Some(TokenTree::Ident(ident)), None) = (trees.next(), trees.next()) {
        if ident == "$crate" {
            return true;
        }
    }
    Parser::parse2(syn::Path::parse_mod_style, tokens.clone()).is_ok()
}

/// One argument: a future, or an option.
enum Arg {
    Future(Expr),
    Option(CallOption),
}

/// `key = value` with a plain identifier as key is an option; anything else is a future.
fn classify(arg: Expr) -> Arg {
    let key = match &arg {
        Expr::Assign(assign) if assign.attrs.is_empty() => plain_ident(&assign.left),
        _ => None,
    };
    match (key, arg) {
        (Some(key), Expr::Assign(ExprAssign { right, .. })) => {
            Arg::Option(CallOption { key, value: *right })
        }
        (_, other) => Arg::Future(other),
    }
}

fn plain_ident(expr: &Expr) -> Option<Ident> {
    match expr {
        Expr::Path(path)
            if path.attrs.is_empty()
                && path.qself.is_none()
                && path.path.leading_colon.is_none()
                && path.path.segments.len() == 1
                && path.path.segments[0].arguments.is_none() =>
        {
            Some(path.path.segments[0].ident.clone())
        }
        _ => None,
    }
}

/// Takes the options out of `options`, checking each key against `valid` (at most once
/// each); unknown and repeated keys are reported.
pub(crate) fn check_option_keys(
    macro_name: &str,
    valid: &[&str],
    options: Vec<CallOption>,
    errors: &mut Errors,
) -> Vec<CallOption> {
    let mut kept: Vec<CallOption> = Vec::new();
    for option in options {
        let key = option.key.to_string();
        if !valid.contains(&key.as_str()) {
            let list = valid
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            errors.push(syn::Error::new(
                option.key.span(),
                format!("unknown option `{key}` for `{macro_name}!`: the valid options are {list}"),
            ));
        } else if kept.iter().any(|seen| seen.key == key) {
            errors.push(syn::Error::new(
                option.key.span(),
                format!("option `{key}` is given twice"),
            ));
        } else {
            kept.push(option);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn futures_then_options() {
        let mut errors = Errors::default();
        let args = parse_call_args(
            "spawn",
            quote!([::asyncio] work(1), name = "w", flag = true,),
            &mut errors,
        )
        .unwrap();
        assert!(errors.is_empty());
        assert_eq!(args.crate_path.to_string(), ":: asyncio");
        assert_eq!(args.futures.len(), 1);
        assert_eq!(args.options.len(), 2);
        assert_eq!(args.options[1].key.to_string(), "flag");
    }

    #[test]
    fn generic_calls_and_blocks_are_single_futures() {
        let mut errors = Errors::default();
        let args = parse_call_args(
            "gather",
            quote!([::asyncio] work::<u8, u16>(), async move { a = 1; }, x.y = 2),
            &mut errors,
        )
        .unwrap();
        assert_eq!(args.futures.len(), 3);
        assert!(args.options.is_empty());
    }

    #[test]
    fn a_future_after_an_option_is_one_error_and_is_kept() {
        let mut errors = Errors::default();
        let args =
            parse_call_args("spawn", quote!([::asyncio] name = "w", work()), &mut errors).unwrap();
        assert_eq!(args.futures.len(), 1);
        assert_eq!(errors.messages().len(), 1);
        assert!(errors.messages()[0].contains("come before its options"));
        let mut errors = Errors::default();
        let args = parse_call_args(
            "gather",
            quote!([::asyncio] a(), flag = true, b(), c()),
            &mut errors,
        )
        .unwrap();
        assert_eq!(args.futures.len(), 3);
        assert_eq!(errors.messages().len(), 1, "{:?}", errors.messages());
    }

    #[test]
    fn missing_crate_path_is_an_error() {
        let mut errors = Errors::default();
        assert!(parse_call_args("spawn", quote!(work()), &mut errors).is_err());
        assert!(parse_call_args("spawn", quote!(), &mut errors).is_err());
    }
}
