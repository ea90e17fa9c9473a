//! Rules about the project's own files that no compiler checks.

use std::fs;
use std::path::{Path, PathBuf};

/// Registry hosts the project's files must not name: they say "the Rust package
/// registry", "npm" or "Debian" instead. Assembled from parts so that this file, too,
/// names none of them.
const REGISTRY_HOSTS: &[[&str; 2]] = &[
    ["crates", ".io"],
    ["npmjs", ".org"],
    ["npmjs", ".com"],
    ["deb.debian", ".org"],
    ["pypi", ".org"],
    ["static.rust-lang", ".org"],
];

/// Generated or fetched trees, and lock files Cargo writes itself.
fn skipped(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    matches!(
        name,
        "target" | ".git" | ".tools" | "node_modules" | "dist" | "Cargo.lock"
    ) || name.starts_with('.') && path.is_dir()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if skipped(&path) {
            continue;
        }
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_project_file_names_a_package_registry_host() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(root, &mut all);
    // `.ci/run` is a dot-directory file that must be checked too.
    files(&root.join(".ci"), &mut all);
    assert!(all.len() > 20, "the walk found the project: {}", all.len());
    let mut found = Vec::new();
    for path in all {
        let Ok(text) = fs::read_to_string(&path) else {
            continue; // pictures and other binary files
        };
        for host in REGISTRY_HOSTS.iter().map(|parts| parts.concat()) {
            for (number, line) in text.lines().enumerate() {
                if line.contains(&host) {
                    found.push(format!("{}:{}: {host}", path.display(), number + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "name the registry, not its host:\n{}",
        found.join("\n")
    );
}
