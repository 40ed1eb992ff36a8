// Catalog search benchmark (PostgreSQL only): loads the large demo university into a fresh
// database, starts the API as a separate process, signs students in and runs a mix of searches:
// a closed loop at concurrency 50 for the maximum rate, then an open loop (Poisson arrivals) at
// half that rate for p50/p95/p99. The same SQL the API runs per request (session check, term,
// search) is then sent straight through `pg` the same way, and the ratios are printed.
//
//   npm run bench:search [-- --reuse] [--seconds 20] [--shedding]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (server to create the database on)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../../apps/api/src/db/database.ts';
import type { DB } from '../../apps/api/src/db/schema.ts';
import { systemClock } from '../../apps/api/src/lib/clock.ts';
import { createCatalogService } from '../../apps/api/src/modules/catalog/catalog.service.ts';
import type { SectionSearchQuery } from '../../apps/api/src/modules/catalog/catalog.schemas.ts';
import { DEMO_PASSWORDS } from '../../apps/api/src/seed/demo-people.seed.ts';
import { seedDemoUniversity } from '../../apps/api/src/seed/demo.seed.ts';
import {
  buildSearchMix,
  closedLoop,
  openLoop,
  percentile,
  type LoopResult,
  type SearchQuery,
} from './load.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DATABASE_NAME = 'openregistrar_bench_search';
const CONCURRENCY = 50;
const STUDENTS = 300;
const POOL_SIZE = 20;
const MIX_SIZE = 2_000;

