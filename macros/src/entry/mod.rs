//! `#[async_main]` and `#[async_test]`: turn an `async fn` into a plain `fn` that runs its
//! body on a fresh asyncio runtime.
//!
//! ```text
//! #[asyncio::async_main]                     fn main() -> R {
//! async fn main() -> R { body }      ==>         async fn main() -> R { body }
//!                                                ::asyncio::RunConfig::new().run(main())
//!                                            }
//! ```
//!
//! Only public API appears, so `cargo expand` shows code a user could have written: each
//! option is the `RunConfig` method of the same name, between `new()` and `run`
//! (`.flavor(::asyncio::Flavor::MultiThread).worker_threads(4)`), and `#[async_test]` adds
//! `.signals(false)`.
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
//!
//! The stages, each in its file: the arguments split into options (`arguments.rs`), checked
//! against the table of options into a `RunConfig` expression (`options.rs`, with the kinds of
//! value in `values.rs`); the function parsed and its signature checked (`signature.rs`);
//! then the expansion (`expansion.rs`).

mod arguments;
mod expansion;
pub(crate) mod options;
mod signature;
mod values;

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{ParseStream, Parser};

use crate::errors::Errors;
use options::Configuration;
use signature::EntryFn;

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EntryKind {
    /// `#[async_main]`
    Main,
    /// `#[async_test]`: also adds `#[test]`, and never handles Ctrl-C.
    Test,
}

impl EntryKind {
    /// The attribute as messages name it.
    fn attribute(self) -> &'static str {
        match self {
            EntryKind::Main => "#[async_main]",
            EntryKind::Test => "#[async_test]",
        }
    }
}

/// Expands the attribute. Never panics; errors become `compile_error!`s next to the
/// function, every argument error and every signature error at once.
pub(crate) fn expand(kind: EntryKind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let run_config = Configuration::parse(kind, args, &mut errors).build(&mut errors);
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
    let (function, checked) = signature::check(kind, function, &mut errors);
    let expanded = expansion::expand_function(kind, &run_config, function, checked);
    let errors = errors.to_compile_errors();
    quote!(#errors #expanded)
}
