//! Expansion snapshots: what users see in `cargo expand`, checked in and compared, so that a
//! change in it is a reviewed diff.
//!
//! Every fixture `tests/expand/*.rs` and every example `examples/*.rs` of the workspace is
//! expanded with the macros of this crate (attributes named `async_main`/`async_test`,
//! macros named `spawn!`/`gather!`/`try_gather!`, also inside the arguments of other macros such as
//! `assert_eq!` or `println!` when those are plain expressions), pretty-printed with
//! prettyplease, and compared with `tests/expand/NAME.expanded.rs` (for examples:
//! `tests/expand/examples/NAME.expanded.rs`). Other macros are left as written.
//!
//! No fixture is named `main.rs`: cargo would take `tests/expand/main.rs` for a test target.
//!
//! Regenerate after a deliberate change with `UPDATE_EXPAND=1 cargo test -p asyncio-macros
//! snapshots`, then review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, ImplItem, Item, Macro, Stmt, Token};

use crate::entry::{self, EntryKind};
use crate::{gather, spawn, try_gather};

/// Expands our macros in place, as the compiler would with the `asyncio` crate.
struct Expander;

fn entry_kind(attrs: &[Attribute]) -> Option<(usize, EntryKind)> {
    attrs.iter().enumerate().find_map(|(index, attr)| {
        let last = attr.path().segments.last()?;
        if last.ident == "async_main" {
            Some((index, EntryKind::Main))
        } else if last.ident == "async_test" {
            Some((index, EntryKind::Test))
        } else {
            None
        }
    })
}

fn attribute_args(attr: &Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => TokenStream::new(),
    }
}

/// Expands the first entry attribute of an item, given the item with that attribute removed.
fn expand_entry(kind: EntryKind, args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(kind, args, item)
}

fn expand_call(mac: &Macro) -> Option<Expr> {
    let name = mac.path.segments.last()?.ident.to_string();
    let tokens = &mac.tokens;
    let input = quote!([::asyncio] #tokens);
    let expanded = match name.as_str() {
        "spawn" => spawn::expand(input),
        "gather" => gather::expand(input),
        "try_gather" => try_gather::expand(input),
        _ => return None,
    };
    Some(syn::parse2(expanded).expect("spawn!/gather!/try_gather! expand to an expression"))
}

impl Expander {
    /// `spawn!`/`gather!`/`try_gather!` become their expansion; other macros whose arguments are
    /// expressions get those expanded.
    fn expand_macro(&mut self, mac: &mut Macro) -> Option<Expr> {
        if let Some(mut expr) = expand_call(mac) {
            self.visit_expr_mut(&mut expr);
            return Some(expr);
        }
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        if let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            for arg in &mut args {
                self.visit_expr_mut(arg);
            }
            mac.tokens = args.into_token_stream();
        }
        None
    }

    fn expand_items(&mut self, items: &mut Vec<Item>) {
        for item in items.iter_mut() {
            let attrs = match item {
                Item::Fn(function) => &mut function.attrs,
                _ => continue,
            };
            let Some((index, kind)) = entry_kind(attrs) else {
                continue;
            };
            let attr = attrs.remove(index);
            let expanded = expand_entry(kind, attribute_args(&attr), item.to_token_stream());
            *item = syn::parse2(expanded).expect("an entry expands to one item");
        }
        for item in items {
            self.visit_item_mut(item);
        }
    }
}

impl VisitMut for Expander {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        self.expand_items(&mut file.items);
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut module.content {
            self.expand_items(items);
        }
    }

    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        for item in &mut block.items {
            if let ImplItem::Fn(function) = item {
                if let Some((index, kind)) = entry_kind(&function.attrs) {
                    let attr = function.attrs.remove(index);
                    let expanded =
                        expand_entry(kind, attribute_args(&attr), function.to_token_stream());
                    *item = syn::parse2(expanded).expect("an entry expands to one item");
                }
            }
            self.visit_impl_item_mut(item);
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        for stmt in &mut block.stmts {
            if let Stmt::Item(Item::Fn(function)) = stmt {
                if let Some((index, kind)) = entry_kind(&function.attrs) {
                    let attr = function.attrs.remove(index);
                    let expanded =
                        expand_entry(kind, attribute_args(&attr), function.to_token_stream());
                    *stmt = Stmt::Item(syn::parse2(expanded).expect("one item"));
                }
            }
            if let Stmt::Macro(stmt_macro) = stmt {
                if let Some(expr) = self.expand_macro(&mut stmt_macro.mac) {
                    let semi = stmt_macro.semi_token;
                    *stmt = Stmt::Expr(expr, semi);
                    continue;
                }
            }
            self.visit_stmt_mut(stmt);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Macro(expr_macro) = expr {
            if let Some(expanded) = self.expand_macro(&mut expr_macro.mac) {
                *expr = expanded;
            }
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

fn expand_source(source: &str) -> String {
    let mut file = syn::parse_file(source).expect("fixtures and examples parse");
    Expander.visit_file_mut(&mut file);
    prettyplease::unparse(&file)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("macros/ is inside the workspace")
        .to_path_buf()
}

/// The `.rs` files of `dir` that are inputs (not snapshots), sorted.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "rs")
                && !path.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn expansions_match_the_checked_in_snapshots() {
    let root = workspace_root();
    let update = std::env::var_os("UPDATE_EXPAND").is_some_and(|value| value == "1");
    let expand_dir = root.join("tests/expand");
    let mut cases: Vec<(PathBuf, PathBuf)> = inputs(&expand_dir)
        .into_iter()
        .map(|input| {
            let snapshot = input.with_extension("expanded.rs");
            (input, snapshot)
        })
        .collect();
    for example in inputs(&root.join("examples")) {
        let name = example.file_stem().expect("a file name").to_owned();
        let snapshot = expand_dir
            .join("examples")
            .join(name)
            .with_extension("expanded.rs");
        cases.push((example, snapshot));
    }
    assert!(
        !cases.is_empty(),
        "no fixtures under {}",
        expand_dir.display()
    );

    let mut stale = Vec::new();
    for (input, snapshot) in &cases {
        let source = fs::read_to_string(input).expect("readable input");
        let expanded = expand_source(&source);
        if update {
            fs::create_dir_all(snapshot.parent().expect("a folder")).expect("writable");
            fs::write(snapshot, &expanded).expect("writable snapshot");
            continue;
        }
        match fs::read_to_string(snapshot) {
            Ok(expected) if expected == expanded => {}
            Ok(expected) => stale.push(format!(
                "{} changed:\n{}",
                snapshot.display(),
                first_difference(&expected, &expanded)
            )),
            Err(_) => stale.push(format!("{} is missing", snapshot.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "expansion snapshots differ (review, then regenerate with UPDATE_EXPAND=1 cargo test -p \
         asyncio-macros snapshots):\n{}",
        stale.join("\n")
    );
}

/// The first differing line, with its number, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for number in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => break,
            (left, right) if left == right => {}
            (left, right) => {
                return format!(
                    "  line {number}\n  - {}\n  + {}",
                    left.unwrap_or("<end>"),
                    right.unwrap_or("<end>")
                );
            }
        }
    }
    String::from("  (whitespace at the end)")
}

#[test]
fn the_simplest_main_expands_to_a_runtime_call() {
    let expanded = expand_source("#[asyncio::async_main]\nasync fn main() {}\n");
    assert_eq!(
        expanded,
        "fn main() {\n    #[allow(clippy::unused_async)]\n    async fn main() {}\n    \
         ::asyncio::RunConfig::new().run(main())\n}\n"
    );
}
