// The pg client behind the PostgreSQL pool. Two things make the registration transaction cheap:
//
// 1. Cached plans. A statement carrying CACHED_PLAN_MARK is a named prepared statement of the
//    connection (protocol-level Parse once, generic plan), then only bound and executed:
//    PostgreSQL spent 20-35 ms planning the 11 kB fact query against 1-3 ms running it.
// 2. Fewer round trips. On this machine every round trip costs both sides a system call and a
//    wake-up, and the rush is decided by them (ARCHITECTURE.md, "Round trips are the cost"). So
//    Kysely's BEGIN is not sent on its own: it travels in front of the transaction's first
//    cached-plan statement, in the same pipeline of extended-protocol messages (Parse/Bind/Execute
//    BEGIN, Bind/Describe/Execute the statement, Sync). And a cached-plan statement that also
//    carries COMMIT_AFTER_MARK is followed by COMMIT in its pipeline: the caller promises nothing
//    follows it in the transaction, and Kysely's own COMMIT becomes a no-op. A registration is
//    then two round trips: facts, then the write that commits.
//
// The extended protocol rather than "BEGIN; EXECUTE name(literals)" as one simple query: that
// made PostgreSQL parse the literals, copy the EXECUTE statement and coerce every value, which
// cost it 10-20% more CPU per fact query. Values are bound exactly as pg binds them.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import pg from 'pg';

/**
 * Put this comment at the start (within MARK_WINDOW characters) of a long, fixed-shape,
 * parameterized statement to plan it once per connection instead of on every call. Only for
 * statements whose predicates are equalities on keys, where a generic plan is as good as a custom
 * one.
 */
export const CACHED_PLAN_MARK = '/* cached-plan */';

/**
 * Put this comment (after CACHED_PLAN_MARK, within MARK_WINDOW characters of the start) in the
 * last statement of a transaction to commit in
 * the same round trip. Nothing may run in the transaction after it: a later failure can no longer
 * roll it back. A statement that must not commit under some outcome has to fail instead (raise an
 * error), which leaves the transaction to roll back as usual.
 */
export const COMMIT_AFTER_MARK = '/* commit-after */';

const MAX_CACHED_PLANS_PER_CONNECTION = 64;
/** The marks are looked for only this far into a statement (the fact query is 11 kB long). */
export const MARK_WINDOW = 256;
/** Characters from each end of a statement that, with its length, key the prepared-plan table. */
const KEY_EDGE = 160;
const require = createRequire(import.meta.url);
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

/** The parts of pg's connection a pipelined query writes to (pg/lib/connection.js). */
interface PgConnection {
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
  parse(message: { text: string; name?: string }): void;
  bind(message: {
    portal?: string;
    statement?: string;
    values?: unknown[];
    valueMapper?: (value: unknown) => unknown;
  }): void;
  describe(message: { type: 'P' | 'S'; name: string }): void;
  execute(message: { portal?: string }): void;
  close(message: { type: 'P' | 'S'; name: string }): void;
  sync(): void;
  stream: { cork?: () => void; uncork?: () => void };
}

type QueryCallback = (error: Error | null, results: QueryResult | QueryResult[]) => void;

/**
 * pg's Query, whose prepare() sends the extended-protocol messages of one submission. Built from
 * (text, values, callback): given a config object, pg copies it property by property
 * (cloneQueryConfig), a cost that showed in the rush's profile.
 */
const PgQuery = (pg as unknown as { Query: new (...args: unknown[]) => object }).Query as new (
  text: string,
  values: unknown[],
  callback: QueryCallback,
) => {
  name: string;
  text: string;
  values: unknown[];
  handleError(error: unknown, connection: PgConnection): void;
};

/**
 * One named prepared statement, with the transaction's BEGIN in front and/or COMMIT behind it,
 * in a single pipeline of messages closed by one Sync. The Parse of a statement new to the
 * connection goes first, so pg's record of parsed statements (set on the first ParseComplete)
 * is never wrong.
 */
class PipelinedQuery extends PgQuery {
  readonly #begin: string | undefined;
  readonly #commit: boolean;

  constructor(
    config: { name: string; text: string; values: unknown[]; callback: QueryCallback },
    wrap: { begin: string | undefined; commit: boolean },
  ) {
    super(config.text, config.values, config.callback);
    this.name = config.name;
    this.#begin = wrap.begin;
    this.#commit = wrap.commit;
  }

  /** What this submission runs, as one line (tests and debugging). */
  get summary(): string {
    return `${this.#begin !== undefined ? 'begin; ' : ''}execute ${this.name}${this.#commit ? '; commit' : ''}`;
  }

