//! What `#[async_main]` and `#[async_test]` expand to, and the errors about the function they
//! are put on (the errors about their options are in `options.rs`).

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use crate::entry::{expand, EntryKind};

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
                ::asyncio::RunConfig::new().run(main())
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
        "my_asyncio :: RunConfig :: new () . flavor (my_asyncio :: Flavor :: MultiThread) . worker_threads (4) . run (main ())"
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
        out.contains(":: asyncio :: RunConfig :: new () . signals (false) . run (main ())"),
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
        out.starts_with("# [doc = \"Runs.\"] # [inline] pub (crate) fn serve (port : u16) -> u16"),
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
