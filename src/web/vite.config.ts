import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Dashboard build: `vite build --config src/web/vite.config.ts` writes dist/web, which `patmatch serve`
 * serves. `vite --config src/web/vite.config.ts` runs a dev server that proxies /api to `patmatch serve`
 * on PATMATCH_API (default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [
    svelte(),
    // Every asset is written beside itself as .br and .gz at build time; `patmatch serve` sends the
    // one the browser accepts (@fastify/static preCompressed), so no request spends CPU compressing.
    compression({
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip', { level: 9 })],
      include: /\.(js|css|html|svg|json)$/,
      threshold: 1024,
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Plotly's cartesian bundle is one 1.5 MB file (about 410 KB as brotli), loaded only for the charts.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: { '/api': process.env.PATMATCH_API ?? 'http://127.0.0.1:8080' },
  },
});
