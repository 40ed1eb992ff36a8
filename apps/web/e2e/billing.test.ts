// A student's money, in real Chromium against the real API with no Stripe key: register for a
// class and see the charge, pay it on the TEST MODE checkout page, see a zero balance; drop the
// class inside the full-refund window and see the credit restored. An administrator sets the
// tuition and refunds the credit from the bursar pages.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  launchBrowser,
  screenshot,
  signIn,
  startApi,
  watchPage,
  type RunningApi,
} from './harness.ts';

const suffix = randomBytes(4).toString('hex');
const admin = {
  name: 'Bursar Admin',
  email: `bursar.${suffix}@example.edu`,
  password: 'office-of-the-bursar-42',
};
const student = {
  name: 'Katherine Johnson',
  email: `katherine.${suffix}@example.edu`,
  password: 'orbital-mechanics-1962',
};
const STEP_TIMEOUT_MS = 30_000;

let api: RunningApi;
let browser: Browser;
let adminToken: string;
let sectionId: string;
let termId: string;

async function call<T>(method: string, route: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${api.baseUrl}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A term open for registration now, one 3-credit section, and its tuition (admin API). */
async function setUpCatalog(): Promise<void> {
  adminToken = (
    await call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
      login: admin.email,
      password: admin.password,
    })
  ).accessToken;
  const now = Date.now();
  const day = 86_400_000;
  const iso = (offset: number) => new Date(now + offset).toISOString();
  const date = (offset: number) => iso(offset).slice(0, 10);
  const term = await call<{ id: string }>(
    'POST',
    '/api/v1/terms',
    {
      code: `BT${suffix}`,
      name: 'Billing Test Term',
      timeZone: 'UTC',
      startsOn: date(7 * day),
      endsOn: date(120 * day),
      registrationOpensAt: iso(-day),
      registrationClosesAt: iso(60 * day),
      addDropDeadline: iso(30 * day),
      withdrawDeadline: iso(90 * day),
    },
    adminToken,
  );
  termId = term.id;
  await call('POST', '/api/v1/subjects', { code: 'ECON', name: 'Economics' }, adminToken);
  const course = await call<{ id: string }>(
    'POST',
    '/api/v1/courses',
    { subject: 'ECON', number: '101', title: 'Principles of Economics', credits: { min: 3 } },
    adminToken,
  );
  const section = await call<{ id: string }>(
    'POST',
    '/api/v1/sections',
    { termId, courseId: course.id, sectionCode: 'A1', capacity: 40 },
    adminToken,
  );
  sectionId = section.id;
}

beforeAll(async () => {
  api = await startApi({ admin });
  browser = await launchBrowser();
  await setUpCatalog();
  await call('POST', '/api/v1/auth/signup', student);
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function watched(context: BrowserContext): Promise<Page> {
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  watchPage(page, 'billing-');
  return page;
}

/** An API call made by the page itself, with its session cookie and CSRF token. */
async function asPage<T>(page: Page, method: string, route: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, route, body }) => {
      const csrf = document.cookie
        .split('; ')
        .find((c) => c.startsWith('csrf='))
        ?.slice(5);
      const response = await fetch(route, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          'idempotency-key': crypto.randomUUID(),
          ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}),
        },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    },
    { method, route, body },
  );
}

async function balanceText(page: Page): Promise<string> {
  return (await page.getByTestId('account-balance').textContent()) ?? '';
}

