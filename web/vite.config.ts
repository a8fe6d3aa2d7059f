//! Vite build, dev server and Vitest configuration for the Skyforge web app.
import { fileURLToPath, URL } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The backend serves the API under /v1 at the same origin as the app; in development the
// local runtime listens on 127.0.0.1:8080, so the dev server forwards /v1 there.
const apiProxy = {
  '/v1': { target: 'http://127.0.0.1:8080', changeOrigin: false },
};

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: { port: 5173, proxy: apiProxy },
  preview: { port: 4173, proxy: apiProxy },
  build: {
    outDir: 'dist',
    // scripts/check-bundle-size.mjs reads the manifest to find what the first page loads.
    manifest: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    css: false,
  },
});
