// Registration-storm benchmark (PostgreSQL): the large demo university in a fresh database, two
// API processes, students signed in beforehand (sessions written in bulk, tokens signed here: the
// storm measures registration, not password hashing), then
//   1. a closed loop of register/drop/swap at concurrency 500 (20% of requests on 1% of
//      sections): the maximum throughput;
//   2. an open loop with Poisson arrivals at half that rate: latency without coordinated omission;
//   3. the registration consistency check over the database;
//   4. the baseline: the bare seat-taking transaction (BEGIN; lock the student row; conditional
//      seat update; insert the registration; COMMIT) sent straight through `pg` at the same
//      concurrency, same hot/cold mix, on a copy of the same seeded database, through as many
//      connections as the API processes have together.
// It prints throughput, p50/p95/p99, the outcome mix, 503s and any other 5xx, and API/baseline.
//
//   npm run bench:rush [-- --processes 2 --concurrency 500 --storm-seconds 30 --open-seconds 20
//                         --pool-size 5]
//   --keep-seed keeps the seeded template database between runs (faster repeats)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (server to create databases on)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { Pool as HttpPool } from 'undici';
import { migrateToLatest, openDatabase, type Database } from '../../apps/api/src/db/database.ts';
import { newId } from '../../apps/api/src/lib/ids.ts';
import { createTokenSigner } from '../../apps/api/src/modules/identity/identity.tokens.ts';
import { checkRegistrationConsistency } from '../../apps/api/src/modules/registration/registration.consistency.ts';
import { seedDemoUniversity } from '../../apps/api/src/seed/demo.seed.ts';
import { closedLoop, openLoop, percentile, type LoopResult } from '../catalog-search/load.ts';
import {
  DEFAULT_ACTION_MIX,
  DEFAULT_HOT_MIX,
  Tally,
  chooseAction,
  classifyAnswer,
  createRandom,
  createSectionPicker,
  type Action,
} from './workload.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEED_TEMPLATE = 'openregistrar_rush_seed';
const SECRET = () => randomBytes(36).toString('base64url');

const { values: args } = parseArgs({
  options: {
    processes: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '500' },
    'storm-seconds': { type: 'string', default: '30' },
    'open-seconds': { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '5' },
    students: { type: 'string', default: '20000' },
    /**
     * PostgreSQL connections per API process; the baseline gets as many as they have together.
     * On this 2-core machine 5 measured best (storm 685 req/s; 3: 663; 20: 590-630): past a few
     * backends per core PostgreSQL spends more CPU per statement (the fact query cost 650 µs a
     * call at 16 concurrent backends and 965 µs at 40) and the baseline gains nothing from them.
     */
    'pool-size': { type: 'string', default: '5' },
    'keep-seed': { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of each API process into .test-artifacts/rush-profiles. */
    profile: { type: 'boolean', default: false },
  },
});
const PROCESSES = Number(args.processes);
const CONCURRENCY = Number(args.concurrency);
const STORM_MS = Number(args['storm-seconds']) * 1000;
const OPEN_MS = Number(args['open-seconds']) * 1000;
const WARMUP_MS = Number(args['warmup-seconds']) * 1000;
const STUDENTS = Number(args.students);
const API_POOL_SIZE = Number(args['pool-size']);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
if (!['127.0.0.1', 'localhost'].includes(new URL(serverUrl).hostname)) {
  throw new Error('The rush benchmark runs only against a PostgreSQL server on 127.0.0.1.');
}
const runTag = `${process.pid}_${Date.now().toString(36)}`;
const apiDatabase = `openregistrar_rush_${runTag}`;
const baselineDatabase = `openregistrar_rush_${runTag}_base`;

function urlFor(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return admin(async (c) => {
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    return r.rowCount === 1;
  });
}

