// Configuration: sensible defaults with no environment, every problem reported at once.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const SECRET_A = 'a'.repeat(40);
const SECRET_B = 'b'.repeat(40);

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'openregistrar-config-'));
}

function problemsOf(env: Record<string, string>, cwd = tempDir()): string[] {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs embedded with no configuration at all', () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.join(cwd, 'data'),
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      trustProxy: false,
      loadShedding: true,
      corsOrigins: [],
      seedDemo: true,
      smtpUrl: undefined,
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.cookieSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.jwtSecret).not.toBe(config.cookieSecret);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('generates embedded secrets once and keeps them private in the data dir', () => {
    const cwd = tempDir();
    const first = loadConfig({}, cwd);
    const file = path.join(cwd, 'data', 'secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(first.jwtSecret);
    const second = loadConfig({}, cwd);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.cookieSecret).toBe(first.cookieSecret);
    const elsewhere = loadConfig({ DATA_DIR: 'other' }, cwd);
    expect(elsewhere.dataDir).toBe(path.join(cwd, 'other'));
    expect(elsewhere.jwtSecret).not.toBe(first.jwtSecret);
  });

  it('reads every documented variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://registrar@db.example.edu:5432/registrar',
        DATABASE_POOL_SIZE: '40',
        JWT_SECRET: SECRET_A,
        COOKIE_SECRET: SECRET_B,
        PUBLIC_URL: 'https://registrar.example.edu/',
        SMTP_URL: 'smtp://mail.example.edu:587',
        MAIL_FROM: 'Registrar <registrar@example.edu>',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: 'true',
        LOAD_SHEDDING: 'off',
        CORS_ORIGINS: 'https://portal.example.edu, https://app.example.edu/path',
        NODE_ENV: 'production',
      },
      tempDir(),
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://registrar@db.example.edu:5432/registrar',
      databasePoolSize: 40,
      jwtSecret: SECRET_A,
      cookieSecret: SECRET_B,
      publicUrl: 'https://registrar.example.edu',
      smtpUrl: 'smtp://mail.example.edu:587',
      mailFrom: 'Registrar <registrar@example.edu>',
      logLevel: 'warn',
      trustProxy: true,
      loadShedding: false,
      corsOrigins: ['https://portal.example.edu', 'https://app.example.edu'],
      seedDemo: false,
      isProduction: true,
    });
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_POOL_SIZE: '0',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'maybe',
      LOAD_SHEDDING: 'sometimes',
      SEED_DEMO: 'perhaps',
      PUBLIC_URL: 'ftp://example.edu',
      SMTP_URL: 'not a url',
      CORS_ORIGINS: '*',
      STRIPE_SECRET_KEY: 'sk_test_123',
    });
    const expected = [
      'PORT',
      'DATABASE_POOL_SIZE',
      'LOG_LEVEL',
      'TRUST_PROXY',
      'LOAD_SHEDDING',
      'SEED_DEMO',
      'PUBLIC_URL',
      'SMTP_URL',
      'CORS_ORIGINS',
      'STRIPE_WEBHOOK_SECRET',
    ];
    for (const name of expected) {
      expect(
        problems.filter((p) => p.startsWith(name)),
        name,
      ).toHaveLength(1);
    }
    expect(problems).toHaveLength(expected.length);
  });

  it('says what was wrong in the message a failed start prints', () => {
    try {
      loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' }, tempDir());
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('Invalid configuration');
      expect(message).toContain('PORT must be a whole number from 0 to 65535 (got "70000")');
      expect(message).toContain('LOG_LEVEL must be one of');
    }
  });

  it('requires shared secrets with DATABASE_URL and writes nothing to disk', () => {
    const cwd = tempDir();
    const problems = problemsOf({ DATABASE_URL: 'postgres://localhost/registrar' }, cwd);
    expect(problems).toEqual([
      'JWT_SECRET is required when DATABASE_URL is set',
      'COOKIE_SECRET is required when DATABASE_URL is set',
    ]);
    expect(existsSync(path.join(cwd, 'data'))).toBe(false);
  });

  it('rejects short secrets and non-PostgreSQL database URLs together', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://localhost/registrar',
      JWT_SECRET: 'short',
      COOKIE_SECRET: 'also-short',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL must be a postgres: or postgresql: URL/),
        'JWT_SECRET must be at least 32 characters',
        'COOKIE_SECRET must be at least 32 characters',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('accepts explicit secrets in embedded mode without generating any', () => {
    const cwd = tempDir();
    const config = loadConfig({ JWT_SECRET: SECRET_A, COOKIE_SECRET: SECRET_B }, cwd);
    expect(config.jwtSecret).toBe(SECRET_A);
    expect(existsSync(path.join(cwd, 'data', 'secrets.json'))).toBe(false);
  });

  it('is documented: the README configuration table names every variable read here', () => {
    const source = readFileSync(path.join(import.meta.dirname, 'config.ts'), 'utf8');
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    const variables = [
      ...new Set([...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!)),
    ];
    expect(variables.length).toBeGreaterThan(10);
    const documented = variables.filter((name) => readme.includes(`| \`${name}\``));
    expect(documented).toEqual(variables);
  });
});
