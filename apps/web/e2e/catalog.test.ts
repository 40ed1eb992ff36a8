// The catalog in real Chromium against the real API and the built web app: a student searches a
// course, narrows it to open Monday-Wednesday-Friday morning sections and opens one; the course
// page says its prerequisites in words. An administrator's course editor shows a wrong
// prerequisite expression on its field, with the position the server found.
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  DESKTOP,
  launchBrowser,
  screenshot,
  signIn,
  startApi,
  watchPage,
  type RunningApi,
} from './harness.ts';

const suffix = randomBytes(3).toString('hex');
const admin = {
  name: 'Registrar Admin',
  email: `registrar.catalog.${suffix}@example.edu`,
  password: 'office-of-the-registrar-42',
};
const student = {
  name: 'Emmy Student',
  email: `emmy.${suffix}@example.edu`,
  password: 'invariant-theory-1918',
};
const other = {
  name: 'Sofia Student',
  email: `sofia.${suffix}@example.edu`,
  password: 'partial-differential-1874',
};
const STEP_TIMEOUT_MS = 30_000;
const DAY_MS = 86_400_000;

let api: RunningApi;
let browser: Browser;

const { call, login } = apiClient(() => api);

interface Created {
  id: string;
}

/** A term open now; Calculus I with four sections: full, open, Tuesday-Thursday, afternoon. */
async function createCatalog(token: string) {
  const now = Date.now();
  const iso = (days: number) => new Date(now + days * DAY_MS).toISOString();
  const term = await call<Created>('POST', '/api/v1/terms', token, {
    code: `SP${suffix}`.toUpperCase(),
    name: 'Catalog Term',
    timeZone: 'America/Chicago',
    startsOn: iso(30).slice(0, 10),
    endsOn: iso(140).slice(0, 10),
    registrationOpensAt: iso(-1),
    registrationClosesAt: iso(20),
    addDropDeadline: iso(40),
    withdrawDeadline: iso(90),
  });
  await call('POST', '/api/v1/subjects', token, { code: 'MATH', name: 'Mathematics' });
  await call('POST', '/api/v1/courses', token, {
    subject: 'MATH',
    number: '112',
    title: 'Precalculus',
    credits: { min: 3 },
  });
  const calculus = await call<Created>('POST', '/api/v1/courses', token, {
    subject: 'MATH',
    number: '221',
    title: 'Calculus I',
    description: 'Limits, derivatives and integrals of functions of one variable.',
    credits: { min: 4 },
    prerequisites: 'MATH 112 (C)',
  });
  const section = (
    sectionCode: string,
    days: string,
    start: string,
    end: string,
    capacity: number,
  ) =>
    call<Created>('POST', '/api/v1/sections', token, {
      termId: term.id,
      courseId: calculus.id,
      sectionCode,
      capacity,
      waitlistCapacity: 5,
      meetings: [{ days, startTime: start, endTime: end, location: 'Altgeld Hall 314' }],
      instructors: [{ name: 'Emmy Noether' }],
    });
  return {
    term,
    full: await section('A1', 'MWF', '09:00', '09:50', 1),
    open: await section('B1', 'MWF', '10:00', '10:50', 30),
    tuesday: await section('C1', 'TR', '09:30', '10:45', 30),
    afternoon: await section('D1', 'MWF', '14:00', '14:50', 30),
  };
}

let catalog: Awaited<ReturnType<typeof createCatalog>>;

