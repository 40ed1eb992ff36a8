// Runs the real API (serving the built web app) as a child process on a free port, with its own
// empty database: embedded PGlite in a temporary folder, or a fresh PostgreSQL database when
// TEST_DATABASE_URL is set (or the test asks for PostgreSQL). Also launches Debian's Chromium and
// saves screenshots.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const SERVER_ENTRY = path.join(REPO_ROOT, 'apps/api/src/server.ts');
const CLI_ENTRY = path.join(REPO_ROOT, 'apps/api/src/cli.ts');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.test-artifacts/screenshots');
const READY_BANNER = 'OpenRegistrar is running at';
const STARTUP_LIMIT_MS = 90_000;

export interface RunningApi {
  baseUrl: string;
  /** The API's own PostgreSQL database, for a test that reaches into it (undefined on PGlite). */
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function waitForBanner(child: ChildProcess, output: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`The API did not start within ${STARTUP_LIMIT_MS} ms:\n${output.text}`));
    }, STARTUP_LIMIT_MS);
    const onData = (chunk: Buffer) => {
      output.text += chunk.toString();
      if (output.text.includes(READY_BANNER)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output.text += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The API exited with code ${code} before it was ready:\n${output.text}`));
    });
  });
}

function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

export interface StartOptions {
  /** Created with `registrar create-admin` before the server starts (PGlite allows one process). */
  admin?: { email: string; password: string; name: string };
  /** A PostgreSQL server to create the API's database on, even when TEST_DATABASE_URL is unset. */
  postgresServerUrl?: string | undefined;
  /** More environment for the API (its configuration, e.g. DATABASE_POOL_SIZE). */
  env?: Record<string, string>;
}

export async function startApi(options: StartOptions = {}): Promise<RunningApi> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'openregistrar-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...options.env,
  };

  const serverUrl = options.postgresServerUrl ?? process.env.TEST_DATABASE_URL;
  let databaseName: string | undefined;
  if (serverUrl) {
    databaseName = `openregistrar_e2e_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${databaseName}`);
    env.DATABASE_URL = withDatabaseName(serverUrl, databaseName);
    env.JWT_SECRET = randomBytes(32).toString('base64url');
    env.COOKIE_SECRET = randomBytes(32).toString('base64url');
  }

  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (serverUrl && databaseName) {
      await adminQuery(serverUrl, `drop database if exists ${databaseName} with (force)`);
    }
  };

  try {
    if (options.admin) {
      const { email, password, name } = options.admin;
      await runToEnd(
        process.execPath,
        [
          '--disable-warning=ExperimentalWarning',
          CLI_ENTRY,
          'create-admin',
          '--email',
          email,
          '--password',
          password,
          '--name',
          name,
        ],
        env,
      );
    }
    child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', SERVER_ENTRY], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForBanner(child, { text: '' });
  } catch (error) {
    await cleanUp();
    throw error;
  }

  return { baseUrl, databaseUrl: env.DATABASE_URL, stop: cleanUp };
}

export interface ApiClient {
  /** A JSON call with an optional bearer token; anything but 2xx throws with the answer. */
  call: <T>(
    method: string,
    urlPath: string,
    token: string | undefined,
    body?: unknown,
  ) => Promise<T>;
  /** Signs in through the API and returns the access token. */
  login: (user: { email: string; password: string }) => Promise<string>;
}

/** Calls to the running API from the test itself: set-up steps, and the "other user". */
export function apiClient(api: () => RunningApi): ApiClient {
  async function call<T>(
    method: string,
    urlPath: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${api().baseUrl}${urlPath}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    call,
    login: async (user) => {
      const body = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, {
        login: user.email,
        password: user.password,
      });
      return body.accessToken;
    },
  };
}

/** Signs in on the login page, as a user types it, and waits for the home page. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^Email or username/).fill(login);
  await page.getByRole('textbox', { name: /^Password/ }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Saves a full-page screenshot as .test-artifacts/screenshots/<name>.png for a human to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let fonts finish and transitions settle so the picture shows what a user sees.
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
  });
}

/**
 * Keeps a page's console errors, page errors and 4xx/5xx answers, and saves them with a
 * screenshot (`failure-<prefix><test name>`) if the running test fails.
 */
export function watchPage(page: Page, prefix = ''): void {
  const log: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') log.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) log.push(`${response.status()} ${response.url()}`);
  });
  onTestFailed(async ({ task }) => {
    const name = `failure-${prefix}${task.name.replace(/\W+/g, '-').slice(0, 60 - prefix.length)}`;
    await screenshot(page, name).catch(() => undefined);
    writeFileSync(path.join(SCREENSHOT_DIR, `${name}.log`), `${page.url()}\n${log.join('\n')}\n`);
  });
}
