// Catalog import in real Chromium against the real API and the built web app: an administrator
// uploads a small UIUC course-catalog CSV the test writes itself, watches the job reach its
// summary (counts and skip reasons), finds an imported section in the catalog, and sees a broken
// file refused with the server's reason and nothing imported.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  launchBrowser,
  PHONE,
  screenshot,
  signIn,
  startApi,
  watchPage,
  type RunningApi,
} from './harness.ts';

const suffix = randomBytes(3).toString('hex');
const admin = {
  name: 'Import Admin',
  email: `registrar.import.${suffix}@example.edu`,
  password: 'office-of-the-registrar-42',
};
const STEP_TIMEOUT_MS = 30_000;
/** An import is a background job; on a loaded machine it can take a while to be picked up. */
const IMPORT_TIMEOUT_MS = 120_000;

// The columns of the wadefagen/datasets UIUC course-catalog CSV, in its order.
const UIUC_HEADER = [
  'Year',
  'Term',
  'YearTerm',
  'Subject',
  'Number',
  'Name',
  'Description',
  'Credit Hours',
  'Section Info',
  'Degree Attributes',
  'Schedule Information',
  'CRN',
  'Section',
  'Status Code',
  'Part of Term',
  'Section Title',
  'Section Credit Hours',
  'Section Status',
  'Enrollment Status',
  'Type',
  'Type Code',
  'Start Time',
  'End Time',
  'Days of Week',
  'Room',
  'Building',
  'Instructors',
];

function csvLine(values: readonly string[]): string {
  return values.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

function uiucRow(fields: Record<string, string>): string {
  const values: Record<string, string> = {
    Year: '2025',
    Term: 'Fall',
    YearTerm: '2025-fa',
    Subject: 'CS',
    Number: '225',
    Name: 'Data Structures',
    Description: 'Lists, stacks, queues, trees, hash tables and graphs.',
    'Credit Hours': '4 hours.',
    'Section Status': 'A',
    'Enrollment Status': 'Open',
    Type: 'Lecture',
    'Type Code': 'LEC',
    Room: '1404',
    Building: 'Siebel Center',
    ...fields,
  };
  return csvLine(UIUC_HEADER.map((column) => values[column] ?? ''));
}

/**
 * Two sections of CS 225 (a lecture and a lab), a MATH course whose credit hours cannot be read
 * and a row without a CRN: 1 subject, 1 course and 2 sections created, 2 rows skipped.
 */
const CATALOG_CSV = [
  csvLine(UIUC_HEADER),
  uiucRow({
    CRN: '30001',
    Section: 'AL1',
    'Start Time': '09:00 AM',
    'End Time': '09:50 AM',
    'Days of Week': 'MWF',
    Instructors: 'Smith, Ada',
  }),
  uiucRow({
    CRN: '30002',
    Section: 'AYA',
    Type: 'Laboratory',
    'Type Code': 'LAB',
    'Start Time': '02:00 PM',
    'End Time': '03:50 PM',
    'Days of Week': 'R',
    Instructors: 'Lee, Chen',
  }),
  uiucRow({
    Subject: 'MATH',
    Number: '241',
    Name: 'Calculus III',
    'Credit Hours': 'Variable',
    CRN: '40001',
    Section: 'AL1',
    'Start Time': '10:00 AM',
    'End Time': '10:50 AM',
    'Days of Week': 'MWF',
  }),
  uiucRow({ CRN: '', Section: 'AL9', 'Start Time': '11:00 AM', 'End Time': '11:50 AM' }),
].join('\n');

const termCode = `FA25-${suffix}`.toUpperCase();
const termName = `Imported Fall ${suffix}`;

let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  api = await startApi({ admin });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function signedInPage(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: api.baseUrl });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  watchPage(page);
  await signIn(page, admin.email, admin.password);
  return page;
}

async function fillImportForm(
  page: Page,
  input: { code: string; name?: string; file: { name: string; content: string } },
): Promise<void> {
  await page.getByTestId('import-format').click();
  await page.getByRole('option', { name: 'UIUC course explorer (CSV)' }).click();
  await page.getByRole('textbox', { name: /^Term code/ }).fill(input.code);
  if (input.name) await page.getByRole('textbox', { name: 'Term name' }).fill(input.name);
  await page.locator('input[type="file"]').setInputFiles({
    name: input.file.name,
    mimeType: 'text/csv',
    buffer: Buffer.from(input.file.content),
  });
}

/** The admin's session cookies sign this GET, as they do the page's own requests. */
async function termCodes(page: Page): Promise<string[]> {
  const response = await page.request.get('/api/v1/terms?limit=200');
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { items: Array<{ code: string }> };
  return body.items.map((term) => term.code);
}

