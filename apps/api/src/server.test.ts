// The server process as an operator meets it: first start with no configuration, refusing bad
// configuration, and a graceful shutdown that lets requests in flight finish.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, runNode, SERVER_ENTRY, stopChild, type ChildRun } from './test/processes.ts';
import { createEmptyTestDatabase, onPostgres, type TestDatabase } from './test/test-app.ts';

// A child process opens its own embedded database: slow on a loaded machine, so be patient.
const SPAWN_TIMEOUT_MS = 300_000;
const READY = /running at (http:\/\/[\d.:]+)/;
const SECRETS = {
  JWT_SECRET: 'server-test-jwt-secret-0123456789abcdefghijklmnop',
  COOKIE_SECRET: 'server-test-cookie-secret-0123456789abcdefghijklmnop',
};

const running: ChildRun[] = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(stopChild));
  await Promise.all(databases.splice(0).map((d) => d.destroy()));
});

function startServer(cwd: string, env: Record<string, string>): ChildRun {
  const run = runNode([SERVER_ENTRY], {
    cwd,
    // Shedding is tested in http/limits.test.ts; here a busy machine must not turn requests away.
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', LOAD_SHEDDING: 'false', ...env }),
  });
  running.push(run);
  return run;
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'openregistrar-server-'));
}

describe('first start', () => {
  it(
    'creates ./data, migrates, loads the demo, prints the URL and demo logins, and serves',
    async () => {
      const cwd = tempDir();
      const server = startServer(cwd, { LOG_LEVEL: 'warn' });
      const [, url] = await server.waitForOutput(READY);
      const out = server.stdout();

      expect(existsSync(path.join(cwd, 'data', 'secrets.json'))).toBe(true);
      expect(readdirSync(path.join(cwd, 'data', 'pglite')).length).toBeGreaterThan(0);
      expect(out).toContain('First start: loading the demo university');
      expect(out).toMatch(/ready in \d+(\.\d)? s/);
      expect(out).toContain(`API docs: ${url}/docs`);
      expect(out).toMatch(/DEMO accounts/);
      const logins = [...out.matchAll(/^\s+(\w+)\s+(\S+)\s+password: (\S+)$/gm)];
      expect(logins.map((m) => m[1])).toEqual(expect.arrayContaining(['admin', 'student']));

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });

      // The printed demo logins work.
      for (const [, , login, password] of logins) {
        const res = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login, password }),
        });
        expect(res.status, `login as ${login}`).toBe(200);
      }

      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('bad configuration', () => {
  it(
    'exits at once with status 1 listing every problem',
    { timeout: SPAWN_TIMEOUT_MS },
    async () => {
      const server = startServer(tempDir(), {
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'postgres://localhost/registrar',
      });
      const { code } = await server.exited;
      expect(code).toBe(1);
      const err = server.stderr();
      expect(err).toContain('Invalid configuration');
      for (const name of ['PORT', 'LOG_LEVEL', 'JWT_SECRET', 'COOKIE_SECRET']) {
        expect(err).toContain(`  - ${name}`);
      }
      expect(server.stdout()).toBe('');
    },
  );
});

/** Sends the head and part of the body of a request, to finish later. */
function openSlowRequest(
  url: string,
  pathname: string,
  body: string,
): { finish(): void; response: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const cut = Math.floor(body.length / 2);
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body.slice(0, cut),
  );
  let received = '';
  const response = new Promise<string>((resolve, reject) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const headerEnd = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (headerEnd >= 0 && length && received.length >= headerEnd + 4 + Number(length)) {
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed; received: ${received}`)));
  });
  return { finish: () => socket.write(body.slice(cut)), response };
}

describe('graceful shutdown', () => {
  it(
    'finishes a request in flight after SIGTERM, then exits 0',
    async () => {
      let env: Record<string, string> = { LOG_LEVEL: 'info', SEED_DEMO: 'false' };
      if (onPostgres()) {
        const database = await createEmptyTestDatabase();
        databases.push(database);
        env = { ...env, ...SECRETS, DATABASE_URL: database.url! };
      }
      const server = startServer(tempDir(), env);
      const [, url] = await server.waitForOutput(READY);

      const pathname = '/api/v1/auth/login';
      const slow = openSlowRequest(
        url!,
        pathname,
        JSON.stringify({ login: 'nobody@example.edu', password: 'not-the-password-123' }),
      );
      // The server has the request once it logs it; only then is it "in flight".
      await server.waitForOutput(
        /"msg":"incoming request"[^\n]*"url":"\/api\/v1\/auth\/login"|"url":"\/api\/v1\/auth\/login"[^\n]*"msg":"incoming request"/,
      );
      server.child.kill('SIGTERM');
      await server.waitForOutput(/shutting down: finishing in-flight requests/);
      slow.finish();

      const response = await slow.response;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
      expect(status).not.toBe(503);
      expect([400, 401, 404]).toContain(status);
      const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as {
        requestId?: string;
      };
      expect(body.requestId).toBeTruthy();

      const { code } = await server.exited;
      expect(code).toBe(0);
      // New connections are refused once the server has stopped.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
    SPAWN_TIMEOUT_MS,
  );
});
