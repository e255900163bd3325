//! The arguments of `#[async_main(...)]` and `#[async_test(...)]`.
//!
//! `flavor = "current_thread" | "multi_thread"`, `worker_threads = N` (`multi_thread` only,
//! `N > 0`), `signals = true | false` (Ctrl-C handling, `async_main` only) and `crate = "path"`
//! (or `crate = path`). The argument list is split at its
//! top-level commas and every option is parsed on its own, so one malformed option does not
//! hide the mistakes in the others: every error is collected and reported together.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Ident, Lit, LitBool, LitInt, LitStr, Path, Token};

use crate::errors::Errors;

/// The valid options, as listed in error messages.
const VALID_OPTIONS: &str = "`flavor`, `worker_threads`, `signals` and `crate`";

/// The names of the valid options.
fn is_option(key: &str) -> bool {
    matches!(key, "flavor" | "worker_threads" | "signals" | "crate")
}

/// How the runtime runs the tasks of the program.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flavor {
    /// Python's event loop: every task on the calling thread.
    CurrentThread,
    /// Tasks on a pool of worker threads.
    MultiThread,
}

/// The checked options. Fields are `None` when the option was not given (or was invalid).
#[derive(Default)]
pub(crate) struct EntryArgs {
    /// `flavor = "..."`, with the span of the string.
    pub(crate) flavor: Option<(Flavor, Span)>,
    /// `worker_threads = N`, a literal with the user's span.
    pub(crate) worker_threads: Option<LitInt>,
    /// `signals = true | false`, the literal with the user's span.
    pub(crate) signals: Option<LitBool>,
    /// `crate = ...`: the path of the `asyncio` crate, `::asyncio` when absent.
    pub(crate) crate_path: Option<Path>,
}

impl EntryArgs {
    /// The crate path to use in the expansion.
    pub(crate) fn crate_path(&self) -> TokenStream {
        self.crate_path
            .as_ref()
            .map_or_else(|| quote::quote!(::asyncio), ToTokens::to_token_stream)
    }
}

/// Parses the attribute's arguments. Always returns the options it could understand, along
/// with every error it found, so the caller can still expand the function.
pub(crate) fn parse_entry_args(args: TokenStream) -> (EntryArgs, Errors) {
    let mut parsed = EntryArgs::default();
    let mut errors = Errors::default();
    // The key of each option seen so far, to reject duplicates.
    let mut seen: Vec<String> = Vec::new();
    let mut worker_threads_key: Option<Ident> = None;
    let mut flavor_invalid = false;

    for segment in split_at_commas(args, &mut errors) {
        let Some(option) = errors.push_result(Parser::parse2(RawOption::parse, segment)) else {
            continue;
        };
        let key_name = option.key.unraw().to_string();
        if !is_option(&key_name) {
            errors.push(unknown_option(&option.key, &key_name));
            continue;
        }
        if seen.contains(&key_name) {
            errors.push(syn::Error::new(
                option.key.span(),
                format!("option `{key_name}` is given twice"),
            ));
            continue;
        }
        seen.push(key_name.clone());
        let Some(value) = option.value else {
            errors.push(syn::Error::new(
                option.key.span(),
                format!("option `{key_name}` needs a value: {}", example(&key_name)),
            ));
            if key_name == "flavor" {
                flavor_invalid = true;
            }
            continue;
        };
        match key_name.as_str() {
            "flavor" => match parse_flavor(&value) {
                Ok(flavor) => parsed.flavor = Some(flavor),
                Err(error) => {
                    flavor_invalid = true;
                    errors.push(error);
                }
            },
            "worker_threads" => {
                worker_threads_key = Some(option.key.clone());
                if let Some(lit) = errors.push_result(parse_worker_threads(&value)) {
                    parsed.worker_threads = Some(lit);
                }
            }
            "signals" => {
                if let Some(lit) = errors.push_result(parse_signals(&value)) {
                    parsed.signals = Some(lit);
                }
            }
            _ => {
                if let Some(path) = errors.push_result(parse_crate_path(&value)) {
                    parsed.crate_path = Some(path);
                }
            }
        }
    }

    // `worker_threads` only makes sense for the thread pool. Not checked when the flavor
    // itself was wrong: that error is the one to fix first.
    if let Some(key) = worker_threads_key {
        let multi = matches!(parsed.flavor, Some((Flavor::MultiThread, _)));
        if !multi && !flavor_invalid {
            errors.push(syn::Error::new(
                key.span(),
                "`worker_threads` needs `flavor = \"multi_thread\"`: the current_thread flavor \
                 runs every task on the calling thread",
            ));
            parsed.worker_threads = None;
        }
    }
    (parsed, errors)
}

