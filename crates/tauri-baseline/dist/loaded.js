// The page is in place: tell the app, which logs it (the baseline's first paint).
window.__TAURI_INTERNALS__.invoke("page_loaded");
