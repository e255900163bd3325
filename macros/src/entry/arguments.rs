//! The arguments of `#[async_main(...)]` and `#[async_test(...)]` as written: split at their
//! top-level commas into options `key`, `key = value` or `key value`, before any name or value
//! is checked ([`options`](super::options) does that).
//!
//! Each option is split off on its own, so that one malformed option does not hide the
//! mistakes in the others.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, Token};

use crate::errors::Errors;

/// One option between two commas, its name not yet checked.
pub(super) struct RawOption {
    pub(super) key: Ident,
    pub(super) value: RawValue,
}

/// What follows the key of an option.
pub(super) enum RawValue {
    /// Nothing: `flavor`.
    Missing,
    /// Tokens without `=` (`flavor "multi_thread"`), with the span of the first one.
    NoEquals(Span),
    /// `= tokens`; the tokens may be empty.
    Given(Value),
}

/// The tokens after `=`, and the span of the `=` for an error about an empty value.
pub(super) struct Value {
    pub(super) tokens: TokenStream,
    pub(super) eq_span: Span,
}

/// Splits the arguments into options. What is not an option (a leading literal, an empty
/// argument between two commas) is reported in `errors`, naming the `valid` options.
pub(super) fn split(args: TokenStream, valid: &str, errors: &mut Errors) -> Vec<RawOption> {
    split_at_commas(args, valid, errors)
        .into_iter()
        .filter_map(|segment| {
            errors.push_result(Parser::parse2(
                |input: ParseStream| parse_option(input, valid),
                segment,
            ))
        })
        .collect()
}

fn parse_option(input: ParseStream, valid: &str) -> syn::Result<RawOption> {
    if !input.peek(Ident::peek_any) {
        return Err(input.error(format!("expected an option: one of {valid}")));
    }
    let key = Ident::parse_any(input)?;
    let value = if input.is_empty() {
        RawValue::Missing
    } else if input.peek(Token![=]) {
        let eq: Token![=] = input.parse()?;
        RawValue::Given(Value {
            tokens: input.parse()?,
            eq_span: eq.span,
        })
    } else {
        let span = input.span();
        let _rest: TokenStream = input.parse()?;
        RawValue::NoEquals(span)
    };
    Ok(RawOption { key, value })
}

/// Splits the arguments at top-level commas. An empty argument between two commas (or a
/// leading comma) is an error; one trailing comma is allowed.
fn split_at_commas(args: TokenStream, valid: &str, errors: &mut Errors) -> Vec<TokenStream> {
    let mut segments = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    for tree in args {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ',' => {
                if current.is_empty() {
                    errors.push(syn::Error::new(
                        punct.span(),
                        format!("expected an option before this comma: one of {valid}"),
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
