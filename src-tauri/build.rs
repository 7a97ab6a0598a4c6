//! The Tauri context from the top-level tauri.conf.json (this build script runs in the top-level
//! folder, the app package's), one permission per command of the contract table
//! (src/contract.rs), and one capability per window granting it only its own commands, written
//! from the same table so no list of commands is kept by hand.

use std::path::PathBuf;

/// Only the windows and the commands' names matter here.
macro_rules! ipc_contract {
    ($(window $window:ident { $(
        $(#[doc = $doc:literal])*
        fn $name:ident($app:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )* })*) => {
        const WINDOWS: &[(&str, &[&str])] = &[$((stringify!($window), &[$(stringify!($name)),*])),*];
    };
}

include!("src/contract.rs");

/// A window's capability: Tauri's events and that window's commands only; no other window may
/// call them.
fn capability(window: &str, commands: &[&str]) -> String {
    let mut permissions = vec!["\"core:event:default\"".to_owned()];
    permissions.extend(commands.iter().map(|name| format!("\"allow-{}\"", name.replace('_', "-"))));
    format!(
        "{{\"identifier\": \"{window}\", \
          \"description\": \"The {window} window's own commands and events.\", \
          \"windows\": [\"{window}\"], \"permissions\": [{}]}}\n",
        permissions.join(", ")
    )
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/src/contract.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let capabilities = out.join("capabilities");
    std::fs::create_dir_all(&capabilities).expect("the capabilities folder");
    for (window, commands) in WINDOWS {
        let file = capabilities.join(format!("{window}.json"));
        std::fs::write(file, capability(window, commands)).expect("a capability file");
    }
    let commands: Vec<&str> =
        WINDOWS.iter().flat_map(|(_, commands)| commands.iter().copied()).collect();
    // tauri-build keeps the pattern for the whole build: leaking it in a build script is fine.
    let pattern: &'static str = format!("{}/*.json", capabilities.display()).leak();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern(pattern)
        .app_manifest(tauri_build::AppManifest::new().commands(commands.leak()));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {error:#}");
    }
}
