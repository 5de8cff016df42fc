import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app: built into dist/web (served by the API process at /), or served with hot reload by
 * `npm run dev:web` on port 5173, which forwards API calls to the server on API_ORIGIN
 * (default http://localhost:3000).
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // The largest chunks (up to 1.5 MB: mermaid's layout engines) load only on the workflow pages;
  // the first visit's size is checked by test/web/bundle.test.ts instead.
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 1600 },
  server: {
    port: 5173,
    proxy: Object.fromEntries(['/api', '/health', '/openapi.json'].map((prefix) => [prefix, process.env.API_ORIGIN ?? 'http://localhost:3000'])),
  },
});
