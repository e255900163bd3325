//! The kinds of value the options take: how each is checked, and the argument it becomes in
//! the `RunConfig` call named after its option (`worker_threads = 4` is
//! `.worker_threads(4)`).
//!
//! A kind serves every option of its type: a new `= true | false` option is a `LitBool`, a
//! new `= "word" | "word"` option naming a variant of a runtime enum is a [`Choice`] (one
//! [`Words`] impl says which enum and which words).

use std::marker::PhantomData;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Ident, Lit, LitBool, LitInt, LitStr, Path};

use super::arguments::Value;
use super::options::Spec;

/// The value of an option.
pub(super) trait OptionValue: Sized {
    /// Words the value is written as (`"multi_thread"`), so that one given bare, as an
    /// option of its own, gets a hint.
    const WORDS: &'static [&'static str] = &[];

    /// What the value must be, for messages: "a positive integer, e.g. `worker_threads = 4`".
    fn expected(spec: &Spec) -> String;

    /// Checks the tokens after `=`, which are not empty.
    fn parse(spec: &Spec, value: &Value) -> syn::Result<Self>;

    /// The argument of the `RunConfig` method named after the option, with the user's span;
    /// `None` for an option of the macro itself (`crate`).
    fn argument(&self, crate_path: &TokenStream) -> Option<TokenStream>;
}

/// A runtime enum that an option names a variant of: `flavor = "multi_thread"` is
/// `Flavor::MultiThread`. The variant is the word in CamelCase.
pub(super) trait Words {
    /// The enum's name, under the crate's root: `Flavor`.
    const ENUM: &'static str;
    /// The words, in the order error messages list them.
    const WORDS: &'static [&'static str];
}

/// `flavor = "current_thread" | "multi_thread"`: `asyncio::Flavor`.
pub(super) enum Flavor {}

impl Words for Flavor {
    const ENUM: &'static str = "Flavor";
    const WORDS: &'static [&'static str] = &["current_thread", "multi_thread"];
}

/// `unhandled_panic = "ignore" | "fail"`: `asyncio::UnhandledPanic`.
pub(super) enum UnhandledPanic {}

impl Words for UnhandledPanic {
    const ENUM: &'static str = "UnhandledPanic";
    const WORDS: &'static [&'static str] = &["ignore", "fail"];
}

/// One of the words of `E`, as the variant it names.
pub(super) struct Choice<E> {
    /// The word, as listed in `E::WORDS`.
    word: &'static str,
    /// The variant, with the span of the user's string.
    variant: Ident,
    words: PhantomData<E>,
}

impl<E: Words> Choice<E> {
    /// The value `word` (one of `E::WORDS`), as a default the user did not write.
    pub(super) fn implied(word: &'static str) -> Self {
        debug_assert!(E::WORDS.contains(&word));
        Choice {
            word,
            variant: Ident::new(&camel_case(word), Span::call_site()),
            words: PhantomData,
        }
    }
}

impl<E> Choice<E> {
    /// Whether the value is `word`.
    pub(super) fn is(&self, word: &str) -> bool {
        self.word == word
    }
}