beforeAll(async () => {
  api = await startApi({ admin });
  browser = await launchBrowser();
  catalog = await createCatalog(await login(admin));

  await call('POST', '/api/v1/auth/signup', undefined, student);
  const sofia = await call<{ user: Created }>('POST', '/api/v1/auth/signup', undefined, other);
  // The registrar puts Sofia in the only seat of A1 (she has no MATH 112 on record), so it is
  // full when Emmy searches.
  await call('POST', `/api/v1/students/${sofia.user.id}/registrations`, await login(admin), {
    sectionId: catalog.full.id,
    overrides: ['prerequisite'],
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function signedInPage(user: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  watchPage(page);
  await signIn(page, user.email, user.password);
  return page;
}

const rowCodes = (page: Page): Promise<string[]> =>
  page
    .locator('[data-testid^="section-row-"]')
    .evaluateAll((rows) =>
      rows.map((row) => (row.getAttribute('data-testid') ?? '').replace('section-row-', '')),
    );

describe('the catalog', () => {
  it('finds open MWF morning sections of a course and opens one', async () => {
    const page = await signedInPage(student);
    // The sidebar's link (the home page has a card for it too).
    await page.getByRole('link', { name: 'Catalog', exact: true }).first().click();
    await page.waitForURL((url) => url.pathname === '/catalog');
    await page.getByTestId('term-picker').click();
    await page.getByRole('option', { name: 'Catalog Term' }).click();

    await page.getByTestId('catalog-q').fill('calc');
    await page.getByTestId('section-row-MATH 221 C1').waitFor();
    expect(await rowCodes(page)).toEqual([
      'MATH 221 A1',
      'MATH 221 B1',
      'MATH 221 C1',
      'MATH 221 D1',
    ]);
    const fullBadge = page.getByTestId(`seats-${catalog.full.id}`);
    expect(await fullBadge.getAttribute('data-available')).toBe('0');
    expect((await fullBadge.innerText()).toLowerCase()).toContain('full');

    const days = page.getByTestId('catalog-days');
    for (const day of ['Mon', 'Wed', 'Fri']) await days.getByText(day, { exact: true }).click();
    await page.getByTestId('section-row-MATH 221 C1').waitFor({ state: 'detached' });
    await page.getByTestId('catalog-end-before').fill('12:00');
    await page.getByTestId('section-row-MATH 221 D1').waitFor({ state: 'detached' });
    await page.getByTestId('catalog-open').click();
    await page.getByTestId('section-row-MATH 221 A1').waitFor({ state: 'detached' });
    expect(await rowCodes(page)).toEqual(['MATH 221 B1']);
    expect(new URL(page.url()).searchParams.get('days')).toBe('MWF');
    await screenshot(page, 'catalog-search');

    await page.getByRole('link', { name: 'MATH 221 B1' }).click();
    await page.waitForURL((url) => url.pathname === `/catalog/sections/${catalog.open.id}`);
    await page.getByRole('heading', { name: 'MATH 221 B1: Calculus I' }).waitFor();
    expect(await page.getByTestId('seats-available').innerText()).toBe('30');
    expect(await page.getByTestId('waitlist-size').innerText()).toBe('0 / 5');
    await page.getByRole('table', { name: 'Meetings' }).getByText('Altgeld Hall 314').waitFor();
    await page.getByText('Emmy Noether').waitFor();
    await screenshot(page, 'catalog-section');

    await page.getByRole('link', { name: '← MATH 221' }).click();
    expect(await page.getByTestId('course-prerequisites').innerText()).toBe(
      'MATH 112 with C or better',
    );
  });

  it('shows a wrong prerequisite on the course editor’s field, with its position', async () => {
    const page = await signedInPage(admin);
    await page.goto('/admin/catalog?tab=courses');
    await page.getByRole('button', { name: 'New course' }).click();
    const dialog = page.getByRole('dialog', { name: 'New course' });
    await dialog.getByTestId('course-subject').click();
    await page.getByRole('option', { name: 'MATH · Mathematics' }).click();
    await dialog.getByRole('textbox', { name: 'Number' }).fill('231');
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Calculus II');
    await dialog.getByRole('textbox', { name: 'Prerequisites' }).fill('MATH 221 and or MATH 112');
    await dialog.getByRole('button', { name: 'Save course' }).click();
    const field = dialog.getByRole('textbox', { name: 'Prerequisites' });
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.innerText()).toMatch(/position 13/);

    await field.fill('MATH 221 (C) or MATH 112');
    await dialog.getByRole('button', { name: 'Save course' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'MATH 231' }).waitFor();
  });

  it('adds a section whose meeting is checked before it is saved', async () => {
    const page = await signedInPage(admin);
    await page.goto(`/admin/catalog?tab=sections&termId=${catalog.term.id}`);
    await page.getByTestId('section-row-MATH 221 A1').waitFor();
    await page.getByRole('button', { name: 'New section' }).click();
    const dialog = page.getByRole('dialog', { name: /^New section/ });
    await dialog.getByTestId('section-course').click();
    await dialog.getByTestId('section-course').fill('calc');
    await page.getByRole('option', { name: 'MATH 221 · Calculus I' }).click();
    await dialog.getByRole('textbox', { name: 'Section code' }).fill('E1');
    const meeting = dialog.getByTestId('meeting-0');
    for (const day of ['Tue', 'Thu']) await meeting.getByText(day, { exact: true }).click();
    await meeting.getByLabel('Starts').fill('15:00');
    await meeting.getByLabel('Ends').fill('14:00');
    await dialog.getByRole('button', { name: 'Save section' }).click();
    await meeting.getByText('A meeting must end after it starts').waitFor();

    await meeting.getByLabel('Ends').fill('16:15');
    await dialog.getByRole('button', { name: 'Save section' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('section-row-MATH 221 E1');
    await row.waitFor();
    expect(await row.innerText()).toContain('Tue Thu 15:00–16:15');
    await screenshot(page, 'catalog-admin-sections');
  });
});