/// One `key = value` (or a bare `key`) between two commas.
struct RawOption {
    key: Ident,
    /// The tokens after `=`, `None` when there is no `=`.
    value: Option<Value>,
}

/// The tokens of an option's value, and the span of the `=` for an empty value.
struct Value {
    tokens: TokenStream,
    eq_span: Span,
}

impl Parse for RawOption {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if !lookahead.peek(Ident::peek_any) {
            return Err(input.error(format!("expected an option: one of {VALID_OPTIONS}")));
        }
        let key = Ident::parse_any(input)?;
        if input.is_empty() {
            return Ok(RawOption { key, value: None });
        }
        if !input.peek(Token![=]) {
            // `crate::path` or `multi_thread` or `flavor "x"`: an unknown option, or a known
            // one without `=`. Report at the key, which is what needs fixing.
            let key_name = key.unraw().to_string();
            return Err(match key_name.as_str() {
                name if is_option(name) => syn::Error::new(
                    input.span(),
                    format!("expected `=` after `{key_name}`: {}", example(&key_name)),
                ),
                _ => unknown_option(&key, &key_name),
            });
        }
        let eq: Token![=] = input.parse()?;
        let tokens: TokenStream = input.parse()?;
        Ok(RawOption {
            key,
            value: Some(Value {
                tokens,
                eq_span: eq.span,
            }),
        })
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "flavor" => "`flavor = \"multi_thread\"` or `flavor = \"current_thread\"`",
        "worker_threads" => "`worker_threads = 4`",
        "signals" => "`signals = false`",
        _ => "`crate = \"my_asyncio\"`",
    }
}

fn unknown_option(key: &Ident, key_name: &str) -> syn::Error {
    let hint = match key_name {
        "multi_thread" | "current_thread" => {
            format!("; to choose the flavor, write `flavor = \"{key_name}\"`")
        }
        "threads" | "workers" | "worker_thread" | "num_threads" => {
            "; did you mean `worker_threads`?".to_owned()
        }
        "signal" | "ctrl_c" | "sigint" => "; did you mean `signals`?".to_owned(),
        _ => String::new(),
    };
    syn::Error::new(
        key.span(),
        format!("unknown option `{key_name}`: the valid options are {VALID_OPTIONS}{hint}"),
    )
}

/// Splits the arguments at top-level commas. An empty argument between two commas (or a
/// leading comma) is an error; one trailing comma is allowed.
fn split_at_commas(args: TokenStream, errors: &mut Errors) -> Vec<TokenStream> {
    let mut segments = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    for tree in args {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ',' => {
                if current.is_empty() {
                    errors.push(syn::Error::new(
                        punct.span(),
                        format!("expected an option before this comma: one of {VALID_OPTIONS}"),
                    ));
                } else {
                    segments.push(current.drain(..).collect());
                }
            }
            _ => current.push(tree),
        }
    }
    if !current.is_empty() {
        segments.push(current.into_iter().collect());
    }
    segments
}

fn empty_value(value: &Value, what: &str) -> syn::Error {
    syn::Error::new(value.eq_span, format!("expected {what} after `=`"))
}

/// Parses a single literal that fills the whole value of option `key`.
fn single_literal(value: &Value, key: &str, what: &str) -> syn::Result<Lit> {
    if value.tokens.is_empty() {
        return Err(empty_value(value, what));
    }
    match syn::parse2::<Lit>(value.tokens.clone()) {
        Ok(lit) => Ok(lit),
        Err(_) => Err(syn::Error::new_spanned(
            &value.tokens,
            format!("`{key}` expects {what}"),
        )),
    }
}

const FLAVOR_EXPECTED: &str = "a string: \"current_thread\" or \"multi_thread\"";

