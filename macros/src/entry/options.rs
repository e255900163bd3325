//! The options of `#[async_main(...)]` and `#[async_test(...)]`, in one table, and the
//! [`Configuration`] they fill, as in tokio-macros: a setter per option that rejects a second
//! occurrence, then [`Configuration::build`], which checks the options that depend on each
//! other and gives the `RunConfig` expression.
//!
//! Each runtime option is the `RunConfig` method of the same name:
//! `#[async_main(flavor = "multi_thread", worker_threads = 4)]` gives
//! `::asyncio::RunConfig::new().flavor(::asyncio::Flavor::MultiThread).worker_threads(4)`,
//! the calls in the order of the table, each argument with the span of the user's value (a
//! type error points at the option).
//!
//! Every error is collected, each at the offending token, and the configuration keeps what is
//! valid, so that the function is still emitted.
//!
//! # Adding an option
//! One row in the table below: its name, the kind of its value (values.rs: `LitBool` for
//! `= true | false`, `Choice<E>` for a string naming a variant of a runtime enum, ...) and
//! an example for messages. The option then parses, is listed in messages, is rejected when
//! given twice, and becomes the call `.name(value)` on `RunConfig` (which must have that
//! method). Only a rule tying it to another option (`start_paused` with one flavor only, say)
//! goes in [`Configuration::build`], and a runtime enum not named by an option yet needs its
//! `Words` (its name and words) in values.rs.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ext::IdentExt;
use syn::{Ident, LitBool, Path};

use super::arguments::{self, RawOption, RawValue};
use super::values::{Choice, Flavor, OptionValue, ThreadCount, UnhandledPanic};
use super::EntryKind;
use crate::errors::Errors;

options! {
    /// `flavor = "current_thread" | "multi_thread"`: which threads run the tasks.
    flavor: Choice<Flavor> {
        example: "`flavor = \"multi_thread\"` or `flavor = \"current_thread\"`",
    }
    /// `worker_threads = N`, `N > 0`: the size of the pool (`multi_thread` only).
    worker_threads: ThreadCount {
        example: "`worker_threads = 4`",
        mistaken_for: ["threads", "workers", "worker_thread", "num_threads"],
    }
    /// `signals = true | false`: whether the first Ctrl-C cancels `main` (`false` for every
    /// `#[async_test]`).
    signals: LitBool {
        example: "`signals = false`",
        mistaken_for: ["signal", "ctrl_c", "sigint"],
    }
    /// `unhandled_panic = "ignore" | "fail"`: whether `run` fails when a task panicked and
    /// nobody retrieved the error (`"fail"` for every `#[async_test]` unless given).
    unhandled_panic: Choice<UnhandledPanic> {
        example: "`unhandled_panic = \"ignore\"` or `unhandled_panic = \"fail\"`",
        mistaken_for: ["unhandled_panics", "panics", "on_panic"],
    }
    /// `crate = "path"` or `crate = path`: the asyncio crate when it is renamed or
    /// re-exported (`::asyncio` otherwise). The root of the expansion's paths, not a call.
    crate_path: Path {
        name: "crate",
        example: "`crate = \"my_asyncio\"` or `crate = ::my_asyncio`",
    }
}

/// What messages say about an option: one row of the table.
pub(super) struct Spec {
    /// The name as written: `worker_threads`.
    pub(super) name: &'static str,
    /// A correct use, quoted in messages: "`worker_threads = 4`".
    pub(super) example: &'static str,
    /// Names users write for it by mistake, answered with "did you mean".
    mistaken_for: &'static [&'static str],
    /// The words its value is written as (`multi_thread`); one given bare gets a hint.
    words: &'static [&'static str],
}

/// An option as written: its key, for errors about the option as a whole, and its value once
/// checked (`None` when it was missing or wrong: that error is already reported).
struct Given<T> {
    key: Ident,
    value: Option<T>,
}

impl Configuration {
    /// Parses the attribute's arguments. Every error goes to `errors`; the configuration keeps
    /// the options that are valid.
    pub(crate) fn parse(kind: EntryKind, args: TokenStream, errors: &mut Errors) -> Self {
        let mut config = Configuration::new(kind);
        for option in arguments::split(args, &valid_options(), errors) {
            errors.push_result(config.set(option));
        }
        config
    }

