// `registrar import catalog …` and `registrar export catalog …`: read files from disk, show a
// progress bar on stderr, print a summary (or JSON) on stdout.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { DEFAULT_SECTION_CAPACITY, type SourceFile } from './interop.catalog-formats.ts';
import { ImportOptionsError } from './interop.errors.ts';
import type { FileSummary, ImportReport } from './interop.schemas.ts';
import {
  EXPORT_FORMATS,
  applyCatalogImport,
  exportCatalog,
  importUnits,
  prepareCatalogImport,
  type ExportFormat,
  type ImportProgress,
} from './interop.service.ts';

/** Opens the configured database (migrated) for the duration of `work`. */
export type WithDatabase = <T>(work: (db: Kysely<DB>) => Promise<T>) => Promise<T>;

export interface CliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const IMPORT_USAGE = `registrar import catalog --format uiuc-csv|gt-scheduler|quacs --term CODE FILE…
  Files: uiuc-csv    a wadefagen course-catalog CSV (section or course level), optionally with a
                     grade-distribution CSV (e.g. gpa-sp2025.csv) whose class sizes become capacities
         gt-scheduler a gt-scheduler crawler term JSON (e.g. 202302.json)
         quacs       a QuACS courses.json, optionally with its prerequisites.json and catalog.json
  Options (used only when the term does not exist yet and is created from the data):
    --term-name NAME   --time-zone ZONE   --starts YYYY-MM-DD   --ends YYYY-MM-DD
  --default-capacity N  capacity of new sections whose file has none (default ${DEFAULT_SECTION_CAPACITY})
  --dry-run             import, report what would change, then roll everything back
  --json                print the summary as JSON`;

export const EXPORT_USAGE = `registrar export catalog --term CODE [--format json|csv] [--out FILE]`;

export class CliUsageError extends Error {}

type ErrorClass = new (message: string) => Error;

/**
 * The registrar command's own error for a failure the operator can act on: usage mistakes (exit
 * 2) and refused files or unknown terms (exit 1, message only); anything else is left as it is.
 */
