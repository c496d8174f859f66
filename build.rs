//! Finds the built-in lexicon files: every `*.toml` under `lexicons/zh-CN/`, in path order, is
//! compiled into the crate. Adding a file to a folder is all it takes.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = root.join("lexicons").join("zh-CN");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The built-in lexicon files (`lexicons/zh-CN/**/*.toml`, in path order), compiled in.\n\
         pub(crate) const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .expect("under the manifest folder")
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({relative:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    fs::write(target.join("builtin_lexicons.rs"), out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|x| x == "toml") {
            files.push(path);
        }
    }
}
