import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Styles go to CSS files, never injected inline (the CSP has no 'unsafe-inline').
    css: "external",
  },
};
