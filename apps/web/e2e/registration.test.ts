// Registration in real Chromium against the real API and the built web app: a student fills a
// cart, sees a time-conflict blocker, fixes it, checks out (all or nothing), lands on a
// wait-list; another student drops (through the API) and the first sees the promotion on the
// open page without reloading, through the live stream.
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
  email: `registrar.rush.${suffix}@example.edu`,
  password: 'office-of-the-registrar-42',
};
const ada = {
  name: 'Ada Student',
  email: `ada.${suffix}@example.edu`,
  password: 'analytical-engine-1843',
};
const ben = {
  name: 'Ben Student',
  email: `ben.${suffix}@example.edu`,
  password: 'difference-engine-1822',
};
const STEP_TIMEOUT_MS = 30_000;

let api: RunningApi;
let browser: Browser;

const { call, login } = apiClient(() => api);

interface Created {
  id: string;
  code: string;
}

const DAY_MS = 86_400_000;

/** A term open for registration now, four courses and five sections. */
async function createCatalog(token: string) {
  const now = Date.now();
  const iso = (offsetDays: number) => new Date(now + offsetDays * DAY_MS).toISOString();
  const date = (offsetDays: number) => iso(offsetDays).slice(0, 10);
  const term = await call<Created>('POST', '/api/v1/terms', token, {
    code: `RUSH${suffix}`.toUpperCase(),
    name: 'Rush Term',
    timeZone: 'America/Chicago',
    startsOn: date(30),
    endsOn: date(140),
    registrationOpensAt: iso(-1),
    registrationClosesAt: iso(20),
    addDropDeadline: iso(40),
    withdrawDeadline: iso(90),
    minCredits: 0,
    maxCredits: 18,
  });
  await call('POST', '/api/v1/subjects', token, { code: 'RSH', name: 'Rush Studies' });
  const course = (number: string, title: string) =>
    call<Created>('POST', '/api/v1/courses', token, {
      subject: 'RSH',
      number,
      title,
      credits: { min: 3 },
    });
  const algorithms = await course('101', 'Algorithms');
  const databases = await course('102', 'Databases');
  const networks = await course('201', 'Networks');
  const section = (
    courseId: string,
    sectionCode: string,
    days: string,
    startTime: string,
    endTime: string,
    capacity: number,
  ) =>
    call<Created>('POST', '/api/v1/sections', token, {
      termId: term.id,
      courseId,
      sectionCode,
      kind: 'lecture',
      capacity,
      waitlistCapacity: 5,
      meetings: [{ days, startTime, endTime, location: 'Siebel 1404' }],
      instructors: [{ name: 'Grace Hopper' }],
    });
  return {
    term,
    algorithms: await section(algorithms.id, 'A1', 'MW', '10:00', '11:15', 30),
    databasesMorning: await section(databases.id, 'A1', 'MW', '10:30', '11:45', 30),
    databasesAfternoon: await section(databases.id, 'B1', 'TR', '13:00', '14:15', 30),
    networks: await section(networks.id, 'A1', 'F', '09:00', '10:50', 1),
  };
}

let catalog: Awaited<ReturnType<typeof createCatalog>>;
let benToken: string;

