import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFetch, json, problem } from '../../../test/fetch-double.ts';
import { renderPage } from '../../../test/render.tsx';
import type { CatalogImport, FileSummary } from '../api/types.ts';
import { AdminImportPage } from './AdminImportPage.tsx';

afterEach(() => {
  vi.unstubAllGlobals();
});

const IMPORT_ID = '0192f1c2-0000-7000-8000-000000000001';
const IMPORT_PATH = `GET /api/v1/admin/imports/${IMPORT_ID}`;

const queued: CatalogImport = {
  id: IMPORT_ID,
  format: 'uiuc-csv',
  termCode: '2025FA',
  status: 'queued',
  files: [{ name: 'fall.csv', sizeBytes: 812 }],
  progress: { phase: 'queued', done: 0, total: 0, percent: 0 },
  summary: null,
  error: null,
  createdBy: 'admin-1',
  createdAt: '2025-06-01T12:00:00.000Z',
  startedAt: null,
  finishedAt: null,
};

const fileSummary: FileSummary = {
  file: 'fall.csv',
  companions: ['gpa.csv'],
  hasSections: true,
  term: {
    code: '2025FA',
    name: 'Fall 2025',
    timeZone: 'America/Chicago',
    startsOn: '2025-08-25',
    endsOn: '2025-12-20',
    created: true,
  },
  changed: true,
  subjects: { created: 2, updated: 0, unchanged: 1 },
  courses: { created: 14, updated: 3, unchanged: 0 },
  sections: { created: 41, updated: 5, unchanged: 7 },
  prerequisites: { trees: 0, converted: 0, unconvertible: 0 },
  importedEnrolment: null,
  sectionsNotInFile: 0,
  skipped: [
    {
      reason: 'course with unreadable credit hours',
      count: 3,
      examples: ['line 7 (MATH 241: "Variable")'],
    },
    { reason: 'row without a CRN', count: 1, examples: ['line 9 (CS 225)'] },
  ],
  skippedTotal: 4,
  notes: ['UIUC files carry no capacity.'],
  source: {
    records: 60,
    sections: 53,
    totalCapacity: 1590,
    capacityFromFile: 0,
    capacityFromClassSizes: 40,
    capacityDefaulted: 13,
    prerequisiteTrees: 0,
    corequisiteCourses: 0,
    reservedSeatRules: 0,
    reservedSeats: 0,
    restrictedCourses: 0,
    reportedEnrolment: null,
    sectionsOverCapacity: 0,
  },
};

const running: CatalogImport = {
  ...queued,
  status: 'running',
  startedAt: '2025-06-01T12:00:01.000Z',
  progress: { phase: 'courses', done: 28, total: 70, percent: 40 },
};

const succeeded: CatalogImport = {
  ...running,
  status: 'succeeded',
  progress: { phase: 'done', done: 70, total: 70, percent: 100 },
  summary: {
    format: 'uiuc-csv',
    termCode: '2025FA',
    changed: true,
    dryRun: false,
    files: [fileSummary],
  },
  finishedAt: '2025-06-01T12:00:04.000Z',
};

const failed: CatalogImport = {
  ...running,
  status: 'failed',
  progress: { phase: 'failed', done: 0, total: 0, percent: 0 },
  error: {
    code: 'import_file_invalid',
    message: 'fall.csv: is not a UIUC course-catalog CSV: missing column "CRN"',
  },
  finishedAt: '2025-06-01T12:00:02.000Z',
};

const admin = { id: 'admin-1', name: 'Grace Registrar', email: 'g@example.edu', roles: ['admin'] };

function baseRoutes() {
  return {
    'GET /api/v1/terms': () => json(200, { items: [], nextCursor: null }),
    'GET /api/v1/admin/imports': () => json(200, { items: [], nextCursor: null }),
    'GET /api/v1/me': () => json(200, admin),
  };
}

function renderImportPage() {
  return renderPage(<AdminImportPage />, '/admin/imports');
}

async function chooseFormat(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('combobox', { name: /^Format/ }));
  await user.click(await screen.findByRole('option', { name: 'UIUC course explorer (CSV)' }));
}

function fileInput(container: HTMLElement): HTMLInputElement {
  const input = container.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input');
  return input;
}

const csv = new File(['Year,Term\n2025,Fall\n'], 'fall.csv', { type: 'text/csv' });

