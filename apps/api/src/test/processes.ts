// Runs the real entry points (server.ts, the registrar bin) as child processes for tests that
// must see what an operator sees: printed output, exit codes, signals.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const API_ROOT = path.resolve(import.meta.dirname, '../..');
export const SERVER_ENTRY = path.join(API_ROOT, 'src/server.ts');
export const REGISTRAR_BIN = path.join(API_ROOT, 'bin/registrar.js');

/** The variables a child gets: only what it needs, never the test runner's database settings. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LANG: 'C.UTF-8',
    NODE_OPTIONS: '--disable-warning=ExperimentalWarning',
    ...extra,
  };
}

export interface ChildRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of the pattern in stdout, as soon as it is printed. */
  waitForOutput(pattern: RegExp): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runNode(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ChildRun {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      const match = out.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern) {
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `process exited (${code ?? signal}) before printing ${String(pattern)}\n` +
                `stdout:\n${out}\nstderr:\n${err}`,
            ),
          ),
        );
      });
    },
  };
}

/** Ends a child if a test failed before it did; harmless when it has already exited. */
export async function stopChild(run: ChildRun): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGKILL');
    await run.exited;
  }
}