  /** Called by pg's Query.submit with the stream corked: everything leaves in one write. */
  prepare(connection: PgConnection): void {
    const known =
      connection.parsedStatements[this.name] !== undefined ||
      connection.submittedNamedStatements[this.name] !== undefined;
    if (!known) {
      connection.parse({ text: this.text, name: this.name });
      connection.submittedNamedStatements[this.name] = this.text;
    }
    if (this.#begin !== undefined) {
      connection.parse({ text: this.#begin });
      connection.bind({});
      connection.execute({});
    }
    try {
      connection.bind({ statement: this.name, values: this.values, valueMapper: prepareValue });
    } catch (error) {
      // A value pg cannot serialise: end the pipeline and fail the query, as pg's own does.
      connection.sync();
      this.handleError(error, connection);
      return;
    }
    connection.describe({ type: 'P', name: '' });
    connection.execute({});
    if (this.#commit) {
      connection.parse({ text: 'COMMIT' });
      connection.bind({});
      connection.execute({});
    }
    connection.sync();
  }
}

type QueryResult = pg.QueryResult<Record<string, unknown>>;

function emptyResult(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, fields: [], rows: [] };
}

function isBegin(command: string): boolean {
  return command === 'begin' || command.startsWith('start transaction');
}

function preparedKey(text: string): string {
  if (text.length <= 2 * KEY_EDGE) return text;
  return `${text.length}:${text.slice(0, KEY_EDGE)}…${text.slice(-KEY_EDGE)}`;
}

export class PipelinedClient extends pg.Client {
  /**
   * Prepared statements of this connection, by a short key (length and both ends of the text);
   * the full text is compared on a hit. Keyed by the whole text, every lookup hashed the 11 kB
   * fact query afresh (Kysely builds a new string each call): 4% of the API's CPU in the rush.
   */
  readonly #prepared = new Map<string, Array<{ text: string; name: string }>>();
  #preparedCount = 0;
  /** Kysely's BEGIN (or START TRANSACTION …), held back until the first statement. */
  #pendingBegin: string | undefined;
  /** The transaction was committed by a COMMIT_AFTER_MARK statement. */
  #committedEarly = false;

  // pg's query() has many overloads; only Kysely's (text, values) promise form is changed, and
  // any other call first sends a held-back BEGIN.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && callback === undefined) {
      return this.#run(text, values) as never;
    }
    // pg sends queued queries in order, so the held-back BEGIN still goes first.
    this.#flushBegin().catch(() => undefined);
    return (super.query as (...a: unknown[]) => unknown)(...args) as never;
  }

  #send(text: string, values?: unknown[]): Promise<QueryResult | QueryResult[]> {
    return (
      super.query as (text: string, values?: unknown[]) => Promise<QueryResult | QueryResult[]>
    )(text, values);
  }

  async #run(text: string, values: unknown[]): Promise<QueryResult> {
    // Kysely's transaction control is a short raw statement without parameters.
    const command = values.length === 0 && text.length < 64 ? text.trim().toLowerCase() : '';
    if (command !== '' && isBegin(command) && this.#pendingBegin === undefined) {
      this.#pendingBegin = text;
      this.#committedEarly = false;
      return emptyResult('BEGIN');
    }
    if (command === 'commit' || command === 'rollback') {
      if (this.#pendingBegin !== undefined) {
        // The transaction never ran a statement: there is nothing to end.
        this.#pendingBegin = undefined;
        return emptyResult(command.toUpperCase());
      }
      if (this.#committedEarly) {
        this.#committedEarly = false;
        // A rollback here means the caller failed after its last statement committed.
        return emptyResult('COMMIT');
      }
      return this.#sendOne(text, values);
    }
    const head = text.slice(0, MARK_WINDOW);
    const known = head.includes(CACHED_PLAN_MARK) ? this.#preparedName(text) : undefined;
    if (known === undefined && (!head.includes(CACHED_PLAN_MARK) || !this.#canPrepareMore())) {
      await this.#flushBegin();
      return this.#sendOne(text, values);
    }
    const name = known ?? this.#register(text);
    const begin = this.#pendingBegin;
    const commit = head.includes(COMMIT_AFTER_MARK);
    this.#pendingBegin = undefined;
    const results = await new Promise<QueryResult | QueryResult[]>((resolve, reject) => {
      const query = new PipelinedQuery(
        {
          name,
          text,
          values,
          callback: (error, answer) => (error ? reject(error) : resolve(answer)),
        },
        { begin, commit },
      );
      (super.query as (query: object) => unknown)(query);
    });
    const list = Array.isArray(results) ? results : [results];
    if (commit) this.#committedEarly = true;
    const index = begin !== undefined ? 1 : 0;
    return list[index]!;
  }

  async #sendOne(text: string, values: unknown[]): Promise<QueryResult> {
    const result = await this.#send(text, values);
    return Array.isArray(result) ? result[result.length - 1]! : result;
  }

  async #flushBegin(): Promise<void> {
    const begin = this.#pendingBegin;
    if (begin === undefined) return;
    this.#pendingBegin = undefined;
    await this.#send(begin);
  }

  #canPrepareMore(): boolean {
    return this.#preparedCount < MAX_CACHED_PLANS_PER_CONNECTION;
  }

  #preparedName(text: string): string | undefined {
    const candidates = this.#prepared.get(preparedKey(text));
    return candidates?.find((candidate) => candidate.text === text)?.name;
  }

  /**
   * Names a statement new to this connection; it is parsed with its first execution (a prepared
   * statement outlives a rolled-back transaction, so preparing inside one is safe).
   */
  #register(text: string): string {
    const name = `cp_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    const key = preparedKey(text);
    const candidates = this.#prepared.get(key);
    if (candidates) candidates.push({ text, name });
    else this.#prepared.set(key, [{ text, name }]);
    this.#preparedCount += 1;
    return name;
  }
}
