//! The Tauri context from this crate's tauri.conf.json.

fn main() {
    tauri_build::build();
}