const { values: args } = parseArgs({
  options: {
    reuse: { type: 'boolean', default: false },
    // Keep the server's CPU-load shedding on (503 when its event loop is saturated).
    shedding: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '20' },
  },
});
const seconds = Number(args.seconds);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseUrl = (() => {
  const url = new URL(serverUrl);
  url.pathname = `/${DATABASE_NAME}`;
  return url.toString();
})();

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function prepareDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (
    await admin.query('select 1 from pg_database where datname = $1', [DATABASE_NAME])
  ).rowCount;
  if (args.reuse && exists) {
    await admin.end();
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const count = Number((await check.query('select count(*) as n from sections')).rows[0].n);
    await check.end();
    if (count >= 9_000) {
      log(`Reusing ${DATABASE_NAME} (${count} sections).`);
      return;
    }
  } else {
    await admin.query(`drop database if exists ${DATABASE_NAME} with (force)`);
    await admin.query(`create database ${DATABASE_NAME}`);
    await admin.end();
  }
  log(`Loading the large demo university into ${DATABASE_NAME}…`);
  const database = await openDatabase({ databaseUrl, poolSize: 4 });
  try {
    await migrateToLatest(database.db);
    await seedDemoUniversity(database.db, { size: 'large', progress: true });
  } finally {
    await database.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function request(
  port: number,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  body?: object,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: {
          ...headers,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', path.join(ROOT, 'apps/api/src/server.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        JWT_SECRET: randomBytes(48).toString('base64url'),
        COOKIE_SECRET: randomBytes(48).toString('base64url'),
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        // The closed loop saturates the process on purpose to find its maximum; with shedding on,
        // a machine shared with other work answers most of that loop with 503 and the figure
        // measures the shedding, not the search. --shedding keeps it on.
        LOAD_SHEDDING: args.shedding ? 'true' : 'false',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The API exited with code ${child.exitCode}`);
    try {
      if ((await request(port, 'GET', '/readyz', {})).status === 200) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  throw new Error('The API did not become ready within 60 s');
}

interface Student {
  token: string;
  userId: string;
  sessionId: string;
}

/** Students sign in through the real login; each keeps under the per-user rate limit. */
async function signInStudents(port: number, emails: string[]): Promise<Student[]> {
  const students: Student[] = [];
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const email = emails[next++]!;
      const res = await request(
        port,
        'POST',
        '/api/v1/auth/login',
        {},
        { login: email, password: DEMO_PASSWORDS.student },
      );
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
      const token = (JSON.parse(res.body) as { accessToken: string }).accessToken;
      const claims = JSON.parse(
        Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'),
      ) as {
        sub: string;
        sid: string;
      };
      students.push({ token, userId: claims.sub, sessionId: claims.sid });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return students;
}

/** Fastify's query coercion, for the few typed fields the mix uses. */
function searchQueryOf(query: string): SectionSearchQuery {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    out[key] = key === 'open' ? value === 'true' : key === 'credits' ? Number(value) : value;
  }
  return out;
}

/** The statements the API runs for each search of the mix, captured from the catalog service. */
async function captureSql(
  termId: string,
  mix: readonly SearchQuery[],
): Promise<Map<string, CompiledQuery[]>> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let captured: CompiledQuery[] = [];
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  const catalog = createCatalogService({ db, clock: systemClock });
  const byQuery = new Map<string, CompiledQuery[]>();
  for (const search of mix) {
    if (byQuery.has(search.query)) continue;
    captured = [];
    await catalog.searchSections(termId, searchQueryOf(search.query));
    byQuery.set(search.query, captured);
  }
  await db.destroy();
  return byQuery;
}

/** The session check http/auth.ts runs on every signed-in request, compiled the same way. */
function sessionCheckSql(): CompiledQuery {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.roles', 'users.disabled_at'])
    .where('sessions.id', '=', '00000000-0000-0000-0000-000000000000')
    .where('sessions.user_id', '=', '00000000-0000-0000-0000-000000000000')
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', new Date())
    .compile();
}

function describe(result: LoopResult): string {
  const l = result.latenciesMs;
  return (
    `${result.rate.toFixed(0).padStart(6)} req/s  p50 ${percentile(l, 50).toFixed(1).padStart(6)} ms  ` +
    `p95 ${percentile(l, 95).toFixed(1).padStart(6)} ms  p99 ${percentile(l, 99).toFixed(1).padStart(6)} ms  ` +
    `(${result.completed} ok, ${result.errors} errors${result.errors ? ` ${JSON.stringify(result.errorKinds)}` : ''}, ${result.seconds.toFixed(1)} s)`
  );
}

async function main(): Promise<void> {
  await prepareDatabase();
  const data = new pg.Client({ connectionString: databaseUrl });
  await data.connect();
  const term = (
    await data.query<{ id: string; code: string }>(
      `select id, code from terms where registration_opens_at <= now() and registration_closes_at > now()
       order by starts_on limit 1`,
    )
  ).rows[0];
  if (!term) throw new Error('No term has registration open now; reload with a fresh seed.');
  const subjects = (
    await data.query<{ code: string }>('select code from subjects order by code')
  ).rows.map((r) => r.code);
  const courses = (
    await data.query<{ code: string; title: string }>(
      'select code, title from courses order by code',
    )
  ).rows;
  const titleWords = [
    ...new Set(
      courses
        .flatMap((c) => c.title.toLowerCase().split(/[^\p{L}]+/u))
        .filter((w) => w.length >= 4 && !['with', 'from', 'into'].includes(w)),
    ),
  ].sort();
  const instructorNames = (
    await data.query<{ name: string }>(
      'select distinct name from section_instructors where user_id is not null order by name',
    )
  ).rows.map((r) => r.name);
  const emails = (
    await data.query<{ email: string }>(
      `select email from users where 'student' = any(roles) order by email limit ${STUDENTS}`,
    )
  ).rows.map((r) => r.email);
  await data.end();

  const mix = buildSearchMix(
    { subjects, titleWords, courseCodes: courses.map((c) => c.code), instructorNames },
    MIX_SIZE,
  );
  log(
    `Term ${term.code}; ${mix.length} searches in the mix; ${new Set(mix.map((m) => m.query)).size} distinct.`,
  );

  const port = await freePort();
  const server = await startServer(port);
  const results: Record<string, unknown> = {};
  try {
    const students = await signInStudents(port, emails);
    log(`${students.length} students signed in.`);
    const names = mix.map((m) => m.name);
    const byName = new Map<string, number[]>();
    let recordNames = false;
    const sendHttp = async (i: number) => {
      const search = mix[i % mix.length]!;
      const student = students[i % students.length]!;
      const t0 = performance.now();
      const res = await request(port, 'GET', `/api/v1/terms/${term.id}/sections?${search.query}`, {
        authorization: `Bearer ${student.token}`,
      });
      if (res.status === 503) {
        // Shed by the server: back off like a client would, so shedding can end.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (res.status !== 200) throw new Error(`${res.status} ${res.body.slice(0, 200)}`);
      if (recordNames) {
        const list = byName.get(names[i % names.length]!) ?? [];
        list.push(performance.now() - t0);
        byName.set(names[i % names.length]!, list);
      }
    };

    log('API: warming up…');
    await closedLoop(CONCURRENCY, 3_000, sendHttp);
    log(`API: closed loop, concurrency ${CONCURRENCY}, ${seconds} s…`);
    const apiClosed = await closedLoop(CONCURRENCY, seconds * 1000, sendHttp);
    const offered = apiClosed.rate / 2;
    log(`API: open loop at ${offered.toFixed(0)} req/s (half the maximum), ${seconds} s…`);
    recordNames = true;
    const apiOpen = await openLoop(offered, seconds * 1000, sendHttp);
    recordNames = false;

    // Baseline: the same statements straight through pg, with the API's pool size.
    const statements = await captureSql(term.id, mix);
    const session = sessionCheckSql();
    const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
    const sendSql = async (i: number) => {
      const search = mix[i % mix.length]!;
      const student = students[i % students.length]!;
      const client = await pool.connect();
      try {
        await client.query(session.sql, [student.sessionId, student.userId, new Date()]);
        for (const statement of statements.get(search.query)!) {
          await client.query(statement.sql, [...statement.parameters]);
        }
      } finally {
        client.release();
      }
    };
    log('pg: warming up…');
    await closedLoop(CONCURRENCY, 3_000, sendSql);
    log(`pg: closed loop, concurrency ${CONCURRENCY}, ${seconds} s…`);
    const pgClosed = await closedLoop(CONCURRENCY, seconds * 1000, sendSql);
    log(`pg: open loop at ${offered.toFixed(0)} req/s, ${seconds} s…`);
    const pgOpen = await openLoop(offered, seconds * 1000, sendSql);
    await pool.end();

    const p95 = (r: LoopResult) => percentile(r.latenciesMs, 95);
    const lines = [
      '',
      `Catalog search on the large seed (term ${term.code}, ${MIX_SIZE} searches in the mix, ${students.length} students)`,
      `  API  closed loop c=${CONCURRENCY}: ${describe(apiClosed)}`,
      `  pg   closed loop c=${CONCURRENCY}: ${describe(pgClosed)}`,
      `  API  open loop ${offered.toFixed(0)}/s:   ${describe(apiOpen)}`,
      `  pg   open loop ${offered.toFixed(0)}/s:   ${describe(pgOpen)}`,
      `  ratio API/pg: max rate ${(apiClosed.rate / pgClosed.rate).toFixed(2)}×, p95 at half the API maximum ${(p95(apiOpen) / p95(pgOpen)).toFixed(2)}×`,
      `  goal p95 < 50 ms at half the maximum: ${p95(apiOpen) < 50 ? 'met' : 'NOT met'} (${p95(apiOpen).toFixed(1)} ms)`,
      '  API open-loop p95 by kind of search:',
      ...[...byName.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, list]) => {
          list.sort((a, b) => a - b);
          return `    ${name.padEnd(20)} ${String(list.length).padStart(6)}  p50 ${percentile(list, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(list, 95).toFixed(1).padStart(6)} ms`;
        }),
      '',
    ];
    process.stdout.write(lines.join('\n'));
    const strip = (r: LoopResult) => ({
      rate: r.rate,
      completed: r.completed,
      errors: r.errors,
      p50: percentile(r.latenciesMs, 50),
      p95: percentile(r.latenciesMs, 95),
      p99: percentile(r.latenciesMs, 99),
    });
    Object.assign(results, {
      at: new Date().toISOString(),
      term: term.code,
      apiClosed: strip(apiClosed),
      pgClosed: strip(pgClosed),
      offered,
      apiOpen: strip(apiOpen),
      pgOpen: strip(pgOpen),
    });
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `catalog-search-${Date.now()}.json`),
      JSON.stringify(results, null, 2),
    );
  } finally {
    server.kill('SIGTERM');
    agent.destroy();
  }
}

await main();
