// Opens Kysely<DB> on the embedded PGlite database or on a PostgreSQL pool, and runs migrations.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import {
  CompiledQuery,
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type TransactionSettings,
} from 'kysely';
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import { PipelinedClient } from './pipelined-client.ts';
import type { DB } from './schema.ts';

export { CACHED_PLAN_MARK, COMMIT_AFTER_MARK } from './pipelined-client.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/** Runs raw SQL for libraries (pg-boss) that speak `executeSql(text, values)`. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** Raw SQL outside any transaction, serialized with Kysely's queries on PGlite. */
  readonly executor: SqlExecutor;
  /** The pool size a process can keep busy: 1 on PGlite. */
  readonly maxConnections: number;
  /** The embedded instance, for dumps and LISTEN; undefined on PostgreSQL. */
  readonly pglite: PGlite | undefined;
  /**
   * Subscribes to NOTIFY on a channel. On PostgreSQL every subscription of this Database shares one
   * dedicated connection outside the pool (reconnected if it drops); on PGlite, pglite.listen.
   * Resolves once LISTEN is active; the returned function unsubscribes.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');
const require = createRequire(import.meta.url);

/**
 * PGlite has a single connection. Kysely's PGlite driver shares it between callers, so two
 * overlapping transactions (or a query during a transaction) would interleave on it. This gate
 * hands the connection to one caller at a time: transactions queue in process, as on a pool of 1.
 */
class ConnectionGate {
  #tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    return release;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

class GatedDriver implements Driver {
  readonly #inner: Driver;
  readonly #gate: ConnectionGate;
  readonly #releases = new Map<DatabaseConnection, Array<() => void>>();

  constructor(inner: Driver, gate: ConnectionGate) {
    this.#inner = inner;
    this.#gate = gate;
  }
  init(): Promise<void> {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#gate.acquire();
    const connection = await this.#inner.acquireConnection();
    const stack = this.#releases.get(connection) ?? [];
    stack.push(release);
    this.#releases.set(connection, stack);
    return connection;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#inner.releaseConnection(connection);
    this.#releases.get(connection)?.shift()?.();
  }
  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

class GatedPGliteDialect extends PGliteDialect {
  readonly #gate: ConnectionGate;
  constructor(pglite: PGlite, gate: ConnectionGate) {
    super({ pglite });
    this.#gate = gate;
  }
  override createDriver(): Driver {
    return new GatedDriver(super.createDriver(), this.#gate);
  }
}

export const PGLITE_EXTENSIONS = { citext, pg_trgm, unaccent };

const LISTEN_RECONNECT_MS = 1000;

/**
 * One PostgreSQL connection, outside the pool, that holds every LISTEN of a process. If it drops,
 * it reconnects and listens again; notifications sent while it was down are lost, which callers
 * accept (live seat counts are refreshed by the next change, and clients refetch on reconnect).
 */
class NotificationListener {
  readonly #url: string;
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(url: string) {
    this.#url = url;
  }

  async listen(
    channel: string,
    onPayload: (payload: string) => void,
  ): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('The database is closed.');
    let handlers = this.#handlers.get(channel);
    const first = handlers === undefined;
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(onPayload);
    const client = await this.#connect();
    if (first) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    return async () => {
      const set = this.#handlers.get(channel);
      if (!set?.delete(onPayload) || set.size > 0) return;
      this.#handlers.delete(channel);
      if (this.#client && !this.#closed) {
        await this.#client.query(`unlisten ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
      }
    };
  }

  #connect(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.#url });
      client.on('notification', (message) => {
        for (const handler of this.#handlers.get(message.channel) ?? []) {
          handler(message.payload ?? '');
        }
      });
      client.on('error', () => this.#dropped(client));
      client.on('end', () => this.#dropped(client));
      try {
        await client.connect();
        for (const channel of this.#handlers.keys()) {
          await client.query(`listen ${pg.escapeIdentifier(channel)}`);
        }
      } catch (error) {
        client.removeAllListeners('end');
        await client.end().catch(() => undefined);
        throw error;
      } finally {
        this.#connecting = undefined;
      }
      this.#client = client;
      return client;
    })();
    return this.#connecting;
  }

