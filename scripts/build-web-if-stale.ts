// `npm start` runs this first: it builds the web app only when apps/web/dist is missing or older
// than something the build reads, so a restart does not wait for Vite for nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'apps/web');
const builtIndex = path.join(web, 'dist/index.html');

/** Newest modification time (ms) of the files under `dir` that `include` accepts. */
function newest(dir: string, include: (file: string) => boolean = () => true): number {
  if (!existsSync(dir)) return 0;
  const stats = statSync(dir);
  if (!stats.isDirectory()) return include(dir) ? stats.mtimeMs : 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    latest = Math.max(latest, newest(path.join(dir, entry.name), include));
  }
  return latest;
}

const notTest = (file: string): boolean =>
  !/\.test\.tsx?$/.test(file) && !file.includes(`${path.sep}e2e${path.sep}`);
// The web app imports the API's TypeBox schemas and problem types; changes there can change it.
const apiShared = (file: string): boolean =>
  /\.schemas\.ts$/.test(file) || /[/\\](http|lib)[/\\][^/\\]+\.ts$/.test(file);

const pkg = JSON.parse(readFileSync(path.join(web, 'package.json'), 'utf8')) as {
  scripts?: Record<string, string>;
};
if (!pkg.scripts?.build) process.exit(0);

const sourcesChanged = Math.max(
  newest(path.join(web, 'src'), notTest),
  newest(path.join(web, 'public')),
  newest(path.join(web, 'index.html')),
  newest(path.join(web, 'vite.config.ts')),
  newest(path.join(web, 'package.json')),
  newest(path.join(root, 'package-lock.json')),
  newest(path.join(root, 'apps/api/src'), (file) => notTest(file) && apiShared(file)),
);
const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;

if (builtAt > sourcesChanged && process.argv[2] !== '--force') {
  console.log('Web app is up to date (apps/web/dist); skipping the build.');
  process.exit(0);
}
console.log(builtAt === 0 ? 'Building the web app…' : 'Web app sources changed: rebuilding…');
const result = spawnSync('npm', ['run', 'build', '-w', '@openregistrar/web'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
