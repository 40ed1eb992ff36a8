// The one place that reads process.env: every setting is coerced, validated and frozen here.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absent: the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly databasePoolSize: number;
  /** Registration requests that may wait for a slot beyond those running (then 503). */
  readonly admissionQueueLimit: number;
  /** The longest a registration request waits for a slot before it gets a 503. */
  readonly admissionMaxWaitMs: number;
  readonly jwtSecret: string;
  readonly cookieSecret: string;
  readonly publicUrl: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: LogLevel;
  readonly trustProxy: boolean;
  /** Answer 503 while the process is overloaded (event loop lagging) instead of slowing down. */
  readonly loadShedding: boolean;
  readonly corsOrigins: readonly string[];
  /** Load the demo university on first start of an empty database. */
  readonly seedDemo: boolean;
  readonly isProduction: boolean;
  /** Serve the built web app from this folder when it exists. */
  readonly webDistDir: string;
  readonly stripeSecretKey: string | undefined;
  readonly stripeWebhookSecret: string | undefined;
  /** Another Stripe API base (stripe-mock, a test double); absent: Stripe's own servers. */
  readonly stripeApiUrl: string | undefined;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
const MIN_SECRET_LENGTH = 32;

type Env = Readonly<Record<string, string | undefined>>;

interface Secrets {
  jwtSecret: string;
  cookieSecret: string;
}

/** In embedded mode secrets are generated once and kept beside the data so restarts keep sessions. */
function loadOrCreateEmbeddedSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
    if (typeof parsed.jwtSecret === 'string' && typeof parsed.cookieSecret === 'string') {
      return { jwtSecret: parsed.jwtSecret, cookieSecret: parsed.cookieSecret };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: Secrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    cookieSecret: randomBytes(48).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function parseBoolean(
  name: string,
  raw: string | undefined,
  fallback: boolean,
  problems: string[],
): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function parseUrl(
  name: string,
  raw: string | undefined,
  protocols: string[],
  problems: string[],
): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (!protocols.includes(url.protocol)) {
      problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${url.protocol}")`);
      return undefined;
    }
    return raw;
  } catch {
    problems.push(`${name} is not a valid URL`);
    return undefined;
  }
}

/** Reads, validates and freezes the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const port = parseInteger('PORT', env.PORT, 3000, 0, 65535, problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  const databaseUrl = parseUrl(
    'DATABASE_URL',
    env.DATABASE_URL,
    ['postgres:', 'postgresql:'],
    problems,
  );
  if (env.DATABASE_URL && !databaseUrl && !problems.some((p) => p.startsWith('DATABASE_URL'))) {
    problems.push('DATABASE_URL is not valid');
  }
  const dataDir = path.resolve(cwd, env.DATA_DIR?.trim() || './data');
  const databasePoolSize = parseInteger(
    'DATABASE_POOL_SIZE',
    env.DATABASE_POOL_SIZE,
    20,
    1,
    500,
    problems,
  );
  const admissionQueueLimit = parseInteger(
    'ADMISSION_QUEUE_LIMIT',
    env.ADMISSION_QUEUE_LIMIT,
    1000,
    0,
    1_000_000,
    problems,
  );
  const admissionMaxWaitMs = parseInteger(
    'ADMISSION_MAX_WAIT_MS',
    env.ADMISSION_MAX_WAIT_MS,
    10_000,
    1,
    600_000,
    problems,
  );
  const logLevelRaw = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevelRaw)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  }
  const trustProxy = parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false, problems);
  const loadShedding = parseBoolean('LOAD_SHEDDING', env.LOAD_SHEDDING, true, problems);
  const seedDemo = parseBoolean(
    'SEED_DEMO',
    env.SEED_DEMO,
    env.DATABASE_URL === undefined || env.DATABASE_URL === '',
    problems,
  );
  const isProduction = env.NODE_ENV === 'production';
  const publicUrl =
    parseUrl('PUBLIC_URL', env.PUBLIC_URL, ['http:', 'https:'], problems) ??
    `http://localhost:${port}`;
  const smtpUrl = parseUrl('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:'], problems);
  const mailFrom = env.MAIL_FROM?.trim() || 'OpenRegistrar <no-reply@openregistrar.local>';

  const corsOrigins: string[] = [];
  for (const origin of (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    if (origin === '*') {
      problems.push(
        'CORS_ORIGINS cannot be "*": cookies are credentials; list the allowed origins',
      );
      continue;
    }
    const parsed = parseUrl('CORS_ORIGINS', origin, ['http:', 'https:'], problems);
    if (parsed) corsOrigins.push(new URL(parsed).origin);
  }

  let jwtSecret = env.JWT_SECRET ?? '';
  let cookieSecret = env.COOKIE_SECRET ?? '';
  if (env.DATABASE_URL) {
    // A server deployment runs several processes: they must share secrets, so they are required.
    if (!jwtSecret) problems.push('JWT_SECRET is required when DATABASE_URL is set');
    if (!cookieSecret) problems.push('COOKIE_SECRET is required when DATABASE_URL is set');
  } else if ((!jwtSecret || !cookieSecret) && problems.length === 0) {
    const generated = loadOrCreateEmbeddedSecrets(dataDir);
    jwtSecret ||= generated.jwtSecret;
    cookieSecret ||= generated.cookieSecret;
  }
  if (jwtSecret && jwtSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (cookieSecret && cookieSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`COOKIE_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const stripeSecretKey = env.STRIPE_SECRET_KEY?.trim() || undefined;
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() || undefined;
  const stripeApiUrl = parseUrl(
    'STRIPE_API_URL',
    env.STRIPE_API_URL,
    ['http:', 'https:'],
    problems,
  );
  if (stripeSecretKey && !stripeWebhookSecret) {
    problems.push('STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    port,
    host,
    databaseUrl,
    dataDir,
    databasePoolSize,
    admissionQueueLimit,
    admissionMaxWaitMs,
    jwtSecret,
    cookieSecret,
    publicUrl: publicUrl.replace(/\/$/, ''),
    smtpUrl,
    mailFrom,
    logLevel: logLevelRaw,
    trustProxy,
    loadShedding,
    corsOrigins: Object.freeze(corsOrigins),
    seedDemo,
    isProduction,
    webDistDir: path.resolve(import.meta.dirname, '../../web/dist'),
    stripeSecretKey,
    stripeWebhookSecret,
    stripeApiUrl,
  });
}
