/**
 * @module
 * The web app's build: Preact with the automatic JSX runtime (compiled by Vite's own oxc transformer, so no
 * Babel plugin is needed), output to `web/dist`, which the segflow server serves at `/`. Everything is bundled
 * from node_modules: the built app loads nothing from another origin.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keeps the dist folder's content stable between identical builds, so "stale?" checks can trust mtimes.
    reportCompressedSize: false,
  },
});