  #dropped(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry || this.#handlers.size === 0) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connect().catch(() => this.#scheduleReconnect());
    }, LISTEN_RECONNECT_MS);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** Folder for the embedded database; omitted: in memory. */
  dataDir?: string | undefined;
  /** A dump of a migrated database to start from (tests clone a template this way). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      // A registration transaction is short; a connection held longer is a bug, not load.
      idleTimeoutMillis: 30_000,
      Client: PipelinedClient,
      // Applies only to named (prepared) statements, i.e. those marked CACHED_PLAN_MARK.
      options: '-c plan_cache_mode=force_generic_plan',
    });
    // NUMERIC and BIGINT arrive as strings by default; counts and credits fit in a double.
    pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const listener = new NotificationListener(options.databaseUrl);
    return {
      db,
      kind: 'postgres',
      pglite: undefined,
      maxConnections: options.poolSize ?? 20,
      executor: { executeSql: async (text, values) => pool.query(text, values) },
      listen: (channel, onPayload) => listener.listen(channel, onPayload),
      close: async () => {
        await listener.close();
        await db.destroy();
      },
    };
  }
  let dataDir: string | undefined;
  let loadDataDir = options.loadDataDir;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    dataDir = path.join(options.dataDir, 'pglite');
    // A new embedded database starts from the install-time template when it matches this code.
    if (!loadDataDir && !existsSync(dataDir)) {
      const template = embeddedTemplatePath();
      if (existsSync(template)) loadDataDir = new Blob([readFileSync(template)]);
    }
  }
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: PGLITE_EXTENSIONS,
    parsers: {
      1700: (v: string) => Number(v), // numeric
      20: (v: string) => Number(v), // int8
    },
  });
  const gate = new ConnectionGate();
  const db = new Kysely<DB>({ dialect: new GatedPGliteDialect(pglite, gate) });
  return {
    db,
    kind: 'pglite',
    pglite,
    maxConnections: 1,
    executor: {
      executeSql: (text, values) =>
        gate.run(async () => {
          if (values && values.length > 0) return pglite.query(text, values);
          // Parameterless SQL may hold several statements (pg-boss's schema): exec runs them all.
          const results = await pglite.exec(text);
          return { rows: results.flatMap((r) => r.rows) };
        }),
    },
    listen: async (channel, onPayload) => {
      // LISTEN is a statement on the single connection: it queues behind transactions like any other.
      const unlisten = await gate.run(() => pglite.listen(channel, onPayload));
      return async () => {
        if (!pglite.closed) await gate.run(() => unlisten());
      };
    },
    close: async () => {
      await db.destroy();
      // Kysely closes PGlite only if it ever ran a query; an unused instance must close too.
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** Raw SQL inside a Kysely transaction, for libraries that take an executor (pg-boss `send`). */
export function executorFor(db: Kysely<DB>): SqlExecutor {
  return {
    executeSql: async (text, values) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows };
    },
  };
}

function createMigrator(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  });
}

/**
 * Where the embedded-database template for this code lives: a dump of an empty database with every
 * migration run, made by `npm install` (scripts/prepare.ts). Starting from it skips PGlite's
 * initdb and the migrations, most of a first start. The name hashes the PGlite version and the
 * migrations, so a template made for other code is never used.
 */
export function embeddedTemplatePath(): string {
  const pglitePackage = packageJsonOf(require.resolve('@electric-sql/pglite'));
  const hash = createHash('sha256');
  hash.update(readFileSync(pglitePackage));
  hash.update(Object.keys(PGLITE_EXTENSIONS).join(','));
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(name);
    hash.update(readFileSync(path.join(MIGRATIONS_DIR, name)));
  }
  // node_modules/.cache: beside the installed packages it belongs to, ignored by git.
  const nodeModules = path.resolve(path.dirname(pglitePackage), '../..');
  return path.join(
    nodeModules,
    '.cache/openregistrar',
    `pglite-template-${hash.digest('hex').slice(0, 16)}.tar.gz`,
  );
}

/** The package.json of the package a resolved entry file belongs to (its `exports` hide it). */
function packageJsonOf(entry: string): string {
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${entry}`);
    dir = parent;
  }
  return path.join(dir, 'package.json');
}

/** Writes the template for the current migrations (if missing) and returns its path. */
export async function writeEmbeddedTemplate(): Promise<string> {
  const file = embeddedTemplatePath();
  if (existsSync(file)) return file;
  const database = await openDatabase({});
  try {
    await migrateToLatest(database.db);
    const dump = await database.pglite!.dumpDataDir('gzip');
    mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename: a process reading the template never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return file;
  } finally {
    await database.close();
  }
}

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Brings the schema up to date. Kysely takes a PostgreSQL advisory lock around the run, so several
 * processes starting together migrate once and the others wait.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new MigrationError(
      `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}`,
      { cause: result.error },
    );
  }
  return result;
}

/** Names of migrations in the code that the database has not run yet. */
export async function listPendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
