//! The options of `#[async_main]` and `#[async_test]`: the `RunConfig` expression they give,
//! and their errors, every one at once.

use proc_macro2::TokenStream;
use quote::quote;

use crate::entry::options::Configuration;
use crate::entry::EntryKind;
use crate::errors::Errors;

/// The `RunConfig` expression and the error messages for `args`.
fn configure(kind: EntryKind, args: TokenStream) -> (String, Vec<String>) {
    let mut errors = Errors::default();
    let run_config = Configuration::parse(kind, args, &mut errors).build(&mut errors);
    (run_config.to_string(), errors.messages())
}

fn parse(args: TokenStream) -> (String, Vec<String>) {
    configure(EntryKind::Main, args)
}

#[test]
fn empty_arguments_give_the_default_run_config() {
    let (run_config, errors) = parse(quote!());
    assert!(errors.is_empty());
    assert_eq!(run_config, ":: asyncio :: RunConfig :: new ()");
}

#[test]
fn every_option_is_the_run_config_method_of_its_name_in_table_order() {
    let (run_config, errors) = parse(quote!(
        signals = false,
        crate = "my_asyncio",
        worker_threads = 4,
        flavor = "multi_thread",
    ));
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(
        run_config,
        "my_asyncio :: RunConfig :: new () . flavor (my_asyncio :: Flavor :: MultiThread) \
         . worker_threads (4) . signals (false)"
    );
    let (run_config, _) = parse(quote!(flavor = "current_thread"));
    assert_eq!(
        run_config,
        ":: asyncio :: RunConfig :: new () . flavor (:: asyncio :: Flavor :: CurrentThread)"
    );
}

#[test]
fn worker_threads_is_passed_without_its_suffix() {
    let (run_config, errors) = parse(quote!(flavor = "multi_thread", worker_threads = 2usize));
    assert!(errors.is_empty(), "{errors:?}");
    assert!(run_config.ends_with(". worker_threads (2)"), "{run_config}");
}

#[test]
fn crate_accepts_a_bare_path_and_a_string_path() {
    let (run_config, errors) = parse(quote!(crate = ::reexports::asyncio));
    assert!(errors.is_empty());
    assert_eq!(run_config, ":: reexports :: asyncio :: RunConfig :: new ()");
    let (run_config, errors) = parse(quote!(crate = "::a::b"));
    assert!(errors.is_empty());
    assert_eq!(run_config, ":: a :: b :: RunConfig :: new ()");
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
    assert!(
        errors[2].contains("`flavor`, `worker_threads`, `signals`, `unhandled_panic` and `crate`")
    );
    assert!(errors[3].contains("`not a path` is not a path"));
    assert_eq!(errors[4], "option `flavor` is given twice");
}

#[test]
fn an_option_with_a_wrong_value_still_counts_as_given() {
    let (run_config, errors) = parse(quote!(flavor = "fast", flavor = "multi_thread"));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[1], "option `flavor` is given twice");
    assert_eq!(run_config, ":: asyncio :: RunConfig :: new ()");
    let (_, errors) = parse(quote!(signals, signals = false));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[1], "option `signals` is given twice");
}

#[test]
fn worker_threads_needs_multi_thread() {
    let (run_config, errors) = parse(quote!(worker_threads = 2));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("needs `flavor = \"multi_thread\"`"));
    // Left out, or `RunConfig::run` would panic.
    assert!(!run_config.contains("worker_threads"), "{run_config}");
    let (_, errors) = parse(quote!(flavor = "current_thread", worker_threads = 2));
    assert_eq!(errors.len(), 1);
    let (_, errors) = parse(quote!(worker_threads = 2, flavor = "multi_thread"));
    assert!(errors.is_empty(), "{errors:?}");
    // A wrong flavor is the error to fix first.
    let (_, errors) = parse(quote!(worker_threads = 2, flavor = "fast"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("unknown flavor"), "{errors:?}");
}

