// `npm install` runs this (the `prepare` script): it does the slow parts of a first start ahead of
// time, so that `npm start` serves within seconds: the web app build and a migrated embedded
// database template. Both are skipped when already current. A failure here only warns: `npm
// start` does the same work itself, and reports real errors there.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeEmbeddedTemplate } from '../apps/api/src/db/database.ts';

const root = path.resolve(import.meta.dirname, '..');

const web = spawnSync(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', path.join(root, 'scripts/build-web-if-stale.ts')],
  { cwd: root, stdio: 'inherit' },
);
if (web.status !== 0) {
  console.warn('prepare: the web app did not build; `npm start` will try again.');
}

try {
  const template = await writeEmbeddedTemplate();
  console.log(`Embedded database template ready: ${path.relative(root, template)}`);
} catch (error) {
  console.warn(
    `prepare: no embedded database template (${error instanceof Error ? error.message : String(error)}); the first start will create the database itself.`,
  );
}