    /// Checks the options that depend on each other or on the attribute, and returns the
    /// `RunConfig` expression. What an error concerns is left out of it, so that the
    /// expansion still compiles and the error is the only one.
    pub(crate) fn build(mut self, errors: &mut Errors) -> TokenStream {
        // `worker_threads` sizes the pool: `RunConfig::run` panics when it is set without
        // `Flavor::MultiThread`. Not checked when the flavor itself is wrong: that error is the
        // one to fix first.
        if let Some(workers) = &mut self.worker_threads {
            let multi_thread = match &self.flavor {
                None => Some(false),
                Some(flavor) => flavor.value.as_ref().map(|value| value.is("multi_thread")),
            };
            if multi_thread == Some(false) {
                errors.push(syn::Error::new(
                    workers.key.span(),
                    "`worker_threads` needs `flavor = \"multi_thread\"`: the current_thread \
                     flavor runs every task on the calling thread",
                ));
                workers.value = None;
            }
        }
        if self.kind == EntryKind::Test {
            self.turn_signals_off(errors);
            // A detached task's failed assertion fails the test, unless the test says otherwise.
            self.unhandled_panic.get_or_insert_with(|| Given {
                key: Ident::new("unhandled_panic", Span::call_site()),
                value: Some(Choice::implied("fail")),
            });
        }
        let crate_path = self
            .crate_path
            .as_ref()
            .and_then(|given| given.value.as_ref())
            .map_or_else(|| quote!(::asyncio), ToTokens::to_token_stream);
        let calls = self.calls(&crate_path);
        quote!(#crate_path::RunConfig::new() #calls)
    }

    /// A test shares its process with the other tests, so it never handles Ctrl-C: always
    /// `.signals(false)`, with the span of the user's `false` if there is one.
    fn turn_signals_off(&mut self, errors: &mut Errors) {
        let written = self.signals.take().and_then(|given| given.value);
        if let Some(lit) = written.as_ref().filter(|lit| lit.value) {
            errors.push(syn::Error::new(
                lit.span,
                format!(
                    "{} never handles Ctrl-C: a test shares its process with the other tests, \
                     so the handler is off; remove `signals = true`",
                    self.kind.attribute()
                ),
            ));
        }
        let off = written
            .filter(|lit| !lit.value)
            .unwrap_or_else(|| LitBool::new(false, Span::call_site()));
        self.signals = Some(Given {
            key: Ident::new("signals", off.span),
            value: Some(off),
        });
    }
}

/// The setter of every option: rejects a second occurrence (at its key), then checks the
/// value. The option counts as given even when its value is wrong, so that a later
/// occurrence is still reported as one too many.
fn set<T: OptionValue>(
    slot: &mut Option<Given<T>>,
    spec: &Spec,
    option: RawOption,
) -> syn::Result<()> {
    let RawOption { key, value } = option;
    let name = spec.name;
    let example = spec.example;
    if slot.is_some() {
        return Err(syn::Error::new(
            key.span(),
            format!("option `{name}` is given twice"),
        ));
    }
    let value = match value {
        RawValue::Missing => Err(syn::Error::new(
            key.span(),
            format!("option `{name}` needs a value: {example}"),
        )),
        RawValue::NoEquals(span) => Err(syn::Error::new(
            span,
            format!("expected `=` after `{name}`: {example}"),
        )),
        RawValue::Given(value) if value.tokens.is_empty() => Err(syn::Error::new(
            value.eq_span,
            format!("expected {} after `=`", T::expected(spec)),
        )),
        RawValue::Given(value) => T::parse(spec, &value),
    };
    let (value, result) = match value {
        Ok(value) => (Some(value), Ok(())),
        Err(error) => (None, Err(error)),
    };
    *slot = Some(Given { key, value });
    result
}

/// "`flavor`, `worker_threads`, `signals`, `unhandled_panic` and `crate`".
fn valid_options() -> String {
    let names: Vec<String> = OPTIONS
        .iter()
        .map(|spec| format!("`{}`", spec.name))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

fn unknown_option(key: &Ident, name: &str) -> syn::Error {
    let hint = OPTIONS
        .iter()
        .find_map(|spec| {
            if spec.words.contains(&name) {
                Some(format!(
                    "; to choose the {0}, write `{0} = \"{name}\"`",
                    spec.name
                ))
            } else if spec.mistaken_for.contains(&name) {
                Some(format!("; did you mean `{}`?", spec.name))
            } else {
                None
            }
        })
        .unwrap_or_default();
    syn::Error::new(
        key.span(),
        format!(
            "unknown option `{name}`: the valid options are {}{hint}",
            valid_options()
        ),
    )
}

/// Declares, from the table of options (each row: the field, the kind of its value and what
/// messages say about it), the fields of [`Configuration`], the list [`OPTIONS`], the
/// dispatch from a key to the setter of its field, and the `RunConfig` calls. Everything
/// follows the order of the rows.
macro_rules! options {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $kind:ty {
            $(name: $name:literal,)?
            example: $example:literal,
            $(mistaken_for: [$($typo:literal),* $(,)?],)?
        }
    )*) => {
        /// The options given so far; a field is `None` while its option is not given.
        pub(crate) struct Configuration {
            /// `#[async_main]` or `#[async_test]`.
            kind: EntryKind,
            $($(#[doc = $doc])* $field: Option<Given<$kind>>,)*
        }

        /// Every option, in the order of the rows.
        const OPTIONS: &[Spec] = &[$(Spec {
            name: option_name!($field $($name)?),
            example: $example,
            mistaken_for: &[$($($typo),*)?],
            words: <$kind as OptionValue>::WORDS,
        }),*];

        impl Configuration {
            fn new(kind: EntryKind) -> Self {
                Configuration { kind, $($field: None,)* }
            }

            /// Gives the option to the setter of its field.
            fn set(&mut self, option: RawOption) -> syn::Result<()> {
                let name = option.key.unraw().to_string();
                let Some(spec) = OPTIONS.iter().find(|spec| spec.name == name) else {
                    return Err(unknown_option(&option.key, &name));
                };
                $(if spec.name == option_name!($field $($name)?) {
                    return set(&mut self.$field, spec, option);
                })*
                // Not reached: every row is both in `OPTIONS` and a field.
                Err(unknown_option(&option.key, &name))
            }

            /// `.name(value)` for every option given with a valid value (`crate`, whose
            /// value is no argument, excepted).
            fn calls(&self, crate_path: &TokenStream) -> TokenStream {
                let mut calls = TokenStream::new();
                $(
                    let argument = self.$field.as_ref()
                        .and_then(|given| given.value.as_ref())
                        .and_then(|value| value.argument(crate_path));
                    if let Some(argument) = argument {
                        calls.extend(quote!(.$field(#argument)));
                    }
                )*
                calls
            }
        }
    };
}

/// The name of an option: its field's, or the one given (`crate`, a keyword).
macro_rules! option_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $name:literal) => {
        $name
    };
}

// Used above, before their definitions: imported by path, which does not depend on the order.
use {option_name, options};
