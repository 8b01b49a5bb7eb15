import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The HTML report inlines one script and one stylesheet, so the report is built as a single IIFE.
export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web/report', import.meta.url)),
    emptyOutDir: true,
    lib: {
      entry: fileURLToPath(new URL('report/main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'podcapReport',
      fileName: () => 'report.js',
      cssFileName: 'report',
    },
  },
});
