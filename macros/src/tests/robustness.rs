//! No input makes a macro panic: random token streams, and valid inputs mutated at random
//! (tokens deleted, duplicated, replaced, inserted, groups emptied), go through every
//! expansion function. Each output must either contain a `compile_error!` or be valid Rust
//! syntax of the expected kind (items for the attributes, an expression for `spawn!`,
//! `gather!` and `try_gather!`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

use crate::entry::options::Configuration;
use crate::entry::{self, EntryKind};
use crate::errors::Errors;
use crate::{gather, spawn, try_gather};

/// Inputs per expansion function and per kind (random, mutated).
const ROUNDS: usize = 10_000;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const IDENTS: &[&str] = &[
    "flavor",
    "worker_threads",
    "signals",
    "crate",
    "name",
    "return_exceptions",
    "async",
    "fn",
    "main",
    "self",
    "Self",
    "test",
    "x",
    "pub",
    "move",
    "struct",
    "impl",
    "mut",
    "ref",
    "const",
    "unsafe",
    "extern",
    "where",
    "dyn",
    "true",
    "false",
    "multi_thread",
    "_",
    "await",
    "r#type",
];
const STRINGS: &[&str] = &["current_thread", "multi_thread", "", "a b", "::x"];
const PUNCTS: &[char] = &[
    '=', ',', ':', ';', '!', '#', '&', '<', '>', '-', '?', '.', '*', '\'', '|', '@', '+', '/',
];

fn random_tree(rng: &mut Rng, depth: usize) -> TokenTree {
    match rng.below(if depth == 0 { 3 } else { 4 }) {
        0 => {
            let name = *rng.pick(IDENTS);
            match name.strip_prefix("r#") {
                Some(raw) => TokenTree::Ident(Ident::new_raw(raw, Span::call_site())),
                None => TokenTree::Ident(Ident::new(name, Span::call_site())),
            }
        }
        1 => {
            let spacing = if rng.below(3) == 0 {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            TokenTree::Punct(Punct::new(*rng.pick(PUNCTS), spacing))
        }
        2 => TokenTree::Literal(match rng.below(6) {
            0 => Literal::string(rng.pick::<&str>(STRINGS)),
            1 => Literal::u64_unsuffixed(rng.next() % 5),
            2 => Literal::u64_unsuffixed(rng.next()),
            3 => Literal::f64_unsuffixed(1.5),
            4 => Literal::character('c'),
            _ => Literal::i8_suffixed(-1),
        }),
        _ => {
            let delimiter = *rng.pick(&[
                Delimiter::Parenthesis,
                Delimiter::Brace,
                Delimiter::Bracket,
                Delimiter::None,
            ]);
            TokenTree::Group(Group::new(delimiter, random_stream(rng, depth - 1)))
        }
    }
}

fn random_stream(rng: &mut Rng, depth: usize) -> TokenStream {
    let len = rng.below(8);
    (0..len).map(|_| random_tree(rng, depth)).collect()
}

/// Applies one to three random edits to `stream`, at any depth.
fn mutate(rng: &mut Rng, stream: &TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.clone().into_iter().collect();
    for _ in 0..=rng.below(3) {
        let at = if trees.is_empty() {
            0
        } else {
            rng.below(trees.len())
        };
        match rng.below(6) {
            0 if !trees.is_empty() => {
                let _ = trees.remove(at);
            }
            1 if !trees.is_empty() => {
                let copy = trees[at].clone();
                trees.insert(at, copy);
            }
            2 if !trees.is_empty() => trees[at] = random_tree(rng, 1),
            3 => trees.insert(at, random_tree(rng, 1)),
            4 if !trees.is_empty() => {
                if let TokenTree::Group(group) = &trees[at] {
                    let inner = mutate(rng, &group.stream());
                    trees[at] = TokenTree::Group(Group::new(group.delimiter(), inner));
                }
            }
            _ => trees.truncate(at),
        }
    }
    trees.into_iter().collect()
}

/// Whether `out` holds a `compile_error!` invocation.
fn has_compile_error(out: &TokenStream) -> bool {
    out.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "compile_error",
        TokenTree::Group(group) => has_compile_error(&group.stream()),
        _ => false,
    })
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    errors: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(
        &mut self,
        what: &str,
        input: &str,
        expand: impl FnOnce() -> TokenStream,
        valid: impl FnOnce(TokenStream) -> bool,
    ) {
        self.inputs += 1;
        match catch_unwind(AssertUnwindSafe(expand)) {
            Err(_) => self.failures.push(format!("{what} panicked on: {input}")),
            Ok(out) if has_compile_error(&out) => self.errors += 1,
            Ok(out) => {
                if !valid(out.clone()) {
                    self.failures.push(format!(
                        "{what}: invalid output without error for {input}: {out}"
                    ));
                }
            }
        }
    }
}

