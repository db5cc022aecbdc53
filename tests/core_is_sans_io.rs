//! The core must build and run without a browser: no file of it may name a
//! JS-binding or fetch crate. Only `src/js` and `src/transport` may.

use std::path::{Path, PathBuf};

const CORE: [&str; 10] = [
    "src/error.rs",
    "src/input.rs",
    "src/retry.rs",
    "src/wait.rs",
    "src/validate.rs",
    "src/model",
    "src/request",
    "src/response",
    "src/upload",
    "src/lib.rs",
];

const FORBIDDEN: [&str; 6] = ["wasm_bindgen", "web_sys", "js_sys", "gloo", "serde_wasm_bindgen", "JsValue"];

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display())) {
        let entry_path = entry.expect("directory entry is readable").path();
        if entry_path.is_dir() {
            files.extend(rust_files(&entry_path));
        } else if entry_path.extension().is_some_and(|extension| extension == "rs") {
            files.push(entry_path);
        }
    }
    files
}

#[test]
fn core_names_no_js_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offences = Vec::new();
    for part in CORE {
        let path = root.join(part);
        if !path.exists() {
            continue;
        }
        for file in rust_files(&path) {
            let text = std::fs::read_to_string(&file).expect("source file is readable");
            for (number, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for name in FORBIDDEN {
                    if code.contains(name) {
                        offences.push(format!("{}:{}: {name}", file.display(), number + 1));
                    }
                }
            }
        }
    }
    assert!(offences.is_empty(), "the core names JS crates:\n{}", offences.join("\n"));
}