describe('tuition, payment and refund', () => {
  let registrationId: string;

  it('lets an administrator set the tuition of a term', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
    const page = await watched(context);
    await signIn(page, admin.email, admin.password);
    await page.getByTestId('app-navbar').getByRole('link', { name: 'Tuition setup' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/tuition');
    await page.getByText('No tuition set for this term yet').waitFor();
    await page.getByLabel(/^Per credit/).fill('450.00');
    await page.getByRole('button', { name: 'Add a fee' }).click();
    await page.getByLabel(/^Description/).fill('Student services fee');
    await page.getByLabel(/^Amount/).fill('125.00');
    await screenshot(page, 'billing-1-tuition-form');
    await page.getByTestId('save-tuition').click();
    await page.getByText('Tuition saved').waitFor();
    // The full-refund window (until a month from today) is added through the API, so the test
    // does not depend on the calendar's month navigation; the page then shows it.
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const saved = await call<{
      fees: { id: string; scope: string; description: string; amount: number }[];
    }>('GET', `/api/v1/terms/${termId}/tuition`, undefined, adminToken);
    expect(saved.fees).toEqual([
      expect.objectContaining({
        scope: 'term',
        description: 'Student services fee',
        amount: 125_00,
      }),
    ]);
    await call(
      'PUT',
      `/api/v1/terms/${termId}/tuition`,
      {
        currency: 'USD',
        perCreditAmount: 450_00,
        fees: saved.fees.map(({ id, scope, description, amount }) => ({
          id,
          scope,
          description,
          amount,
        })),
        refundSchedule: [{ until, percent: 100 }],
      },
      adminToken,
    );
    await page.reload();
    await expect(page.getByLabel(/^Per credit/).inputValue()).resolves.toBe('$ 450.00');
    await expect(page.getByLabel(/^Until/).textContent()).resolves.toContain(until);
    await screenshot(page, 'billing-2-tuition-saved');
    await context.close();
  });

  it('charges a registration, takes a TEST MODE payment and shows a zero balance', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
    const page = await watched(context);
    await signIn(page, student.email, student.password);

    const registered = await asPage<{ registration: { id: string; status: string } }>(
      page,
      'POST',
      '/api/v1/me/registrations',
      { sectionId },
    );
    expect(registered.registration.status).toBe('enrolled');
    registrationId = registered.registration.id;

    await page.getByTestId('app-navbar').getByRole('link', { name: 'Account & payments' }).click();
    await page.waitForURL((url) => url.pathname === '/billing');
    // 3 credits × $450 + the $125 term fee.
    await expect.poll(() => balanceText(page)).toBe('$1,475.00');
    await page
      .getByTestId('ledger-table')
      .getByText(/Tuition: ECON 101 A1 added/)
      .waitFor();
    await screenshot(page, 'billing-3-charged');

    await page.getByTestId('pay-button').click();
    await page.getByTestId('test-mode-alert').waitFor();
    await screenshot(page, 'billing-4-pay-dialog');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/api/v1/test-checkout/'));
    await page.getByText('TEST MODE').first().waitFor();
    await screenshot(page, 'billing-5-test-checkout');
    await page.getByRole('button', { name: /succeeds/ }).click();

    await page.waitForURL((url) => url.pathname === '/billing');
    await page.getByTestId('payment-result').getByText('Payment received').waitFor();
    await expect.poll(() => balanceText(page)).toBe('$0.00');
    await screenshot(page, 'billing-6-paid');
    await context.close();
  });

  it('restores the credit when the class is dropped inside the full-refund window', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
    const page = await watched(context);
    await signIn(page, student.email, student.password);
    await asPage(page, 'DELETE', `/api/v1/me/registrations/${registrationId}`);
    await page.goto('/billing');
    await page.getByText('Credit balance').waitFor();
    await expect.poll(() => balanceText(page)).toBe('$1,475.00');
    await page
      .getByTestId('ledger-table')
      .getByText(/Tuition reversal: ECON 101 A1/)
      .waitFor();
    await screenshot(page, 'billing-7-credit-restored');
    await context.close();
  });

  it('lets the bursar refund the credit to the card', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
    const page = await watched(context);
    await signIn(page, admin.email, admin.password);
    await page.getByTestId('app-navbar').getByRole('link', { name: 'Student accounts' }).click();
    await page.getByRole('link', { name: student.name }).click();
    await page.getByRole('button', { name: 'Refund credit' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await page.getByText('Refund issued').waitFor();
    await expect.poll(() => balanceText(page)).toBe('$0.00');
    await screenshot(page, 'billing-8-refunded');
    await context.close();
  });
});