export function asCliError(error: unknown, failure: ErrorClass, usage: ErrorClass): unknown {
  if (error instanceof CliUsageError || error instanceof ImportOptionsError)
    return new usage(error.message);
  if (error instanceof AppError && error.status < 500) return new failure(error.message);
  return error;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function countsLine(label: string, c: { created: number; updated: number; unchanged: number }) {
  return `  ${label.padEnd(9)} created ${count(c.created)}, updated ${count(c.updated)}, unchanged ${count(c.unchanged)}`;
}

export function formatFileSummary(summary: FileSummary, format: string): string {
  const lines: string[] = [];
  const term = summary.term;
  lines.push(
    term
      ? `${summary.file} (${format}) → term ${term.code} "${term.name}"${term.created ? ` (created: ${term.startsOn} to ${term.endsOn}, ${term.timeZone})` : ''}`
      : `${summary.file} (${format}): courses only`,
  );
  if (summary.companions.length > 0) lines.push(`  with ${summary.companions.join(', ')}`);
  lines.push(countsLine('subjects', summary.subjects), countsLine('courses', summary.courses));
  if (summary.hasSections) lines.push(countsLine('sections', summary.sections));
  const source = summary.source;
  if (summary.hasSections) {
    const parts = [`${count(source.totalCapacity)} seats in the file's sections`];
    if (source.capacityFromFile > 0) parts.push(`${count(source.capacityFromFile)} from the file`);
    if (source.capacityFromClassSizes > 0)
      parts.push(`${count(source.capacityFromClassSizes)} from class sizes`);
    if (source.capacityDefaulted > 0) parts.push(`${count(source.capacityDefaulted)} default`);
    lines.push(`  capacity: ${parts.join(', ')}`);
  }
  const p = summary.prerequisites;
  if (p.trees > 0) {
    lines.push(
      `  prerequisites: ${count(p.trees)} trees, ${count(p.converted)} converted${p.unconvertible > 0 ? `, ${count(p.unconvertible)} not convertible` : ''}`,
    );
  }
  if (source.corequisiteCourses > 0)
    lines.push(`  corequisites: ${count(source.corequisiteCourses)} courses`);
  if (source.restrictedCourses > 0)
    lines.push(`  class-standing restrictions: ${count(source.restrictedCourses)} courses`);
  if (source.reservedSeatRules > 0) {
    lines.push(
      `  reserved seats: ${count(source.reservedSeatRules)} rules holding ${count(source.reservedSeats)} seats`,
    );
  }
  if (summary.importedEnrolment) {
    lines.push(
      `  imported enrolment: ${count(summary.importedEnrolment.students)} students in ${count(summary.importedEnrolment.sections)} sections (${count(source.sectionsOverCapacity)} over capacity); kept beside the sections, not in their seat counters`,
    );
  }
  if (summary.skippedTotal > 0) {
    lines.push(`  skipped ${count(summary.skippedTotal)}:`);
    for (const group of summary.skipped) {
      lines.push(
        `    ${count(group.count).padStart(6)}  ${group.reason} (e.g. ${group.examples.join('; ')})`,
      );
    }
  }
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  if (!summary.changed) lines.push('  nothing changed: everything was already as in the file');
  return lines.join('\n');
}

export function formatImportReport(report: ImportReport): string {
  const body = report.files.map((f) => formatFileSummary(f, report.format)).join('\n\n');
  return report.dryRun
    ? `Dry run: nothing was kept; this is what the import would do.\n\n${body}\n`
    : `${body}\n`;
}

async function readSourceFiles(paths: readonly string[]): Promise<SourceFile[]> {
  return Promise.all(
    paths.map(async (file) => {
      try {
        return { name: path.basename(file), content: new Uint8Array(await readFile(file)) };
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new CliUsageError(
          code === 'ENOENT'
            ? `${file}: no such file`
            : `${file}: cannot be read (${code ?? String(error)})`,
        );
      }
    }),
  );
}

function progressBar(output: CliOutput): {
  update(progress: ImportProgress): void;
  stop(): void;
} {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(progress) {
      if (progress.total === 0) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: output.stderr,
            format: 'importing {bar} {percentage}% | {value}/{total} courses and sections | {file}',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.total, progress.done, { file: progress.file });
      }
      bar.update(progress.done, { file: progress.file });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `registrar import catalog …` */
export async function runImportCommand(
  args: string[],
  withDatabase: WithDatabase,
  output: CliOutput = process,
): Promise<ImportReport> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      term: { type: 'string' },
      'term-name': { type: 'string' },
      'time-zone': { type: 'string' },
      starts: { type: 'string' },
      ends: { type: 'string' },
      'default-capacity': { type: 'string' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [what, ...files] = positionals;
  if (what !== 'catalog') {
    throw new CliUsageError(`import needs a subject: import catalog …\n\nUsage: ${IMPORT_USAGE}`);
  }
  if (!values.format || !values.term || files.length === 0) {
    const missing = [
      ...(!values.format ? ['--format'] : []),
      ...(!values.term ? ['--term'] : []),
      ...(files.length === 0 ? ['FILE'] : []),
    ];
    throw new CliUsageError(`import catalog needs ${missing.join(', ')}\n\nUsage: ${IMPORT_USAGE}`);
  }
  let defaultCapacity: number | undefined;
  if (values['default-capacity'] !== undefined) {
    defaultCapacity = Number(values['default-capacity']);
    if (!Number.isInteger(defaultCapacity))
      throw new CliUsageError('--default-capacity must be a whole number');
  }
  // Read and check everything before the database is even opened: a refused file writes nothing.
  const prepared = prepareCatalogImport(
    {
      format: values.format,
      termCode: values.term,
      termName: values['term-name'],
      timeZone: values['time-zone'],
      startsOn: values.starts,
      endsOn: values.ends,
      defaultCapacity,
      dryRun: values['dry-run'],
    },
    await readSourceFiles(files),
  );
  const bar = progressBar(output);
  let report: ImportReport;
  try {
    report = await withDatabase(async (db) => {
      bar.update({ phase: 'reading', file: '', done: 0, total: importUnits(prepared) });
      return applyCatalogImport(db, prepared, (progress) => bar.update(progress));
    });
  } finally {
    bar.stop();
  }
  output.stdout.write(
    values.json ? `${JSON.stringify(report, null, 2)}\n` : formatImportReport(report),
  );
  return report;
}

/** `registrar export catalog --term CODE [--format json|csv] [--out FILE]` */
export async function runExportCommand(
  args: string[],
  withDatabase: WithDatabase,
  output: CliOutput = process,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      term: { type: 'string' },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
    },
  });
  if (positionals[0] !== 'catalog' || positionals.length > 1) {
    throw new CliUsageError(`Usage: ${EXPORT_USAGE}`);
  }
  if (!values.term)
    throw new CliUsageError(`export catalog needs --term\n\nUsage: ${EXPORT_USAGE}`);
  const format = values.format as ExportFormat;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new CliUsageError(`--format must be json or csv (got "${values.format}")`);
  const file = await withDatabase((db) => exportCatalog(db, values.term!, format));
  if (values.out) {
    await writeFile(values.out, file.body);
    output.stderr.write(`Wrote the catalog of term ${values.term} to ${values.out}\n`);
  } else {
    output.stdout.write(file.body);
  }
}
