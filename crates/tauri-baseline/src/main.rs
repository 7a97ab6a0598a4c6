//! The smallest Tauri 2 app: one window showing one static page (dist/index.html), which calls
//! one command once it is loaded. `make measure-app` (scripts/measure-app.sh) builds it with
//! Sigil's Tauri and release profile and compares Sigil's first screen and memory with its.
// No console window on Windows release builds, as Sigil.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The page calls this once its DOM is in place: the log line, timestamped as Sigil's "app
/// state served", is the first paint `make measure-app` times.
#[tauri::command]
fn page_loaded() {
    tracing::info!("page loaded");
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(error) = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![page_loaded])
        .run(tauri::generate_context!())
    {
        tracing::error!(%error, "the baseline app could not start");
        std::process::exit(1);
    }
}
