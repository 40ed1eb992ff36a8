// `registrar import catalog` and `registrar export catalog` run as an operator runs them: the real
// bin as a child process, against an embedded database in a temporary DATA_DIR (or a fresh
// PostgreSQL database under TEST_DATABASE_URL).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, REGISTRAR_BIN, runNode } from '../../test/processes.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-app.ts';
import type { ImportReport } from './interop.schemas.ts';
import {
  HAS_SHARED_DATA,
  catalogFacts,
  dataPath,
  warnWithoutSharedData,
} from './interop.test-helpers.ts';

warnWithoutSharedData('the registrar import/export CLI tests');

const SLOW = 240_000;
const OXY = [
  dataPath('oxy/202401-courses.json'),
  dataPath('oxy/202401-prerequisites.json'),
  dataPath('oxy/202401-catalog.json'),
];

describe.skipIf(!HAS_SHARED_DATA)('registrar import/export catalog', () => {
  let env: Record<string, string>;
  let dataDir: string;
  let postgres: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'openregistrar-interop-cli-')), 'data');
    const database = await createTestDatabase();
    if (database.url) {
      postgres = database;
      env = {
        DATABASE_URL: database.url,
        JWT_SECRET: 'interop-cli-jwt-secret-0123456789abcdefghijklmn',
        COOKIE_SECRET: 'interop-cli-cookie-secret-0123456789abcdefghijk',
      };
    } else {
      await database.destroy();
      env = { DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    await postgres?.destroy();
  });

  async function registrar(args: string[]) {
    const run = runNode([REGISTRAR_BIN, ...args], {
      cwd: mkdtempSync(path.join(tmpdir(), 'openregistrar-interop-cwd-')),
      env: childEnv(env),
    });
    const { code } = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('refuses a wrong-format file before touching the database', async () => {
    const result = await registrar([
      'import',
      'catalog',
      '--format',
      'uiuc-csv',
      '--term',
      '202302',
      dataPath('gatech/202302.json'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('registrar import: 202302.json: is JSON, not CSV');
    expect(result.stdout).toBe('');
    if (postgres) expect((await catalogFacts(postgres.db)).terms).toBe(0);
    else expect(existsSync(path.join(dataDir, 'pglite'))).toBe(false);
  });

  it('exits 2 on usage mistakes', async () => {
    const noTerm = await registrar(['import', 'catalog', '--format', 'quacs', OXY[0]!]);
    expect(noTerm.code).toBe(2);
    expect(noTerm.stderr).toContain('import catalog needs --term');
    const badFormat = await registrar([
      'import',
      'catalog',
      '--format',
      'banner',
      '--term',
      'x',
      OXY[0]!,
    ]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Unknown catalog format "banner"');
    const missingFile = await registrar([
      'import',
      'catalog',
      '--format',
      'quacs',
      '--term',
      '202401',
      '/nonexistent/courses.json',
    ]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('/nonexistent/courses.json: no such file');
  });

  it(
    'imports a catalog, then finds it unchanged on a second run',
    async () => {
      const first = await registrar([
        'import',
        'catalog',
        '--format',
        'quacs',
        '--term',
        '202401',
        '--time-zone',
        'America/Los_Angeles',
        ...OXY,
      ]);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(
        '202401-courses.json (quacs) → term 202401 "Spring 2024" (created',
      );
      expect(first.stdout).toContain('sections  created 819, updated 0, unchanged 0');
      expect(first.stdout).toContain('reserved seats: 197 rules holding 1,357 seats');
      expect(first.stdout).toContain('imported enrolment: 9,183 students in 819 sections');

      const second = await registrar([
        'import',
        'catalog',
        '--format',
        'quacs',
        '--term',
        '202401',
        '--json',
        ...OXY,
      ]);
      expect(second.code).toBe(0);
      const report = JSON.parse(second.stdout) as ImportReport;
      expect(report.changed).toBe(false);
      expect(report.files[0]!.sections).toEqual({ created: 0, updated: 0, unchanged: 819 });
      expect(report.files[0]!.courses).toEqual({ created: 0, updated: 0, unchanged: 534 });
    },
    SLOW,
  );

  it(
    'exports the term as CSV to a file and as JSON to stdout',
    async () => {
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'openregistrar-export-')), 'oxy.csv');
      const csv = await registrar([
        'export',
        'catalog',
        '--term',
        '202401',
        '--format',
        'csv',
        '--out',
        out,
      ]);
      expect(csv.code).toBe(0);
      expect(csv.stderr).toContain(`Wrote the catalog of term 202401 to ${out}`);
      const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
      expect(lines.length).toBe(1 + 819);

      const json = await registrar(['export', 'catalog', '--term', '202401']);
      expect(json.code).toBe(0);
      const document = JSON.parse(json.stdout) as { sections: Array<{ capacity: number }> };
      expect(document.sections.length).toBe(819);
      expect(document.sections.reduce((sum, s) => sum + s.capacity, 0)).toBe(21936);

      const unknown = await registrar(['export', 'catalog', '--term', '199901']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('registrar export: Term 199901 was not found.');
    },
    SLOW,
  );
});
