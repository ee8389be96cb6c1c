import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The server serves dist/web at `/` (src/server/api/web.ts), so the build goes there.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
  },
});
