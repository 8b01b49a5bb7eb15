import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web UI of `podcap serve`: a single-page app served from the package's own built assets.
export default defineConfig({
  logLevel: 'warn',
  root: fileURLToPath(new URL('app', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/web/app', import.meta.url)),
    emptyOutDir: true,
  },
});
