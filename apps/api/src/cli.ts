// The `registrar` command: migrate, seed, create-admin (and import/export with the catalog).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { migrateToLatest, openDatabase, type Database } from './db/database.ts';
import { seedDemoUniversity, type DemoSize } from './seed/demo.seed.ts';

export class CliError extends Error {}
/** The command line itself is wrong (a missing or bad option): exit status 2, like getopt tools. */
export class CliUsageError extends CliError {}

const USAGE = `Usage: registrar <command> [options]

Commands:
  migrate                                   bring the database schema up to date
  seed [--size small|large]                 load the demo university (deterministic)
  create-admin --email E --password P --name N
                                            create an administrator account
  import catalog --format uiuc-csv|gt-scheduler|quacs --term CODE FILE…
                                            import a real course catalog into a term
                                            (registrar import --help for the options)
  export catalog --term CODE [--format json|csv] [--out FILE]
                                            export a term's catalog (stdout by default)
  help                                      show this text

The database is DATABASE_URL when set, otherwise the embedded database in DATA_DIR (./data).`;

type Command = (args: string[], config: Config) => Promise<void>;

async function withDatabase<T>(
  config: Config,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 4,
  });
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

const commands: Record<string, Command> = {
  async migrate(_args, config) {
    await withDatabase(config, async () => undefined);
    process.stdout.write('Database schema is up to date.\n');
  },
  async seed(args, config) {
    const { values } = parseArgs({
      args,
      options: { size: { type: 'string', default: 'small' } },
    });
    const size = values.size;
    if (size !== 'small' && size !== 'large')
      throw new CliUsageError(`--size must be small or large (got "${size}")`);
    const result = await withDatabase(config, (database) =>
      seedDemoUniversity(database.db, {
        size: size satisfies DemoSize,
        progress: true,
      }),
    );
    process.stdout.write(`Demo university (${size}) loaded.\n`);
    for (const login of result.logins) {
      process.stdout.write(
        `  DEMO ${login.role.padEnd(10)} ${login.login}  password: ${login.password}\n`,
      );
    }
  },
  async 'create-admin'(args, config) {
    const { values } = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
      },
    });
    const missing = (['email', 'password', 'name'] as const).filter((k) => !values[k]);
    if (missing.length > 0)
      throw new CliUsageError(`create-admin needs ${missing.map((m) => `--${m}`).join(', ')}`);
    const { createAdminFromCli } = await import('./modules/identity/identity.cli.ts');
    await withDatabase(config, (database) =>
      createAdminFromCli(database.db, {
        email: values.email!,
        password: values.password!,
        name: values.name!,
      }),
    );
    process.stdout.write(`Administrator ${values.email} created.\n`);
  },
  async import(args, config) {
    const interop = await import('./modules/interop/interop.cli.ts');
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(`Usage: ${interop.IMPORT_USAGE}\n`);
      return;
    }
    await interop
      .runImportCommand(args, (work) => withDatabase(config, (database) => work(database.db)))
      .catch((error: unknown) => {
        throw interop.asCliError(error, CliError, CliUsageError);
      });
  },
  async export(args, config) {
    const interop = await import('./modules/interop/interop.cli.ts');
    await interop
      .runExportCommand(args, (work) => withDatabase(config, (database) => work(database.db)))
      .catch((error: unknown) => {
        throw interop.asCliError(error, CliError, CliUsageError);
      });
  },
  async help() {
    process.stdout.write(`${USAGE}\n`);
  },
};

export function registerCommand(name: string, command: Command): void {
  commands[name] = command;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name) {
    process.stderr.write(`registrar: no command given\n\n${USAGE}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`registrar: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const config = loadConfig();
    await command(args, config);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliError) {
      process.stderr.write(`registrar ${name}: ${error.message}\n`);
      return error instanceof CliUsageError ? 2 : 1;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`registrar ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `registrar ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
