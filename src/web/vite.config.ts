import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Dashboard build: `vite build --config src/web/vite.config.ts` writes dist/web, which `patmatch serve`
 * serves. `vite --config src/web/vite.config.ts` runs a dev server that proxies /api to `patmatch serve`
 * on PATMATCH_API (default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Plotly is one ~3.5 MB file loaded only when the first patent is selected.
    chunkSizeWarningLimit: 5000,
  },
  server: {
    proxy: { '/api': process.env.PATMATCH_API ?? 'http://127.0.0.1:8080' },
  },
});