async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** A fresh database with the large demo university (cloned from a kept template if asked). */
async function createSeededDatabase(): Promise<void> {
  if (args['keep-seed'] && (await databaseExists(SEED_TEMPLATE))) {
    log(`Cloning the kept seed ${SEED_TEMPLATE}…`);
    await admin((c) => c.query(`create database ${apiDatabase} template ${SEED_TEMPLATE}`));
    const database = await openDatabase({ databaseUrl: urlFor(apiDatabase), poolSize: 4 });
    await migrateToLatest(database.db);
    await database.close();
    return;
  }
  await admin((c) => c.query(`create database ${apiDatabase}`));
  const database = await openDatabase({ databaseUrl: urlFor(apiDatabase), poolSize: 8 });
  try {
    await migrateToLatest(database.db);
    log('Seeding the large demo university (people, then catalog)…');
    const started = Date.now();
    await seedDemoUniversity(database.db, { size: 'large', progress: true });
    log(`Seeded in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    await database.close();
  }
  if (args['keep-seed']) {
    await admin((c) => c.query(`create database ${SEED_TEMPLATE} template ${apiDatabase}`));
  }
}

interface Prepared {
  termId: string;
  termCode: string;
  sectionIds: string[];
  students: Array<{ id: string; roles: string[] }>;
}

/**
 * The storm's term is the one open for registration at the seed date with the most sections;
 * its window is opened for everyone (time tickets removed) so the storm is not a queue of
 * `not_in_window` refusals. Holds and every other rule stay as the seed made them.
 */
async function prepareStorm(database: Database): Promise<Prepared> {
  const db = database.db;
  const term = await sql<{ id: string; code: string }>`
    select t.id, t.code from terms t join sections s on s.term_id = t.id
    where t.registration_opens_at <= now() and t.registration_closes_at > now()
    group by t.id order by count(*) desc limit 1`.execute(db);
  const chosen = term.rows[0];
  if (!chosen) throw new Error('The seed has no term open for registration now.');
  await sql`update terms set registration_opens_at = now() - interval '1 day',
      registration_closes_at = now() + interval '30 days',
      add_drop_deadline = now() + interval '30 days', withdraw_deadline = now() + interval '40 days'
    where id = ${chosen.id}`.execute(db);
  await sql`delete from time_ticket_rules where term_id = ${chosen.id}`.execute(db);
  await sql`update student_terms set opens_at = null where term_id = ${chosen.id}`.execute(db);
  const sections = await sql<{ id: string }>`
    select id from sections where term_id = ${chosen.id} and status = 'active' order by id`.execute(
    db,
  );
  const students = await sql<{ id: string; roles: string[] }>`
    select u.id, u.roles from users u join students s on s.user_id = u.id
    where u.disabled_at is null order by u.id limit ${STUDENTS}`.execute(db);
  return {
    termId: chosen.id,
    termCode: chosen.code,
    sectionIds: sections.rows.map((r) => r.id),
    students: students.rows,
  };
}

/** Sessions written in bulk and access tokens signed with the servers' secret. */
async function signInStudents(
  database: Database,
  students: Prepared['students'],
  jwtSecret: string,
): Promise<string[]> {
  const signer = createTokenSigner(jwtSecret);
  const expires = new Date(Date.now() + 24 * 3600 * 1000);
  const sessions = students.map((s) => ({ id: newId(), user_id: s.id, expires_at: expires }));
  for (let i = 0; i < sessions.length; i += 2000) {
    await database.db
      .insertInto('sessions')
      .values(sessions.slice(i, i + 2000))
      .execute();
  }
  return Promise.all(
    students.map((s, i) =>
      signer.signAccessToken({
        userId: s.id,
        sessionId: sessions[i]!.id,
        roles: s.roles as Array<'student'>,
      }),
    ),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

interface ApiProcess {
  port: number;
  child: ChildProcess;
  pool: HttpPool;
}

async function startApi(jwtSecret: string, cookieSecret: string): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // As apps/api/package.json's start script runs the server (see the README's Performance).
      '--max-semi-space-size=64',
      '--disable-warning=ExperimentalWarning',
      ...(args.profile
        ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.test-artifacts/rush-profiles')}`]
        : []),
      path.join(ROOT, 'apps/api/src/server.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: urlFor(apiDatabase),
        DATABASE_POOL_SIZE: String(API_POOL_SIZE),
        JWT_SECRET: jwtSecret,
        COOKIE_SECRET: cookieSecret,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        DATA_DIR: path.join(ROOT, '.test-artifacts', `rush-${runTag}`),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (chunk: Buffer) =>
    process.stderr.write(`[api:${port}] ${chunk.toString()}`),
  );
  const pool = new HttpPool(`http://127.0.0.1:${port}`, {
    connections: Math.ceil(CONCURRENCY / PROCESSES),
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API on port ${port} exited at start`);
    try {
      const res = await pool.request({ method: 'GET', path: '/readyz' });
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`API on port ${port} not ready within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { port, child, pool };
}

async function stopApi(api: ApiProcess): Promise<void> {
  await api.pool.close();
  if (api.child.exitCode !== null) return;
  const exited = new Promise((resolve) => api.child.once('exit', resolve));
  api.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  if (api.child.exitCode === null) api.child.kill('SIGKILL');
}

interface PhaseResult {
  loop: LoopResult;
  outcomes: Tally;
  blockers: Tally;
  actions: Tally;
  serverErrors: number;
}

/** Sends one student action to one of the API processes and tallies the answer. */
function createStormClient(apis: ApiProcess[], prepared: Prepared, tokens: string[]) {
  const random = createRandom(20261122);
  const sections = createSectionPicker(prepared.sectionIds, DEFAULT_HOT_MIX, random);
  const held: string[][] = prepared.students.map(() => []);
  const busy = new Set<number>();
  let turn = 0;

  function pickStudent(): number {
    for (;;) {
      const index = Math.floor(random() * prepared.students.length);
      if (!busy.has(index)) return index;
    }
  }

  async function send(action: Action, token: string, api: ApiProcess) {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let method: 'POST' | 'DELETE' = 'POST';
    let url: string;
    let body: string | undefined;
    switch (action.kind) {
      case 'register':
        url = '/api/v1/me/registrations';
        body = JSON.stringify({ sectionId: action.sectionId });
        headers['idempotency-key'] = randomUUID();
        break;
      case 'drop':
        method = 'DELETE';
        url = `/api/v1/me/registrations/${action.registrationId}`;
        break;
      case 'swap':
        url = '/api/v1/me/registrations/swap';
        body = JSON.stringify({
          dropRegistrationId: action.dropRegistrationId,
          addSectionId: action.addSectionId,
        });
        break;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await api.pool.request({ method, path: url, headers, body });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed };
  }

  function remember(index: number, action: Action, status: number, body: unknown): void {
    const list = held[index]!;
    const remove = (id: string) => {
      const at = list.indexOf(id);
      if (at >= 0) list.splice(at, 1);
    };
    const ok = status === 200 || status === 201;
    if (action.kind === 'register' && ok) {
      const id = (body as { registration?: { id?: string } }).registration?.id;
      if (id) list.push(id);
    } else if (action.kind === 'drop' && (ok || status === 404 || status === 409)) {
      remove(action.registrationId);
    } else if (action.kind === 'swap' && ok) {
      remove(action.dropRegistrationId);
      const id = (body as { added?: { id?: string } }).added?.id;
      if (id) list.push(id);
    }
  }

  return async function runPhase(
    drive: (send: () => Promise<void>) => Promise<LoopResult>,
  ): Promise<PhaseResult> {
    const outcomes = new Tally();
    const blockers = new Tally();
    const actions = new Tally();
    let serverErrors = 0;
    const loop = await drive(async () => {
      const index = pickStudent();
      busy.add(index);
      try {
        const action = chooseAction(
          held[index]!,
          () => sections.pick(),
          DEFAULT_ACTION_MIX,
          random,
        );
        const api = apis[turn++ % apis.length]!;
        const { status, body } = await send(action, tokens[index]!, api);
        actions.add(action.kind);
        const answer = classifyAnswer(action.kind, status, body);
        outcomes.add(`${action.kind}:${answer.outcome}`);
        for (const code of answer.blockers) blockers.add(code);
        if (status >= 500 && status !== 503) serverErrors += 1;
        remember(index, action, status, body);
      } finally {
        busy.delete(index);
      }
    });
    return { loop, outcomes, blockers, actions, serverErrors };
  };
}

/**
 * The bare seat-taking transaction, five round trips: BEGIN; lock (or create) the student's term
 * row; take a seat if one is free; insert the registration; COMMIT.
 */
async function runBaseline(
  prepared: Prepared,
): Promise<{ loop: LoopResult; outcomes: Tally; cpu: [CpuSnapshot, CpuSnapshot] }> {
  const pool = new pg.Pool({
    connectionString: urlFor(baselineDatabase),
    max: PROCESSES * API_POOL_SIZE,
  });
  const random = createRandom(20261122);
  const sections = createSectionPicker(prepared.sectionIds, DEFAULT_HOT_MIX, random);
  const outcomes = new Tally();
  const takeSeat = async (): Promise<void> => {
    const student = prepared.students[Math.floor(random() * prepared.students.length)]!;
    const sectionId = sections.pick();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into student_terms (student_id, term_id) values ($1, $2)
         on conflict (student_id, term_id) do update set version = student_terms.version + 1`,
        [student.id, prepared.termId],
      );
      const seat = await client.query(
        `update sections set enrolled = enrolled + 1
         where id = $1 and enrolled < capacity returning id`,
        [sectionId],
      );
      if (seat.rowCount === 0) {
        await client.query('rollback');
        outcomes.add('full');
        return;
      }
      await client.query(
        `insert into registrations (id, student_id, section_id, term_id, status, credits, enrolled_at)
         values ($1, $2, $3, $4, 'enrolled', 3, now())`,
        [newId(), student.id, sectionId, prepared.termId],
      );
      await client.query('commit');
      outcomes.add('enrolled');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      outcomes.add((error as { code?: string }).code === '23505' ? 'duplicate' : 'error');
    } finally {
      client.release();
    }
  };
  await closedLoop(CONCURRENCY, Math.min(WARMUP_MS, 5000), takeSeat);
  outcomes.counts.clear();
  const before = cpuSnapshot([]);
  const loop = await closedLoop(CONCURRENCY, STORM_MS, takeSeat);
  const after = cpuSnapshot([]);
  await pool.end();
  return { loop, outcomes, cpu: [before, after] };
}

function describeLoop(name: string, loop: LoopResult): string {
  const p = (q: number) => percentile(loop.latenciesMs, q).toFixed(1);
  return (
    `${name.padEnd(30)} ${loop.rate.toFixed(0).padStart(6)} req/s  ` +
    `p50 ${p(50)} ms  p95 ${p(95)} ms  p99 ${p(99)} ms  ` +
    `(${loop.completed} answered, ${loop.errors} transport errors, ${loop.seconds.toFixed(1)} s)`
  );
}

function describeTally(tally: Tally): string {
  const total = tally.total();
  return tally
    .sorted()
    .map(
      ([name, n]) =>
        `    ${name.padEnd(40)} ${String(n).padStart(8)}  ${((100 * n) / total).toFixed(1)}%`,
    )
    .join('\n');
}

async function scrapeAdmission(apis: ApiProcess[]): Promise<string[]> {
  const lines: string[] = [];
  for (const api of apis) {
    try {
      const res = await api.pool.request({ method: 'GET', path: '/metrics' });
      const text = await res.body.text();
      const shed = text
        .split('\n')
        .filter((l) => l.startsWith('registration_admission_shed_total'))
        .map((l) => l.replace('registration_admission_shed_total', 'shed'));
      lines.push(`  api:${api.port} admission ${shed.length > 0 ? shed.join(', ') : 'shed 0'}`);
    } catch (error) {
      lines.push(`  api:${api.port} metrics unavailable: ${String(error)}`);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const jwtSecret = SECRET();
  const cookieSecret = SECRET();
  const apis: ApiProcess[] = [];
  const databases = [apiDatabase, baselineDatabase];
  try {
    await createSeededDatabase();
    let database = await openDatabase({ databaseUrl: urlFor(apiDatabase), poolSize: 8 });
    const prepared = await prepareStorm(database);
    await database.close();
    log(
      `Term ${prepared.termCode}: ${prepared.sectionIds.length} sections, ` +
        `${prepared.students.length} students signed in, concurrency ${CONCURRENCY}, ` +
        `${PROCESSES} API processes with ${API_POOL_SIZE} connections each.`,
    );
    // The baseline runs on its own copy, so neither run sees the other's seats taken.
    await admin((c) => c.query(`create database ${baselineDatabase} template ${apiDatabase}`));

    database = await openDatabase({ databaseUrl: urlFor(apiDatabase), poolSize: 8 });
    const tokens = await signInStudents(database, prepared.students, jwtSecret);
    await database.close();

    for (let i = 0; i < PROCESSES; i += 1) apis.push(await startApi(jwtSecret, cookieSecret));
    log(`API processes on ports ${apis.map((a) => a.port).join(', ')}.`);
    const storm = createStormClient(apis, prepared, tokens);

    log(`Warm-up ${WARMUP_MS / 1000} s…`);
    await storm((send) => closedLoop(CONCURRENCY, WARMUP_MS, send));
    log(`Storm: closed loop at concurrency ${CONCURRENCY} for ${STORM_MS / 1000} s…`);
    const stormCpuBefore = cpuSnapshot(apis);
    const closed = await storm((send) => closedLoop(CONCURRENCY, STORM_MS, send));
    const stormCpu = describeCpu('storm', stormCpuBefore, cpuSnapshot(apis), closed.loop.completed);
    const openRate = closed.loop.rate / 2;
    log(`Open loop: Poisson arrivals at ${openRate.toFixed(0)}/s for ${OPEN_MS / 1000} s…`);
    const open = await storm((send) => openLoop(openRate, OPEN_MS, send));
    const admission = await scrapeAdmission(apis);
    for (const api of apis.splice(0)) await stopApi(api);

    database = await openDatabase({ databaseUrl: urlFor(apiDatabase), poolSize: 4 });
    const consistency = await checkRegistrationConsistency(database.db);
    await database.close();

    log('Baseline: the bare seat-taking transaction through pg…');
    const baseline = await runBaseline(prepared);
    const baselineCpu = describeCpu(
      'baseline',
      baseline.cpu[0],
      baseline.cpu[1],
      baseline.loop.completed,
    );
    const ratio = closed.loop.rate / baseline.loop.rate;

    const lines = [
      '',
      `Registration storm — ${PROCESSES} API processes, concurrency ${CONCURRENCY}, ` +
        `${prepared.sectionIds.length} sections (${DEFAULT_HOT_MIX.hotRequestShare * 100}% of ` +
        `requests on ${DEFAULT_HOT_MIX.hotSectionShare * 100}%), ${prepared.students.length} students`,
      describeLoop('storm (closed loop)', closed.loop),
      describeLoop(`open loop @ ${openRate.toFixed(0)}/s`, open.loop),
      describeLoop('baseline pg (closed loop)', baseline.loop),
      `API/baseline throughput ratio: ${ratio.toFixed(2)}`,
      stormCpu,
      baselineCpu,
      `Machine load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (2 cores)`,
      '',
      'Storm outcomes (action:outcome):',
      describeTally(closed.outcomes),
      'Blockers in refused storm requests:',
      describeTally(closed.blockers),
      'Open-loop outcomes:',
      describeTally(open.outcomes),
      'Baseline outcomes:',
      describeTally(baseline.outcomes),
      '',
      `503 overloaded: storm ${countOutcome(closed.outcomes, 'overloaded')}, ` +
        `open loop ${countOutcome(open.outcomes, 'overloaded')}`,
      `Other 5xx: storm ${closed.serverErrors}, open loop ${open.serverErrors} (must be 0)`,
      ...admission,
      `Consistency: ${consistency.problems.length === 0 ? 'OK' : 'BROKEN'} ` +
        `(${consistency.sections} sections, ${consistency.registrations} registrations)`,
      ...consistency.problems.map((p) => `  - ${p}`),
      '',
    ];
    process.stdout.write(lines.join('\n'));
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      path.join(ROOT, `bench/results/rush-${Date.now()}.json`),
      JSON.stringify(
        {
          processes: PROCESSES,
          concurrency: CONCURRENCY,
          storm: summary(closed.loop),
          open: summary(open.loop),
          baseline: summary(baseline.loop),
          ratio,
          outcomes: Object.fromEntries(closed.outcomes.sorted()),
          openOutcomes: Object.fromEntries(open.outcomes.sorted()),
          blockers: Object.fromEntries(closed.blockers.sorted()),
          serverErrors: closed.serverErrors + open.serverErrors,
          consistency,
        },
        null,
        2,
      ),
    );
    const failed = consistency.problems.length > 0 || closed.serverErrors + open.serverErrors > 0;
    process.exitCode = failed ? 1 : 0;
  } finally {
    for (const api of apis) await stopApi(api).catch(() => undefined);
    for (const name of databases) await dropDatabase(name).catch(() => undefined);
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 if unreadable. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL server process (all databases, so others' load counts too). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') {
        total += cpuSecondsOf(Number(entry));
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

interface CpuSnapshot {
  api: number;
  loadGenerator: number;
  postgres: number;
}

function cpuSnapshot(apis: readonly ApiProcess[]): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    api: apis.reduce((sum, api) => sum + (api.child.pid ? cpuSecondsOf(api.child.pid) : 0), 0),
    loadGenerator: (own.user + own.system) / 1e6,
    postgres: postgresCpuSeconds(),
  };
}

/**
 * CPU milliseconds per answered request in each part of the system: a figure the other helpers'
 * load on a shared machine cannot bend much, unlike throughput.
 */
function describeCpu(name: string, before: CpuSnapshot, after: CpuSnapshot, answered: number) {
  const per = (a: number, b: number) => (((b - a) * 1000) / Math.max(1, answered)).toFixed(2);
  return (
    `${name.padEnd(30)} CPU per answered request: API ${per(before.api, after.api)} ms, ` +
    `load generator ${per(before.loadGenerator, after.loadGenerator)} ms, ` +
    `PostgreSQL (server-wide) ${per(before.postgres, after.postgres)} ms`
  );
}

function countOutcome(tally: Tally, outcome: string): number {
  let n = 0;
  for (const [name, count] of tally.counts) if (name.endsWith(`:${outcome}`)) n += count;
  return n;
}

function summary(loop: LoopResult) {
  return {
    rate: loop.rate,
    completed: loop.completed,
    errors: loop.errors,
    p50: percentile(loop.latenciesMs, 50),
    p95: percentile(loop.latenciesMs, 95),
    p99: percentile(loop.latenciesMs, 99),
  };
}

await main();
