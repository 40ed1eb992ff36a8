// Builds the web app into apps/web/dist, which the API serves; `vite` alone proxies /api to it.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import type { PluginCreator } from 'postcss';
import postcssPresetMantineUntyped from 'postcss-preset-mantine';
import postcssSimpleVars from 'postcss-simple-vars';
import { defineConfig, type Plugin } from 'vite';

// The preset ships no types (`declare module`); it is a standard PostCSS plugin creator.
const postcssPresetMantine = postcssPresetMantineUntyped as PluginCreator<Record<string, never>>;

const API_ORIGIN = 'http://127.0.0.1:3000';
const OUT_DIR = path.join(import.meta.dirname, 'dist');

/** How long the files of a previous build stay after a new one. */
const PREVIOUS_ASSETS_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * A page opened before a rebuild still asks for its own hashed chunks when it lazily loads a
 * route, so a build keeps the previous build's assets for a day (instead of emptying dist) and
 * removes older ones: no broken pages after a redeploy, and dist does not grow without bound.
 */
function keepRecentPreviousAssets(): Plugin {
  return {
    name: 'openregistrar:keep-recent-previous-assets',
    apply: 'build',
    writeBundle(_options, bundle) {
      const assetsDir = path.join(OUT_DIR, 'assets');
      const current = new Set(Object.keys(bundle).map((file) => path.join(OUT_DIR, file)));
      const cutoff = Date.now() - PREVIOUS_ASSETS_KEPT_MS;
      for (const name of readdirSync(assetsDir)) {
        const file = path.join(assetsDir, name);
        if (!current.has(file) && statSync(file).mtimeMs < cutoff) rmSync(file, { force: true });
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), keepRecentPreviousAssets()],
  css: {
    postcss: {
      plugins: [
        postcssPresetMantine(),
        postcssSimpleVars({
          variables: {
            'mantine-breakpoint-xs': '36em',
            'mantine-breakpoint-sm': '48em',
            'mantine-breakpoint-md': '62em',
            'mantine-breakpoint-lg': '75em',
            'mantine-breakpoint-xl': '88em',
          },
        }),
      ],
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': API_ORIGIN,
      '/docs': API_ORIGIN,
      '/openapi.json': API_ORIGIN,
      '/healthz': API_ORIGIN,
      '/readyz': API_ORIGIN,
    },
  },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
              priority: 3,
            },
            {
              name: 'mantine',
              test: /node_modules[\\/](@mantine|@floating-ui|react-remove-scroll|react-number-format|react-textarea-autosize|clsx)/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules/, priority: 1 },
          ],
        },
      },
    },
  },
});
