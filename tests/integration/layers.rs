//! The crate's modules depend one way (issue 16): each top-level module may use only modules in
//! lower layers, never one beside it or above it, so no two modules import each other. The
//! layers are listed here and in `docs/ARCHITECTURE.md`; a new module gets a place in both.

use std::path::Path;

/// Lowest first. A module may use the modules of the layers before its own.
const LAYERS: &[&[&str]] = &[
    &["bytes", "codec", "defaults", "exit", "glob", "hex"],
    &["output"],
    &["anonymize"],
    &["format"],
    &["input"],
    &["rules"],
    &["driver"],
    &["pipeline"],
    &["retention", "stats"],
    &["policy"],
    &["cmd"],
    &["cli", "manpage"],
];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` has no layer in tests/integration/layers.rs"))
}

/// The top-level modules a source file names as `crate::NAME` (comments left out).
fn uses(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::b, c};`: each item's first name.
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        found.push((n + 1, name));
                    }
                }
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push((n + 1, name));
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.sort();
    let mut wrong = Vec::new();
    for path in &all {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let module = first.trim_end_matches(".rs");
        if module == "lib" || module == "main" {
            continue;
        }
        let own = layer(module);
        for (line, used) in uses(&std::fs::read_to_string(path).unwrap()) {
            if used == module {
                continue;
            }
            if layer(&used) >= own {
                wrong.push(format!(
                    "src/{}:{line}: `{module}` uses `{used}`, which is not in a lower layer",
                    rel.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_module_has_a_layer() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(m) = line.strip_prefix("pub mod ") {
            layer(m.trim_end_matches(';'));
        }
    }
}

#[test]
fn the_scanner_sees_what_it_must() {
    let text = "use crate::{anonymize::Key, format};\n// crate::cli in a comment\nlet x = crate::stats::State::new();";
    let names: Vec<String> = uses(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["anonymize", "format", "stats"]);
}
