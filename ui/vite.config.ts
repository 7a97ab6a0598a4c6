import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The app is loaded from the Tauri asset protocol under a strict CSP
// (default-src 'self'; style-src 'self'; script-src 'self'): relative paths, no inline script or
// style, nothing from another origin.
export default defineConfig({
  base: "./",
  plugins: [svelte()],
  // Component tests mount Svelte's browser build in jsdom.
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // The main window's page and the approval window's page (its own entry and capability).
    // No "slow plugin" timing notes: they depend on how busy the machine is, not on the code.
    rollupOptions: { input: { main: "index.html", approval: "approval.html" }, checks: { bundlerTimings: false } },
    sourcemap: false,
  },
  server: { port: 1420, strictPort: true },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    watch: false,
    testTimeout: 20_000,
  },
});
