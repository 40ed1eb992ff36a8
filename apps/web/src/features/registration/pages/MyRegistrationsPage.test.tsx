// Accepting an offered seat: the student is told what they now have, enrolled, or in a
// pay-to-enrol term a seat held until they pay, with the time it is held to.
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installEventSource } from '../../../test/event-source-double.ts';
import { installFetch, json } from '../../../test/fetch-double.ts';
import {
  dataStructures,
  openTerm,
  SECTION_ID,
  TERM_ID,
} from '../../../test/registration-fixtures.ts';
import { renderPage } from '../../../test/render.tsx';
import type { Registration, Term } from '../api/types.ts';
import { MyRegistrationsPage } from './MyRegistrationsPage.tsx';

const REGISTRATION_ID = '0192f1c2-0000-7000-8000-0000000000ee';
const term: Term = { ...openTerm, claimWindowHours: 24 };

const offered: Registration = {
  id: REGISTRATION_ID,
  termId: TERM_ID,
  sectionId: SECTION_ID,
  section: dataStructures,
  status: 'offered',
  credits: 4,
  offerExpiresAt: '2099-01-01T00:00:00.000Z',
  overrides: [],
};

function installApi(accepted: Registration) {
  return installFetch({
    'GET /api/v1/terms': () => json(200, { items: [term], nextCursor: null }),
    'GET /api/v1/me/registrations': () => json(200, { items: [offered] }),
    [`POST /api/v1/me/registrations/${REGISTRATION_ID}/accept`]: () =>
      json(200, { registration: accepted }),
  });
}

beforeEach(() => {
  installEventSource();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('accepting an offered seat', () => {
  it('says the seat is held until a time when the term is pay-to-enrol', async () => {
    const holdUntil = '2099-01-01T00:20:00.000Z';
    installApi({ ...offered, status: 'pending_payment', offerExpiresAt: holdUntil });
    renderPage(<MyRegistrationsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Accept seat' }));
    expect(
      await screen.findByText(
        `CS 225 AL1 is held for you until ${new Date(holdUntil).toLocaleString()}: pay for it under Account & payments to keep it.`,
      ),
    ).toBeVisible();
  });

  it('says the student is enrolled otherwise', async () => {
    const { offerExpiresAt: _, ...enrolled } = { ...offered, status: 'enrolled' as const };
    installApi(enrolled);
    renderPage(<MyRegistrationsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Accept seat' }));
    expect(await screen.findByText('You are enrolled in CS 225 AL1.')).toBeVisible();
  });
});