impl<E: Words> OptionValue for Choice<E> {
    const WORDS: &'static [&'static str] = E::WORDS;

    fn expected(_: &Spec) -> String {
        format!("a string: {}", quoted_list(E::WORDS))
    }

    fn parse(spec: &Spec, value: &Value) -> syn::Result<Self> {
        let name = spec.name;
        let lit = single_literal(spec, value, &Self::expected(spec)).map_err(|error| {
            // `flavor = multi_thread`: show the fix.
            let bare = value.tokens.to_string();
            match E::WORDS.iter().find(|word| **word == bare) {
                Some(word) => syn::Error::new_spanned(
                    &value.tokens,
                    format!("`{name}` expects a string: write `{name} = \"{word}\"`"),
                ),
                None => error,
            }
        })?;
        let Lit::Str(lit) = lit else {
            return Err(expects(spec, lit.span(), &Self::expected(spec)));
        };
        let written = lit.value();
        match E::WORDS.iter().find(|word| **word == written) {
            Some(word) => Ok(Choice {
                word,
                variant: Ident::new(&camel_case(word), lit.span()),
                words: PhantomData,
            }),
            None => Err(syn::Error::new(
                lit.span(),
                format!(
                    "unknown {name} `{}`: expected {}",
                    written.escape_debug(),
                    quoted_list(E::WORDS)
                ),
            )),
        }
    }

    fn argument(&self, crate_path: &TokenStream) -> Option<TokenStream> {
        let enum_name = Ident::new(E::ENUM, Span::call_site());
        let variant = &self.variant;
        Some(quote!(#crate_path::#enum_name::#variant))
    }
}

/// A number of threads: a positive integer literal.
pub(super) struct ThreadCount(LitInt);

impl OptionValue for ThreadCount {
    fn expected(spec: &Spec) -> String {
        format!("a positive integer, e.g. {}", spec.example)
    }

    fn parse(spec: &Spec, value: &Value) -> syn::Result<Self> {
        let expected = Self::expected(spec);
        let lit = single_literal(spec, value, &expected)?;
        let Lit::Int(lit) = lit else {
            return Err(expects(spec, lit.span(), &expected));
        };
        match lit.base10_parse::<usize>() {
            Ok(0) => Err(syn::Error::new(
                lit.span(),
                format!(
                    "`{}` must be at least 1: the pool needs a thread to run tasks",
                    spec.name
                ),
            )),
            // Without the suffix: `4u8` is passed as the `usize` 4.
            Ok(n) => Ok(ThreadCount(LitInt::new(&n.to_string(), lit.span()))),
            Err(error) => Err(expects(spec, lit.span(), &format!("{expected}: {error}"))),
        }
    }

    fn argument(&self, _: &TokenStream) -> Option<TokenStream> {
        let count = &self.0;
        Some(quote!(#count))
    }
}

/// `true` or `false`.
impl OptionValue for LitBool {
    fn expected(spec: &Spec) -> String {
        format!("`true` or `false`, e.g. {}", spec.example)
    }

    fn parse(spec: &Spec, value: &Value) -> syn::Result<Self> {
        let expected = Self::expected(spec);
        match single_literal(spec, value, &expected)? {
            Lit::Bool(lit) => Ok(lit),
            lit => Err(expects(spec, lit.span(), &expected)),
        }
    }

    fn argument(&self, _: &TokenStream) -> Option<TokenStream> {
        Some(quote!(#self))
    }
}

/// The path of the `asyncio` crate: `crate = "my_asyncio"` or `crate = ::my_asyncio`. Used in
/// the expansion's paths, not passed to `RunConfig`.
impl OptionValue for Path {
    fn expected(spec: &Spec) -> String {
        format!("a path to the asyncio crate, e.g. {}", spec.example)
    }

    fn parse(spec: &Spec, value: &Value) -> syn::Result<Self> {
        let expected = Self::expected(spec);
        if let Ok(lit) = syn::parse2::<LitStr>(value.tokens.clone()) {
            return lit.parse_with(Path::parse_mod_style).map_err(|_| {
                let not_a_path =
                    format!("{expected}; `{}` is not a path", lit.value().escape_debug());
                expects(spec, lit.span(), &not_a_path)
            });
        }
        Parser::parse2(Path::parse_mod_style, value.tokens.clone())
            .map_err(|_| expects(spec, value.tokens.span(), &expected))
    }

    fn argument(&self, _: &TokenStream) -> Option<TokenStream> {
        None
    }
}

/// "`name` expects {expected}", at `span`.
fn expects(spec: &Spec, span: Span, expected: &str) -> syn::Error {
    syn::Error::new(span, format!("`{}` expects {expected}", spec.name))
}

/// The value as a single literal; anything else is an error over the whole value.
fn single_literal(spec: &Spec, value: &Value, expected: &str) -> syn::Result<Lit> {
    syn::parse2::<Lit>(value.tokens.clone()).map_err(|_| {
        syn::Error::new_spanned(&value.tokens, format!("`{}` expects {expected}", spec.name))
    })
}

/// `"a" or "b"`, `"a", "b" or "c"`.
fn quoted_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// `multi_thread` → `MultiThread`.
fn camel_case(word: &str) -> String {
    word.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}
