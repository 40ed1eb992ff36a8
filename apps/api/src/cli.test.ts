// The `registrar` command as an operator runs it: messages, exit codes, and its effect on a database.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db/database.ts';
import { childEnv, REGISTRAR_BIN, runNode } from './test/processes.ts';
import { createEmptyTestDatabase, type TestDatabase } from './test/test-app.ts';

const SECRETS = {
  JWT_SECRET: 'cli-test-jwt-secret-0123456789abcdefghijklmnopqrstu',
  COOKIE_SECRET: 'cli-test-cookie-secret-0123456789abcdefghijklmnopqr',
};

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function registrar(args: string[], env: Record<string, string>): Promise<Result> {
  const run = runNode([REGISTRAR_BIN, ...args], {
    cwd: mkdtempSync(path.join(tmpdir(), 'openregistrar-cli-cwd-')),
    env: childEnv(env),
  });
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

// Each command is a new process (and most open a database): slow on a loaded machine.
const SPAWN_TIMEOUT_MS = 300_000;

describe('registrar usage', { timeout: SPAWN_TIMEOUT_MS }, () => {
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'openregistrar-cli-')) };

  it('runs through the npm bin link, as `npx registrar` does', async () => {
    const bin = path.resolve(import.meta.dirname, '../../../node_modules/.bin/registrar');
    const child = spawn(bin, ['help'], {
      env: {
        ...childEnv(env),
        // The shebang finds node on PATH: put this Node (24, as npx would) first.
        PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('Usage: registrar <command>');
  });

  it('prints help for help and --help', async () => {
    for (const flag of ['help', '--help']) {
      const result = await registrar([flag], env);
      expect(result.code, flag).toBe(0);
      for (const command of ['migrate', 'seed', 'create-admin'])
        expect(result.stdout).toContain(command);
    }
  });

  it('exits 2 with the usage on stderr when no command is given', async () => {
    const result = await registrar([], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no command given');
    expect(result.stderr).toContain('Usage: registrar');
    expect(result.stdout).toBe('');
  });

  it('exits 2 naming an unknown command', async () => {
    const result = await registrar(['frobnicate'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('exits 2 naming every missing option of create-admin', async () => {
    const result = await registrar(['create-admin', '--email', 'a@example.edu'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('create-admin needs --password, --name');
  });

  it('exits 2 on an unknown option or a bad value', async () => {
    const unknown = await registrar(['seed', '--colour', 'blue'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/registrar seed: .*--colour/);
    const bad = await registrar(['seed', '--size', 'huge'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--size must be small or large (got "huge")');
  });

  it('exits 1 listing every configuration problem', async () => {
    const result = await registrar(['migrate'], { ...env, PORT: 'x', LOG_LEVEL: 'loud' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('LOG_LEVEL');
  });
});

describe('registrar against a database', { timeout: SPAWN_TIMEOUT_MS }, () => {
  // The embedded database in a fresh DATA_DIR, or a fresh PostgreSQL database under TEST_DATABASE_URL.
  let env: Record<string, string>;
  let postgres: TestDatabase | undefined;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'openregistrar-cli-')), 'data');
    const empty = await createEmptyTestDatabase();
    if (empty.url) {
      postgres = empty;
      env = { DATABASE_URL: empty.url, ...SECRETS };
    } else {
      await empty.destroy();
      env = { DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    await postgres?.destroy();
  });

  async function countAdmins(email: string): Promise<number> {
    const database = postgres ?? (await openDatabase({ dataDir }));
    try {
      const row = await sql<{ n: number }>`
        select count(*)::int as n from users where email = ${email} and 'admin' = any(roles)
      `.execute(database.db);
      return row.rows[0]?.n ?? 0;
    } finally {
      if (!postgres) await database.close();
    }
  }

  it('migrates an empty database, and again without change', async () => {
    const first = await registrar(['migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Database schema is up to date.');
    if (!postgres) expect(existsSync(path.join(dataDir, 'pglite'))).toBe(true);
    const second = await registrar(['migrate'], env);
    expect(second.code).toBe(0);
  });

  it('creates an administrator once and refuses a duplicate or a weak password', async () => {
    const email = 'registrar.office@example.edu';
    const created = await registrar(
      [
        'create-admin',
        '--email',
        email,
        '--password',
        'Quiet-Harbour-Lantern-42',
        '--name',
        'Registrar Office',
      ],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Administrator ${email} created.`);
    expect(await countAdmins(email)).toBe(1);

    const again = await registrar(
      [
        'create-admin',
        '--email',
        email,
        '--password',
        'Quiet-Harbour-Lantern-42',
        '--name',
        'Twice',
      ],
      env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const weak = await registrar(
      ['create-admin', '--email', 'weak@example.edu', '--password', 'short', '--name', 'Weak'],
      env,
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('weak password');
    expect(await countAdmins('weak@example.edu')).toBe(0);
  });

  it('seeds the demo university and prints its logins', async () => {
    const result = await registrar(['seed'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Demo university (small) loaded.');
    expect(result.stdout).toMatch(/DEMO admin\s+\S+\s+password: \S+/);
    expect(result.stdout).toMatch(/DEMO student\s+\S+\s+password: \S+/);
  });
});