beforeAll(async () => {
  api = await startApi({ admin });
  browser = await launchBrowser();
  const adminToken = await login(admin);
  catalog = await createCatalog(adminToken);
  for (const student of [ada, ben]) {
    await call('POST', '/api/v1/auth/signup', undefined, student);
  }
  // Ben takes the only seat of the Networks section before Ada starts.
  benToken = await login(ben);
  await call('POST', '/api/v1/me/registrations', benToken, { sectionId: catalog.networks.id });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function watched(page: Page): Promise<Page> {
  watchPage(page);
  return page;
}

async function addToCart(page: Page, code: string): Promise<void> {
  const search = page.getByTestId('section-search');
  // Search by course code (e.g. RSH 102), then pick the section's own row.
  await search.fill(code.split(' ').slice(0, 2).join(' '));
  const row = page.getByTestId(`search-row-${code}`);
  await row.waitFor();
  await row.getByRole('button', { name: `Add ${code} to cart` }).click();
  await page.getByTestId(`cart-item-${code}`).waitFor();
}

describe('a student registering during the rush', () => {
  it('fixes a time conflict, checks out onto a wait-list and sees the promotion live', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await watched(await context.newPage());

    await signIn(page, ada.email, ada.password);

    await page.goto(`/registration/cart?termId=${catalog.term.id}`);
    await addToCart(page, 'RSH 101 A1');
    await addToCart(page, 'RSH 102 A1');
    await addToCart(page, 'RSH 201 A1');

    // The morning Databases section overlaps Algorithms: the cart says so before checkout.
    const clash = page.getByTestId('cart-item-RSH 102 A1');
    await clash.locator('[data-code="time_conflict"]').waitFor();
    expect(await clash.getByTestId('blockers').innerText()).toContain('RSH 101 A1');
    // The full Networks section would put Ada on its wait-list.
    await page.getByTestId('cart-item-RSH 201 A1').getByText('joins the wait-list').waitFor();
    await screenshot(page, 'registration-cart-conflict');

    // Fix it: take the afternoon Databases section instead.
    await page.getByRole('button', { name: 'Remove RSH 102 A1 from cart' }).click();
    await page.getByTestId('cart-item-RSH 102 A1').waitFor({ state: 'detached' });
    await addToCart(page, 'RSH 102 B1');
    await page.getByTestId('cart-item-RSH 102 B1').getByText('Ready').waitFor();
    expect(await page.locator('[data-code="time_conflict"]').count()).toBe(0);

    await page.getByTestId('checkout').click();
    const result = page.getByTestId('checkout-result');
    await result.waitFor();
    const summary = await result.innerText();
    expect(summary).toContain('RSH 101 A1: enrolled');
    expect(summary).toContain('RSH 102 B1: enrolled');
    expect(summary).toContain('RSH 201 A1: on the wait-list, position 1');
    await screenshot(page, 'registration-checkout');

    await page.getByRole('link', { name: 'See my registrations' }).click();
    await page.waitForURL((url) => url.pathname === '/registrations');
    if (!new URL(page.url()).searchParams.get('termId')) {
      await page.goto(`/registrations?termId=${catalog.term.id}`);
    }
    const networks = page.getByTestId('status-RSH 201 A1');
    await networks.waitFor();
    expect(await networks.getAttribute('data-status')).toBe('waitlisted');
    expect(await networks.innerText()).toContain('#1');
    await page.locator('[data-testid="live-state"][data-state="live"]').waitFor();
    await screenshot(page, 'registration-waitlisted');

    // Ben drops Networks through the API; Ada's open page changes without a reload.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    const mine = await call<{ items: Array<{ id: string; sectionId: string; status: string }> }>(
      'GET',
      `/api/v1/me/registrations?termId=${catalog.term.id}`,
      benToken,
    );
    const held = mine.items.find(
      (r) => r.sectionId === catalog.networks.id && r.status === 'enrolled',
    );
    expect(held).toBeDefined();
    await call('DELETE', `/api/v1/me/registrations/${held!.id}`, benToken);

    await page.locator('[data-testid="status-RSH 201 A1"][data-status="enrolled"]').waitFor();
    expect(navigations).toEqual([]);
    await screenshot(page, 'registration-promoted-live');

    await page.goto(`/schedule?termId=${catalog.term.id}`);
    await page.getByTestId('block-RSH 201 A1-F').waitFor();
    expect(await page.getByTestId('block-RSH 101 A1-M').getAttribute('data-conflict')).toBe(
      'false',
    );
    await page.getByTestId('feed-url').waitFor();
    expect(await page.getByTestId('feed-url').inputValue()).toMatch(
      /\/api\/v1\/calendar\/.+\.ics$/,
    );
    await screenshot(page, 'registration-schedule');
    await context.close();
  });

  it('gives the registrar the roster, the student desk and the audit log', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await watched(await context.newPage());
    await signIn(page, admin.email, admin.password);

    await page.goto(`/teaching/sections/${catalog.networks.id}`);
    await page.getByRole('cell', { name: /Ada Student/ }).waitFor();
    await screenshot(page, 'registration-roster');

    await page.goto(`/admin/registration?termId=${catalog.term.id}`);
    await page.getByPlaceholder('Search by name or email').fill('Ada');
    await page.getByRole('option', { name: new RegExp(ada.email) }).click();
    await page.getByText('No active holds.').waitFor();
    await page.getByRole('cell', { name: 'RSH 201 A1', exact: true }).first().waitFor();
    await screenshot(page, 'registration-desk');

    await page.getByRole('tab', { name: 'Audit log' }).click();
    const log = page.getByTestId('audit-log');
    await log.getByRole('cell', { name: 'promote' }).first().waitFor();
    await screenshot(page, 'registration-audit');
    await context.close();
  });
});
