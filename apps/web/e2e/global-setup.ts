// Browser tests drive the built app: build it unless apps/web/dist is newer than every source.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const WEB_ROOT = path.resolve(import.meta.dirname, '..');
const DIST_INDEX = path.join(WEB_ROOT, 'dist', 'index.html');

function newestModification(entry: string): number {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const child of readdirSync(entry)) {
    newest = Math.max(newest, newestModification(path.join(entry, child)));
  }
  return newest;
}

export default function setup(): void {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']
    .map((name) => path.join(WEB_ROOT, name))
    .filter((entry) => existsSync(entry));
  const sourcesChanged = Math.max(...sources.map(newestModification));
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sourcesChanged) return;
  // A separate process: Vitest sets NODE_ENV=test, which would bundle React's development build.
  const viteCli = path.join(
    path.dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin/vite.js',
  );
  execFileSync(process.execPath, [viteCli, 'build', '--logLevel', 'warn'], {
    cwd: WEB_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}
