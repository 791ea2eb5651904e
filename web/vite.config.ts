import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The browser app is served under `script-src 'self'; style-src 'self'` (server/http/security.ts), so the build
 * must not emit inline code: no module-preload polyfill (Vite inlines it), no assets inlined as data: URIs, CSS
 * extracted to a file. test/e2e/static-serving.test.ts checks the emitted index.html.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
  },
})
