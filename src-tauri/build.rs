//! The Tauri context from the top-level tauri.conf.json (this build script runs in the top-level
//! folder, the app package's), the `main` window's capability from src-tauri/capabilities, and
//! one permission per app command (granted to `main` only there).

include!("src/command_names.rs");

macro_rules! capabilities {
    () => {
        "src-tauri/capabilities"
    };
}

fn main() {
    // With an explicit pattern tauri-build does not watch the folder itself.
    println!("cargo:rerun-if-changed={}", capabilities!());
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern(concat!(capabilities!(), "/*.json"))
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {error:#}");
    }
}