fn parse_flavor(value: &Value) -> syn::Result<(Flavor, Span)> {
    let lit = single_literal(value, "flavor", FLAVOR_EXPECTED).map_err(|error| {
        // `flavor = multi_thread`: show the fix.
        let name = value.tokens.to_string();
        if name == "multi_thread" || name == "current_thread" {
            syn::Error::new_spanned(
                &value.tokens,
                format!("`flavor` expects a string: write `flavor = \"{name}\"`"),
            )
        } else {
            error
        }
    })?;
    let Lit::Str(lit) = lit else {
        return Err(syn::Error::new(
            lit.span(),
            format!("`flavor` expects {FLAVOR_EXPECTED}"),
        ));
    };
    match lit.value().as_str() {
        "current_thread" => Ok((Flavor::CurrentThread, lit.span())),
        "multi_thread" => Ok((Flavor::MultiThread, lit.span())),
        other => Err(syn::Error::new(
            lit.span(),
            format!(
                "unknown flavor `{}`: expected \"current_thread\" or \"multi_thread\"",
                other.escape_debug()
            ),
        )),
    }
}

fn parse_worker_threads(value: &Value) -> syn::Result<LitInt> {
    const EXPECTED: &str = "a positive integer, e.g. `worker_threads = 4`";
    let lit = single_literal(value, "worker_threads", EXPECTED)?;
    let Lit::Int(lit) = lit else {
        return Err(syn::Error::new(
            lit.span(),
            format!("`worker_threads` expects {EXPECTED}"),
        ));
    };
    match lit.base10_parse::<usize>() {
        Ok(0) => Err(syn::Error::new(
            lit.span(),
            "`worker_threads` must be at least 1: the pool needs a thread to run tasks",
        )),
        Ok(n) => Ok(LitInt::new(&n.to_string(), lit.span())),
        Err(error) => Err(syn::Error::new(
            lit.span(),
            format!("`worker_threads` expects {EXPECTED}: {error}"),
        )),
    }
}

fn parse_signals(value: &Value) -> syn::Result<LitBool> {
    const EXPECTED: &str = "`true` or `false`, e.g. `signals = false`";
    let lit = single_literal(value, "signals", EXPECTED)?;
    let Lit::Bool(lit) = lit else {
        return Err(syn::Error::new(
            lit.span(),
            format!("`signals` expects {EXPECTED}"),
        ));
    };
    Ok(lit)
}

