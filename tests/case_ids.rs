//! Every case id the repository cites (CAN-04, TMO-06, ...) is defined in
//! `docs/asyncio-cases.md`, and every test that page names exists.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The ids (`ABC-12`, `AB-12`) in `text`.
fn case_ids(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut ids = BTreeSet::new();
    for (i, _) in text.match_indices('-') {
        let letters = bytes[..i]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let before = i.checked_sub(letters + 1).map(|j| bytes[j]);
        let after = bytes.get(i + 1 + digits);
        let word_edge = |b: Option<&u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric());
        if (2..=3).contains(&letters)
            && digits == 2
            && word_edge(before.as_ref())
            && word_edge(after)
        {
            ids.insert(text[i - letters..i + 1 + digits].to_owned());
        }
    }
    ids
}

/// The `.rs` and `.md` files under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "rs" || ext == "md")
        {
            out.push(path);
        }
    }
}

#[test]
fn the_id_scanner_finds_ids_and_only_ids() {
    let found = case_ids("CAN-04 and (TMO-06), BG-1, XCAN-01, ALL-012, tmo-01, GAT-08.");
    assert_eq!(
        found,
        BTreeSet::from(["CAN-04".into(), "TMO-06".into(), "GAT-08".into()])
    );
}

#[test]
fn every_cited_case_id_is_defined_in_docs_asyncio_cases_md() {
    let catalogue = fs::read_to_string(root().join("docs/asyncio-cases.md")).unwrap();
    // The ids that head a row of the page's tables.
    let defined: BTreeSet<String> = catalogue
        .lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|row| row.split(" |").next())
        .flat_map(case_ids)
        .collect();
    assert!(defined.len() > 40, "{defined:?}");

    let mut files = Vec::new();
    for dir in [
        "docs",
        "src",
        "runtime/src",
        "macros/src",
        "tests",
        "examples",
    ] {
        sources(&root().join(dir), &mut files);
    }
    files.push(root().join("README.md"));
    let mut missing = Vec::new();
    for file in &files {
        if file.ends_with("asyncio-cases.md") || file.ends_with("case_ids.rs") {
            continue;
        }
        for id in case_ids(&fs::read_to_string(file).unwrap()) {
            if !defined.contains(&id) {
                missing.push(format!("{id} in {}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "cited but not in docs/asyncio-cases.md: {missing:#?}"
    );
}

#[test]
fn every_test_docs_asyncio_cases_md_names_exists() {
    let catalogue = fs::read_to_string(root().join("docs/asyncio-cases.md")).unwrap();
    let mut named = 0;
    let mut missing = Vec::new();
    for reference in catalogue
        .split('`')
        .filter(|span| span.starts_with("tests/") && span.contains(".rs::"))
    {
        named += 1;
        let (file, test) = reference.split_once("::").unwrap();
        let source = fs::read_to_string(root().join(file)).unwrap_or_default();
        if !source.contains(&format!("fn {test}(")) {
            missing.push(reference.to_owned());
        }
    }
    assert!(named > 50, "only {named} tests named");
    assert!(missing.is_empty(), "named but not found: {missing:#?}");
}