describe('catalog import', () => {
  it('imports a UIUC CSV, shows its summary, and the course is in the catalog', async () => {
    const page = await signedInPage();
    await page.getByTestId('app-navbar').getByRole('link', { name: 'Catalog import' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/imports');
    await page.getByText('No imports yet').waitFor();

    await fillImportForm(page, {
      code: termCode,
      name: termName,
      file: { name: 'fall-2025.csv', content: CATALOG_CSV },
    });
    await page.getByRole('button', { name: 'Import catalog' }).click();

    // The open import goes into the URL; the page polls it until the job is done.
    await page.waitForURL((url) => url.searchParams.has('import'), { timeout: STEP_TIMEOUT_MS });
    const status = page.getByTestId('import-status');
    await status.getByTestId('import-summary').waitFor({ timeout: IMPORT_TIMEOUT_MS });
    expect(await status.getByTestId('import-state').innerText()).toMatch(/succeeded/i);
    const file = status.getByTestId('file-summary-fall-2025.csv');
    const count = async (id: string) => (await file.getByTestId(id).innerText()).trim();
    expect(await count('subjects-created')).toBe('1');
    expect(await count('courses-created')).toBe('1');
    expect(await count('sections-created')).toBe('2');
    expect(await count('sections-updated')).toBe('0');
    expect(await count('skipped-total')).toBe('2');
    const reasons = await file.getByTestId('skip-reason').evaluateAll((rows) =>
      rows.map((row) => {
        const text = (id: string) =>
          row.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.innerText.trim();
        return `${text('skip-reason-text')}: ${text('skip-reason-count')}`;
      }),
    );
    expect(reasons.sort()).toEqual([
      'course with unreadable credit hours: 1',
      'row without a CRN: 1',
    ]);
    const fileText = await file.innerText();
    expect(fileText).toContain(`Term ${termName} (${termCode})`);
    expect(fileText).toMatch(/created by this import/i);

    // The history lists it, by whom.
    const importId = new URL(page.url()).searchParams.get('import')!;
    const row = page.getByTestId(`import-row-${importId}`);
    expect(await row.innerText()).toMatch(/succeeded[\s\S]*UIUC[\s\S]*You/i);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'import-summary');

    // The same summary on a phone: nothing wider than the screen but the tables' own scrollers.
    const phone = await signedInPage(PHONE);
    await phone.goto(`/admin/imports?import=${importId}`);
    await phone.getByTestId('import-summary').waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.evaluate(() => window.scrollTo(0, 0));
    await screenshot(phone, 'import-phone');
    await phone.context().close();

    // The export card downloads the term's catalog as CSV, one row per meeting, even once the
    // access token has lapsed (here: its cookie is gone, as after a quarter of an hour idle).
    await page.getByTestId('export-term').click();
    await page.getByRole('option', { name: `${termName} (${termCode})` }).click();
    const signedIn = await page.context().cookies();
    await page.context().clearCookies();
    await page.context().addCookies(signedIn.filter((cookie) => cookie.name !== 'access_token'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`catalog-${termCode}.csv`);
    const exportedPath = await download.path();
    const lines = readFileSync(exportedPath, 'utf8').trimEnd().split(/\r?\n/);
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',')[1])
        .sort(),
    ).toEqual(['30001', '30002']);

    // The imported sections are in the catalog, in the new term.
    await page.getByRole('link', { name: 'Catalog', exact: true }).first().click();
    await page.waitForURL((url) => url.pathname === '/catalog');
    await page.getByTestId('term-picker').click();
    await page.getByRole('option', { name: termName }).click();
    await page.getByTestId('catalog-q').fill('data structures');
    await page.getByTestId('section-row-CS 225 AL1').waitFor();
    await page.getByTestId('section-row-CS 225 AYA').waitFor();
  });

  it('refuses a broken file with the server’s reason and imports nothing', async () => {
    const page = await signedInPage();
    await page.goto('/admin/imports');
    const brokenCode = `BAD-${suffix}`.toUpperCase();
    const before = await termCodes(page);
    await fillImportForm(page, {
      code: brokenCode,
      // A spreadsheet export that lost most of its columns.
      file: { name: 'broken.csv', content: 'Subject,Number,Name\nCS,225,Data Structures\n' },
    });
    await page.getByRole('button', { name: 'Import catalog' }).click();

    const error = page.getByTestId('import-error');
    await error.waitFor({ timeout: IMPORT_TIMEOUT_MS });
    const text = await error.innerText();
    expect(text).toContain('broken.csv: is not a UIUC course-catalog CSV: missing columns');
    expect(text).toContain('Nothing was imported.');
    expect(await page.getByTestId('import-state').innerText()).toMatch(/failed/i);
    expect(await page.getByTestId('import-summary').count()).toBe(0);
    const after = await termCodes(page);
    expect(after).toEqual(before);
    expect(after).not.toContain(brokenCode);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'import-failed');
  });
});
