//! The Tauri context from the top-level tauri.conf.json (this build script runs in the top-level
//! folder, the app package's), one permission per command of the contract table
//! (src/contract.rs), and the `main` window's capability granting them, written from the same
//! table so no list of commands is kept by hand.

use std::path::PathBuf;

/// Only the commands' names matter here.
macro_rules! ipc_contract {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($app:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("src/contract.rs");

/// The `main` window's capability: Tauri's events and every app command; no other window may
/// call them.
fn main_capability() -> String {
    let mut permissions = vec!["\"core:event:default\"".to_owned()];
    permissions.extend(COMMANDS.iter().map(|name| format!("\"allow-{}\"", name.replace('_', "-"))));
    format!(
        "{{\"identifier\": \"main\", \
          \"description\": \"The main window: Sigil's own commands and events.\", \
          \"windows\": [\"main\"], \"permissions\": [{}]}}\n",
        permissions.join(", ")
    )
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/src/contract.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let capabilities = out.join("capabilities");
    std::fs::create_dir_all(&capabilities).expect("the capabilities folder");
    std::fs::write(capabilities.join("main.json"), main_capability()).expect("main.json");
    // tauri-build keeps the pattern for the whole build: leaking it in a build script is fine.
    let pattern: &'static str = format!("{}/*.json", capabilities.display()).leak();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern(pattern)
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {error:#}");
    }
}
