// The admission queue in real Chromium. The API runs with one registration transaction at a time
// (a pool of one connection); a student's drop from the open page waits behind another request,
// and the drop dialog shows its place in line from the live stream until the slot frees, then
// the drop goes through without a reload. The request ahead is held by a row lock this test takes
// on the API's database, so the order is decided by PostgreSQL, not by timing.
//
// PostgreSQL only (the embedded database cannot be locked from outside the API): the server in
// TEST_DATABASE_URL or E2E_POSTGRES_URL (.ci/run sets it).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Browser } from 'playwright-core';
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

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.E2E_POSTGRES_URL;
const suffix = randomBytes(3).toString('hex');
const admin = {
  name: 'Queue Admin',
  email: `registrar.queue.${suffix}@example.edu`,
  password: 'office-of-the-registrar-42',
};
const ada = {
  name: 'Ada Student',
  email: `ada.queue.${suffix}@example.edu`,
  password: 'analytical-engine-1843',
};
const STEP_TIMEOUT_MS = 30_000;
const DAY_MS = 86_400_000;

let api: RunningApi;
let browser: Browser;

const { call, login } = apiClient(() => api);

interface Created {
  id: string;
}

describe.skipIf(!serverUrl)(
  'the admission queue (skipped without PostgreSQL: set TEST_DATABASE_URL or E2E_POSTGRES_URL)',
  () => {
    let termId: string;
    let adaId: string;
    let adaToken: string;
    const registrationOf = new Map<string, string>();

    beforeAll(async () => {
      api = await startApi({
        admin,
        postgresServerUrl: serverUrl,
        // One connection, so one registration transaction in flight: the next one queues.
        env: { DATABASE_POOL_SIZE: '1' },
      });
      browser = await launchBrowser();
      const adminToken = await login(admin);
      const now = Date.now();
      const iso = (days: number) => new Date(now + days * DAY_MS).toISOString();
      const term = await call<Created>('POST', '/api/v1/terms', adminToken, {
        code: `QUEUE${suffix}`.toUpperCase(),
        name: 'Queue Term',
        timeZone: 'America/Chicago',
        startsOn: iso(30).slice(0, 10),
        endsOn: iso(140).slice(0, 10),
        registrationOpensAt: iso(-1),
        registrationClosesAt: iso(20),
        addDropDeadline: iso(40),
        withdrawDeadline: iso(90),
        minCredits: 0,
        maxCredits: 18,
      });
      termId = term.id;
      await call('POST', '/api/v1/subjects', adminToken, { code: 'QUE', name: 'Queueing' });
      await call('POST', '/api/v1/auth/signup', undefined, ada);
      adaToken = await login(ada);
      adaId = (await call<{ id: string }>('GET', '/api/v1/me', adaToken)).id;
      for (const [number, days] of [
        ['101', 'MW'],
        ['102', 'TR'],
      ] as const) {
        const course = await call<Created>('POST', '/api/v1/courses', adminToken, {
          subject: 'QUE',
          number,
          title: `Queues ${number}`,
          credits: { min: 3 },
        });
        const section = await call<Created>('POST', '/api/v1/sections', adminToken, {
          termId,
          courseId: course.id,
          sectionCode: 'A1',
          kind: 'lecture',
          capacity: 30,
          waitlistCapacity: 5,
          meetings: [{ days, startTime: '10:00', endTime: '11:15', location: 'Siebel 1404' }],
        });
        const registered = await call<{ registration: { id: string } }>(
          'POST',
          '/api/v1/me/registrations',
          adaToken,
          { sectionId: section.id },
        );
        registrationOf.set(`QUE ${number} A1`, registered.registration.id);
      }
    });

    afterAll(async () => {
      await browser?.close();
      await api?.stop();
    });

    it('shows a waiting drop its place in line, then drops when the slot frees', async () => {
      const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const page = await context.newPage();
      watchPage(page);
      await signIn(page, ada.email, ada.password);
      await page.goto(`/registrations?termId=${termId}`);
      await page.getByTestId('status-QUE 102 A1').waitFor();
      await page.locator('[data-testid="live-state"][data-state="live"]').waitFor();

      const holder = new pg.Client({ connectionString: api.databaseUrl });
      const watcher = new pg.Client({ connectionString: api.databaseUrl });
      await holder.connect();
      await watcher.connect();
      try {
        // Hold Ada's registration lock: her drop of QUE 101 takes the one slot and waits on it.
        await holder.query('begin');
        await holder.query(
          'select 1 from student_terms where student_id = $1 and term_id = $2 for update',
          [adaId, termId],
        );
        const ahead = fetch(
          `${api.baseUrl}/api/v1/me/registrations/${registrationOf.get('QUE 101 A1')}`,
          { method: 'DELETE', headers: { authorization: `Bearer ${adaToken}` } },
        );
        // Until PostgreSQL shows it waiting for the lock, nothing else may be sent.
        await expect
          .poll(
            async () =>
              (
                await watcher.query<{ n: number }>(
                  `select count(*)::int as n from pg_stat_activity
                   where datname = current_database() and wait_event_type = 'Lock'`,
                )
              ).rows[0]!.n,
            { timeout: STEP_TIMEOUT_MS, interval: 100 },
          )
          .toBe(1);

        // The page's drop queues behind it, and the dialog says where it stands.
        await page
          .getByTestId('registration-QUE 102 A1')
          .getByRole('button', { name: 'Drop', exact: true })
          .click();
        await page.getByTestId('confirm-drop').click();
        const place = page.getByTestId('admission-queue');
        await place.waitFor();
        expect(await place.getAttribute('data-position')).toBe('1');
        expect(await place.innerText()).toMatch(/You're next in line — about \d+ s/);
        await screenshot(page, 'registration-queue-place');

        await holder.query('commit');
        expect((await ahead).status).toBe(200);
        await place.waitFor({ state: 'detached' });
        await page.getByText(/Dropped this term: .*QUE 102 A1 \(dropped\)/).waitFor();
        await page.getByTestId('registration-QUE 102 A1').waitFor({ state: 'detached' });
        await screenshot(page, 'registration-queue-done');
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await holder.end();
        await watcher.end();
      }
      const mine = await call<{ items: { sectionId: string; status: string }[] }>(
        'GET',
        `/api/v1/me/registrations?termId=${termId}`,
        adaToken,
      );
      expect(mine.items.map((r) => r.status).sort()).toEqual(['dropped', 'dropped']);
      await context.close();
    });
  },
);
