import { defineConfig } from 'vite';

// Served by the gateway under /console/ (see docs/console.md); Maven copies nothing: Vite writes straight into
// target/classes so the files land on the classpath as static/console/.
export default defineConfig({
  base: '/console/',
  build: {
    outDir: '../target/classes/static/console',
    emptyOutDir: true,
    target: 'es2022',
    // never inline assets as data: URLs into JS/CSS (CSP img-src allows data:, but keep the build predictable)
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