fn parse_crate_path(value: &Value) -> syn::Result<Path> {
    const EXPECTED: &str =
        "a path to the asyncio crate, e.g. `crate = \"my_asyncio\"` or `crate = ::my_asyncio`";
    if value.tokens.is_empty() {
        return Err(empty_value(value, EXPECTED));
    }
    if let Ok(lit) = syn::parse2::<LitStr>(value.tokens.clone()) {
        return lit.parse_with(Path::parse_mod_style).map_err(|_| {
            syn::Error::new(
                lit.span(),
                format!(
                    "`crate` expects {EXPECTED}; `{}` is not a path",
                    lit.value().escape_debug()
                ),
            )
        });
    }
    Parser::parse2(Path::parse_mod_style, value.tokens.clone())
        .map_err(|_| syn::Error::new(value.tokens.span(), format!("`crate` expects {EXPECTED}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(args: TokenStream) -> (EntryArgs, Vec<String>) {
        let (parsed, errors) = parse_entry_args(args);
        (parsed, errors.messages())
    }

    #[test]
    fn empty_arguments_give_the_defaults() {
        let (args, errors) = parse(quote!());
        assert!(errors.is_empty());
        assert!(args.flavor.is_none());
        assert!(args.worker_threads.is_none());
        assert_eq!(args.crate_path().to_string(), ":: asyncio");
    }

    #[test]
    fn all_options_parse() {
        let (args, errors) = parse(quote!(
            flavor = "multi_thread",
            worker_threads = 4,
            signals = false,
            crate = "my_asyncio",
        ));
        assert_eq!(errors, Vec::<String>::new());
        assert!(!args.signals.as_ref().unwrap().value);
        assert_eq!(args.flavor.unwrap().0, Flavor::MultiThread);
        assert_eq!(args.worker_threads.as_ref().unwrap().to_string(), "4");
        assert_eq!(args.crate_path().to_string(), "my_asyncio");
    }

    #[test]
    fn crate_accepts_a_bare_path_and_a_string_path() {
        let (args, errors) = parse(quote!(crate = ::reexports::asyncio));
        assert!(errors.is_empty());
        assert_eq!(args.crate_path().to_string(), ":: reexports :: asyncio");
        let (args, errors) = parse(quote!(crate = "::a::b"));
        assert!(errors.is_empty());
        assert_eq!(args.crate_path().to_string(), ":: a :: b");
    }

    #[test]
    fn every_argument_error_is_reported_at_once() {
        let (_, errors) = parse(quote!(
            flavor = "mult_thread",
            worker_threads = 0,
            colour = "red",
            crate = "not a path",
            flavor = "current_thread"
        ));
        assert_eq!(errors.len(), 5, "{errors:#?}");
        assert!(errors[0].contains("unknown flavor `mult_thread`"));
        assert!(errors[1].contains("at least 1"));
        assert!(errors[2].contains("unknown option `colour`"));
        assert!(errors[2].contains("`flavor`, `worker_threads`, `signals` and `crate`"));
        assert!(errors[3].contains("`not a path` is not a path"));
        assert!(errors[4].contains("given twice"));
    }

    #[test]
    fn worker_threads_needs_multi_thread() {
        let (args, errors) = parse(quote!(worker_threads = 2));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("needs `flavor = \"multi_thread\"`"));
        assert!(args.worker_threads.is_none());
        let (_, errors) = parse(quote!(flavor = "current_thread", worker_threads = 2));
        assert_eq!(errors.len(), 1);
        let (_, errors) = parse(quote!(worker_threads = 2, flavor = "multi_thread"));
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn wrong_value_types_are_rejected() {
        let (_, errors) = parse(quote!(flavor = multi_thread));
        assert!(
            errors[0].contains("`flavor` expects a string")
                || errors[0].contains("expected a string")
        );
        let (_, errors) = parse(quote!(flavor = "multi_thread", worker_threads = "4"));
        assert!(errors[0].contains("`worker_threads` expects a positive integer"));
        let (_, errors) = parse(quote!(flavor = "multi_thread", worker_threads = -4));
        assert_eq!(errors.len(), 1);
        let (_, errors) = parse(quote!(crate = 5));
        assert!(errors[0].contains("`crate` expects a path"));
    }

    #[test]
    fn signals_takes_a_bool_literal_once() {
        let (args, errors) = parse(quote!(signals = true));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(args.signals.unwrap().value);
        for wrong in [
            quote!(signals = 1),
            quote!(signals = "false"),
            quote!(signals = off),
        ] {
            let (args, errors) = parse(wrong.clone());
            assert_eq!(errors.len(), 1, "{wrong}: {errors:?}");
            assert!(
                errors[0].contains("`signals` expects `true` or `false`"),
                "{wrong}: {errors:?}"
            );
            assert!(args.signals.is_none());
        }
        let (_, errors) = parse(quote!(signals = false, signals = true));
        assert_eq!(errors, ["option `signals` is given twice"]);
        let (_, errors) = parse(quote!(signals));
        assert!(errors[0].contains("`signals = false`"), "{errors:?}");
        let (_, errors) = parse(quote!(signal = false));
        assert!(errors[0].contains("did you mean `signals`?"), "{errors:?}");
    }

    #[test]
    fn missing_values_and_separators_are_reported() {
        let (_, errors) = parse(quote!(flavor));
        assert!(errors[0].contains("needs a value"));
        let (_, errors) = parse(quote!(flavor =));
        assert!(errors[0].contains("expected a string"), "{errors:?}");
        let (_, errors) = parse(quote!(flavor "multi_thread"));
        assert!(errors[0].contains("expected `=` after `flavor`"));
        let (_, errors) = parse(quote!(, flavor = "multi_thread"));
        assert!(errors[0].contains("before this comma"));
        let (_, errors) = parse(quote!(multi_thread));
        assert!(errors[0].contains("write `flavor = \"multi_thread\"`"));
        let (_, errors) = parse(quote!(42));
        assert!(errors[0].contains("expected an option"));
    }
}