#[test]
fn wrong_value_types_are_rejected() {
    let (_, errors) = parse(quote!(flavor = multi_thread));
    assert_eq!(
        errors,
        ["`flavor` expects a string: write `flavor = \"multi_thread\"`"]
    );
    let (_, errors) = parse(quote!(flavor = 1));
    assert_eq!(
        errors,
        ["`flavor` expects a string: \"current_thread\" or \"multi_thread\""]
    );
    let (_, errors) = parse(quote!(flavor = "multi_thread", worker_threads = "4"));
    assert_eq!(
        errors,
        ["`worker_threads` expects a positive integer, e.g. `worker_threads = 4`"]
    );
    let (_, errors) = parse(quote!(flavor = "multi_thread", worker_threads = -4));
    assert_eq!(errors.len(), 1);
    let (_, errors) = parse(quote!(crate = 5));
    assert!(errors[0].contains("`crate` expects a path"));
}

#[test]
fn signals_takes_a_bool_literal_once() {
    let (run_config, errors) = parse(quote!(signals = true));
    assert!(errors.is_empty(), "{errors:?}");
    assert!(run_config.ends_with(". signals (true)"), "{run_config}");
    for wrong in [
        quote!(signals = 1),
        quote!(signals = "false"),
        quote!(signals = off),
    ] {
        let (run_config, errors) = parse(wrong.clone());
        assert_eq!(
            errors,
            ["`signals` expects `true` or `false`, e.g. `signals = false`"],
            "{wrong}"
        );
        assert!(!run_config.contains("signals"), "{run_config}");
    }
    let (_, errors) = parse(quote!(signals = false, signals = true));
    assert_eq!(errors, ["option `signals` is given twice"]);
    let (_, errors) = parse(quote!(signals));
    assert_eq!(
        errors,
        ["option `signals` needs a value: `signals = false`"]
    );
    let (_, errors) = parse(quote!(signal = false));
    assert!(errors[0].contains("did you mean `signals`?"), "{errors:?}");
}

#[test]
fn a_test_always_turns_signals_off() {
    for args in [quote!(), quote!(signals = false), quote!(signals = 1)] {
        let (run_config, _) = configure(EntryKind::Test, args);
        assert_eq!(
            run_config,
            ":: asyncio :: RunConfig :: new () . signals (false) \
             . unhandled_panic (:: asyncio :: UnhandledPanic :: Fail)"
        );
    }
    let (run_config, errors) = configure(EntryKind::Test, quote!(signals = true));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("#[async_test] never handles Ctrl-C"));
    assert_eq!(
        run_config,
        ":: asyncio :: RunConfig :: new () . signals (false) \
         . unhandled_panic (:: asyncio :: UnhandledPanic :: Fail)"
    );
}

#[test]
fn missing_values_and_separators_are_reported() {
    let (_, errors) = parse(quote!(flavor));
    assert!(errors[0].contains("needs a value"));
    let (_, errors) = parse(quote!(flavor =));
    assert_eq!(
        errors,
        ["expected a string: \"current_thread\" or \"multi_thread\" after `=`"]
    );
    let (_, errors) = parse(quote!(flavor "multi_thread"));
    assert!(errors[0].contains("expected `=` after `flavor`"));
    let (_, errors) = parse(quote!(, flavor = "multi_thread"));
    assert!(errors[0].contains("before this comma"));
    let (_, errors) = parse(quote!(flavor = "multi_thread",));
    assert!(errors.is_empty(), "{errors:?}");
    let (_, errors) = parse(quote!(multi_thread));
    assert!(errors[0].contains("write `flavor = \"multi_thread\"`"));
    let (_, errors) = parse(quote!(threads = 4));
    assert!(errors[0].ends_with("; did you mean `worker_threads`?"));
    let (_, errors) = parse(quote!(42));
    assert!(errors[0].contains("expected an option"));
}

#[test]
fn a_test_fails_on_an_unretrieved_panic_unless_told_otherwise() {
    let (run_config, errors) = configure(EntryKind::Test, quote!());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        run_config.ends_with(". unhandled_panic (:: asyncio :: UnhandledPanic :: Fail)"),
        "{run_config}"
    );
    let (run_config, _) = configure(EntryKind::Test, quote!(unhandled_panic = "ignore"));
    assert!(
        run_config.ends_with(". unhandled_panic (:: asyncio :: UnhandledPanic :: Ignore)"),
        "{run_config}"
    );
    let (run_config, _) = configure(EntryKind::Main, quote!());
    assert!(!run_config.contains("unhandled_panic"), "{run_config}");
    let (_, errors) = configure(EntryKind::Main, quote!(unhandled_panic = "abort"));
    assert!(
        errors[0].contains("unknown unhandled_panic `abort`: expected \"ignore\" or \"fail\""),
        "{errors:?}"
    );
}