fn is_items(out: TokenStream) -> bool {
    syn::parse2::<syn::File>(out).is_ok()
}

fn is_expr(out: TokenStream) -> bool {
    syn::parse2::<syn::Expr>(out).is_ok()
}

#[test]
#[allow(clippy::too_many_lines)]
fn no_input_makes_a_macro_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut tally = Tally::default();

    let arg_seeds = [
        quote!(),
        quote!(flavor = "multi_thread", worker_threads = 4),
        quote!(crate = "my_asyncio", flavor = "current_thread"),
        quote!(crate = ::a::b),
        quote!(signals = false),
    ];
    let fn_seeds = [
        quote!(
            async fn main() {}
        ),
        quote!(
            #[doc = "x"]
            pub async fn f((a, b): (u8, u8), mut c: u8) -> Result<(), E> {
                Ok(())
            }
        ),
        quote!(
            async fn g<'a>(x: &'a str) -> impl Debug + 'a {
                x
            }
        ),
        quote!(
            async fn h() -> Self {
                Self::new()
            }
        ),
    ];
    let call_seeds = [
        quote!([::asyncio] work()),
        quote!([::asyncio] work(), name = "w"),
        quote!([::asyncio] a(), b::<u8, u16>(), return_exceptions = true),
        quote!([::asyncio]),
    ];

    // Silence the default hook: a panic is recorded as a failure and reported below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for round in 0..ROUNDS {
        let (args, item) = if round % 2 == 0 {
            (random_stream(&mut rng, 2), random_stream(&mut rng, 2))
        } else {
            let args = rng.pick(&arg_seeds).clone();
            let item = rng.pick(&fn_seeds).clone();
            (mutate(&mut rng, &args), mutate(&mut rng, &item))
        };
        let kind = if round % 3 == 0 {
            EntryKind::Test
        } else {
            EntryKind::Main
        };
        let input = format!("{kind:?} ({args}) {item}");
        // The body is not parsed by the macro: a broken body is the compiler's to report,
        // so the output may only be invalid when the input item was.
        let item_is_valid = syn::parse2::<syn::Item>(item.clone()).is_ok();
        tally.check(
            "entry",
            &input,
            || entry::expand(kind, args.clone(), item.clone()),
            |out| is_items(out) || !item_is_valid,
        );
        let input = format!("{kind:?} ({args})");
        tally.check(
            "entry options",
            &input,
            || {
                let mut errors = Errors::default();
                let run_config =
                    Configuration::parse(kind, args.clone(), &mut errors).build(&mut errors);
                if errors.is_empty() {
                    run_config
                } else {
                    errors.to_compile_errors()
                }
            },
            is_expr,
        );

        let call = if round % 2 == 0 {
            let mut call = quote!([::asyncio]);
            call.extend(random_stream(&mut rng, 2));
            if round % 4 == 0 {
                random_stream(&mut rng, 2)
            } else {
                call
            }
        } else {
            let seed = rng.pick(&call_seeds).clone();
            mutate(&mut rng, &seed)
        };
        let input = call.to_string();
        tally.check("spawn", &input, || spawn::expand(call.clone()), is_expr);
        tally.check("gather", &input, || gather::expand(call.clone()), is_expr);
        tally.check(
            "try_gather",
            &input,
            || try_gather::expand(call.clone()),
            is_expr,
        );
    }
    std::panic::set_hook(hook);

    println!(
        "robustness: {} inputs, {} gave compile errors, {} expanded to valid code",
        tally.inputs,
        tally.errors,
        tally.inputs - tally.errors - tally.failures.len()
    );
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    // The generator must exercise both outcomes.
    assert!(tally.errors > tally.inputs / 4);
    assert!(tally.errors < tally.inputs);
}