describe('AdminImportPage: the form', () => {
  it('blocks an empty form, marks the required fields and focuses the first', async () => {
    const { fetchMock } = installFetch(baseRoutes());
    const user = userEvent.setup();
    renderImportPage();

    await user.click(screen.getByRole('button', { name: 'Import catalog' }));

    const format = screen.getByRole('combobox', { name: /^Format/ });
    const termCode = screen.getByRole('textbox', { name: /^Term code/ });
    expect(await screen.findByText('Choose the format of the files')).toBeInTheDocument();
    expect(screen.getByText('Enter the term code')).toBeInTheDocument();
    expect(screen.getByText('Choose at least one catalog file')).toBeInTheDocument();
    expect(format).toHaveAttribute('aria-invalid', 'true');
    expect(termCode).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(format).toHaveFocus());
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(false);
  });

  it('checks the term code and name, and says what each format reads and which term it updates', async () => {
    installFetch({
      ...baseRoutes(),
      'GET /api/v1/terms': () =>
        json(200, { items: [{ id: 't1', code: '2025FA', name: 'Fall 2025' }], nextCursor: null }),
    });
    const user = userEvent.setup();
    renderImportPage();

    expect(screen.getByText('Choose the format first to see which files it reads')).toBeVisible();
    await chooseFormat(user);
    expect(
      screen.getByText(/One or more UIUC course-catalog CSVs .* grade-distribution CSV/),
    ).toBeVisible();

    const termCode = screen.getByRole('textbox', { name: /^Term code/ });
    await user.type(termCode, 'fall/2025');
    await user.click(screen.getByRole('textbox', { name: 'Term name' }));
    await user.paste('x'.repeat(101));
    await user.click(screen.getByRole('button', { name: 'Import catalog' }));

    expect(
      await screen.findByText(/Use up to 40 letters, digits, spaces, dots, dashes or underscores/),
    ).toBeInTheDocument();
    expect(screen.getByText('Keep the name to 100 characters')).toBeInTheDocument();
    await waitFor(() => expect(termCode).toHaveFocus());

    // An existing term: the import updates it, and its details are not asked for.
    await user.clear(termCode);
    await user.type(termCode, '2025FA');
    expect(screen.getByText('Updates Fall 2025')).toBeInTheDocument();
    expect(screen.getByText('Fall 2025 exists')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Term name' })).toBeDisabled();
  });

  it('sends the fields and files as multipart and puts a server field error on its field', async () => {
    const { fetchMock } = installFetch({
      ...baseRoutes(),
      'POST /api/v1/admin/imports': () =>
        problem(400, 'validation_failed', 'Term code is taken by an archived term.', {
          errors: [
            {
              code: 'invalid',
              message: 'Term code is taken by an archived term.',
              path: 'termCode',
            },
          ],
        }),
    });
    const user = userEvent.setup();
    const { container } = renderImportPage();

    await chooseFormat(user);
    await user.type(screen.getByRole('textbox', { name: /^Term code/ }), ' 2025FA ');
    await user.upload(fileInput(container), csv);
    await user.click(screen.getByRole('switch', { name: 'Dry run (check only, write nothing)' }));
    await user.click(screen.getByRole('button', { name: 'Check the files' }));

    expect(await screen.findByText('Term code is taken by an archived term.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /^Term code/ })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(screen.queryByTestId('problem-alert')).not.toBeInTheDocument();

    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST');
    const body = post?.[1]?.body;
    expect(body).toBeInstanceOf(FormData);
    const form = body as FormData;
    expect(form.get('format')).toBe('uiuc-csv');
    expect(form.get('termCode')).toBe('2025FA');
    expect(form.get('dryRun')).toBe('true');
    expect(form.has('termName')).toBe(false);
    expect((form.getAll('files') as File[]).map((f) => f.name)).toEqual(['fall.csv']);
  });
});

describe('AdminImportPage: progress and summary', () => {
  it('polls a started import through its progress to the per-file summary', async () => {
    // The job finishes only once the test has seen it running.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const done = async () => {
      await finished;
      return json(200, { import: succeeded });
    };
    installFetch({
      ...baseRoutes(),
      'POST /api/v1/admin/imports': () => json(202, { import: queued }),
      [IMPORT_PATH]: [() => json(200, { import: running }), done, done, done],
    });
    const user = userEvent.setup();
    const { container, router } = renderImportPage();

    await chooseFormat(user);
    await user.type(screen.getByRole('textbox', { name: /^Term code/ }), '2025FA');
    await user.upload(fileInput(container), csv);
    await user.click(screen.getByRole('button', { name: 'Import catalog' }));

    // Running: the phase in words and the bar at the server's percent.
    const bar = await screen.findByRole(
      'progressbar',
      { name: 'Import progress' },
      { timeout: 5000 },
    );
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '40'), { timeout: 5000 });
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Saving subjects and courses');
    expect(screen.getByText(/28 of 70/)).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?import=${IMPORT_ID}`);
    finish();

    // Succeeded: no bar, the counts per file and the skipped rows grouped by reason.
    const summary = await screen.findByTestId('import-summary', {}, { timeout: 5000 });
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByTestId('import-state')).toHaveTextContent('Succeeded');
    const file = within(summary).getByTestId('file-summary-fall.csv');
    expect(within(file).getByText('with gpa.csv')).toBeInTheDocument();
    expect(within(file).getByText(/created by this import/i)).toBeInTheDocument();
    const counts = within(file).getByRole('table', { name: 'Changes from fall.csv' });
    const row = (name: string) =>
      Array.from(
        within(counts).getByRole('rowheader', { name }).closest('tr')!.querySelectorAll('td'),
        (cell) => cell.textContent,
      );
    expect(row('Subjects')).toEqual(['2', '0', '1']);
    expect(row('Courses')).toEqual(['14', '3', '0']);
    expect(row('Sections')).toEqual(['41', '5', '7']);
    expect(row('Skipped rows')).toEqual(['4']);
    const skipped = within(file).getByRole('table', { name: 'Rows skipped in fall.csv' });
    const reasons = within(skipped)
      .getAllByTestId('skip-reason')
      .map((tr) => tr.textContent);
    expect(reasons).toEqual([
      'course with unreadable credit hourse.g. line 7 (MATH 241: "Variable")3',
      'row without a CRNe.g. line 9 (CS 225)1',
    ]);
    expect(within(file).getByText('UIUC files carry no capacity.')).toBeInTheDocument();
  });

  it('shows why an import failed and that nothing was imported', async () => {
    installFetch({
      ...baseRoutes(),
      'GET /api/v1/admin/imports': () => json(200, { items: [failed], nextCursor: null }),
      [IMPORT_PATH]: () => json(200, { import: failed }),
    });
    renderPage(<AdminImportPage />, `/admin/imports`);
    const user = userEvent.setup();

    // Opened from the recent imports, which say who started it.
    const history = await screen.findByRole('table', { name: 'Recent imports' });
    expect(await within(history).findByText('You')).toBeInTheDocument();
    await user.click(within(history).getByRole('button', { name: /Open the import of fall.csv/ }));

    const alert = await screen.findByTestId('import-error');
    expect(alert).toHaveTextContent('The import failed');
    expect(alert).toHaveTextContent(
      'fall.csv: is not a UIUC course-catalog CSV: missing column "CRN"',
    );
    expect(alert).toHaveTextContent('Nothing was imported.');
    expect(screen.queryByTestId('import-summary')).not.toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('pages through older imports', async () => {
    const older: CatalogImport = {
      ...succeeded,
      id: '0192f1c2-0000-7000-8000-000000000000',
      termCode: '2025SP',
      files: [{ name: 'spring.csv', sizeBytes: 640 }],
    };
    const { requests } = installFetch({
      ...baseRoutes(),
      'GET /api/v1/admin/imports': [
        () => json(200, { items: [succeeded], nextCursor: succeeded.id }),
        () => json(200, { items: [older], nextCursor: null }),
      ],
    });
    renderImportPage();
    const user = userEvent.setup();
    const history = await screen.findByRole('table', { name: 'Recent imports' });
    expect(within(history).getAllByRole('row')).toHaveLength(2); // header and one import
    await user.click(screen.getByRole('button', { name: 'Show older imports' }));
    expect(await within(history).findByText('2025SP')).toBeInTheDocument();
    expect(within(history).getAllByRole('row')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Show older imports' })).not.toBeInTheDocument();
    const pages = requests.filter((r) => r.url.startsWith('/api/v1/admin/imports?'));
    expect(pages.map((r) => new URL(r.url, 'http://x').searchParams.get('cursor'))).toEqual([
      null,
      succeeded.id,
    ]);
  });
});
