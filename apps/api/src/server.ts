// Process entry: loadConfig → openDatabase → migrate → (first start: demo) → buildApp → listen.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { migrateToLatest, openDatabase } from './db/database.ts';
import { createJobQueue } from './jobs/boss.ts';
import { isDatabaseEmpty, seedDemoUniversity, type DemoLogin } from './seed/demo.seed.ts';

function printBanner(url: string, databaseLabel: string, logins: DemoLogin[] | undefined): void {
  const lines = [
    '',
    `  OpenRegistrar is running at ${url}  (ready in ${process.uptime().toFixed(1)} s)`,
    `  API docs: ${url}/docs   Database: ${databaseLabel}`,
  ];
  if (logins && logins.length > 0) {
    lines.push('', '  DEMO accounts (demo data only, change or remove before real use):');
    for (const login of logins)
      lines.push(
        `    ${login.role.padEnd(10)} ${login.login.padEnd(34)} password: ${login.password}`,
      );
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  await migrateToLatest(database.db);

  let logins: DemoLogin[] | undefined;
  if (config.seedDemo && (await isDatabaseEmpty(database.db))) {
    process.stdout.write('First start: loading the demo university…\n');
    logins = (await seedDemoUniversity(database.db, { size: 'small', progress: true })).logins;
  }

  const jobs = createJobQueue(database);
  const app = await buildApp({ config, database, jobs });
  await jobs.start();
  const address = await app.listen({ port: config.port, host: config.host });
  // PORT=0 picks a free port: then only the bound address says where to go.
  printBanner(
    config.port === 0 ? address : config.publicUrl,
    database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'PostgreSQL',
    logins,
  );

  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // Force the exit if something hangs, rather than leaving a half-dead process.
    const timer = setTimeout(() => process.exit(1), 20_000);
    timer.unref();
    try {
      await app.close();
      await jobs.stop();
      await database.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
