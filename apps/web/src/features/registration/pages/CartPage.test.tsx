// Checking out under admission control: while the checkout waits in the API's queue the student
// sees their place in line from the live stream; a 503 `overloaded` is retried by itself after
// Retry-After with the same Idempotency-Key, and the student can retry at once or stop.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installEventSource, type EventSourceDouble } from '../../../test/event-source-double.ts';
import { installFetch, json, problem, type RecordedRequest } from '../../../test/fetch-double.ts';
import {
  dataStructures,
  openTerm,
  SECTION_ID,
  TERM_ID,
} from '../../../test/registration-fixtures.ts';
import { renderPage } from '../../../test/render.tsx';
import type { Cart, CheckoutResult, QueueEvent, ValidateResult } from '../api/types.ts';
import { CartPage } from './CartPage.tsx';

const CHECKOUT = 'POST /api/v1/me/cart/checkout';
const term = openTerm;
const section = dataStructures;

const cart: Cart = {
  items: [
    {
      id: '0192f1c2-0000-7000-8000-0000000000dd',
      termId: TERM_ID,
      sectionId: SECTION_ID,
      addedAt: '2026-04-01T12:00:00.000Z',
      section,
    },
  ],
};
const validation: ValidateResult = {
  items: [{ sectionId: SECTION_ID, ok: true, errors: [], waitlist: false }],
  warnings: [],
};
const checkedOut: CheckoutResult = {
  committed: true,
  results: [
    {
      sectionId: SECTION_ID,
      registration: {
        id: '0192f1c2-0000-7000-8000-0000000000ee',
        termId: TERM_ID,
        sectionId: SECTION_ID,
        section,
        status: 'enrolled',
        credits: 4,
        overrides: [],
      },
    },
  ],
};

const busy = (retryAfter: string) =>
  problem(
    503,
    'overloaded',
    `Registration is very busy right now. Try again in ${retryAfter} s.`,
    {},
    { 'retry-after': retryAfter },
  );

/** A response the test sends when it chooses. */
function held() {
  let answer!: (response: Response) => void;
  const response = new Promise<Response>((resolve) => (answer = resolve));
  return { responder: () => response, answer };
}

function installApi(checkout: Array<(request: RecordedRequest) => Response | Promise<Response>>) {
  return installFetch({
    'GET /api/v1/terms': () => json(200, { items: [term], nextCursor: null }),
    'GET /api/v1/me/cart': () => json(200, cart),
    'POST /api/v1/me/cart/validate': () => json(200, validation),
    'GET /api/v1/me/registrations': () => json(200, { items: [] }),
    [`GET /api/v1/terms/${TERM_ID}/sections`]: () => json(200, { items: [], nextCursor: null }),
    [CHECKOUT]: checkout,
  });
}

const checkoutRequests = (requests: RecordedRequest[]) =>
  requests.filter((r) => `${r.method} ${r.url.split('?')[0]}` === CHECKOUT);

let streams: typeof EventSourceDouble;
beforeEach(() => {
  streams = installEventSource();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function place(requestId: string, fields: Partial<QueueEvent>): QueueEvent {
  return {
    state: 'waiting',
    requestId,
    method: 'POST',
    path: '/api/v1/me/cart/checkout',
    since: new Date().toISOString(),
    position: 1,
    ahead: 0,
    estimatedWaitSeconds: 1,
    ...fields,
  };
}

describe('cart checkout under admission control', () => {
  it('shows the place in line of the pending checkout as the live stream reports it', async () => {
    const response = held();
    const { requests } = installApi([response.responder]);
    renderPage(<CartPage />);
    const button = await screen.findByRole('button', { name: /Register for 1 section/ });
    await waitFor(() => expect(streams.current().url).toContain(`/terms/${TERM_ID}/seats/stream`));
    await userEvent.click(button);

    await waitFor(() => expect(checkoutRequests(requests)).toHaveLength(1));
    const sent = checkoutRequests(requests)[0]!;
    const requestId = sent.headers['x-request-id']!;
    expect(requestId).toBeTruthy();
    expect(sent.headers['idempotency-key']).toBeTruthy();
    const status = screen.getByTestId('admission-status');
    expect(status).toHaveAttribute('role', 'status');
    expect(status).toHaveAttribute('aria-live', 'polite');
    expect(status).toHaveTextContent('');

    // Another request's place (another tab) is not this checkout's.
    act(() => streams.current().emit('queue', place('another-request', { ahead: 9 })));
    expect(status).toHaveTextContent('');

    act(() =>
      streams
        .current()
        .emit('queue', place(requestId, { position: 3, ahead: 2, estimatedWaitSeconds: 2 })),
    );
    expect(within(status).getByText("You're in line — 2 ahead of you, about 2 s")).toBeVisible();
    act(() => streams.current().emit('queue', place(requestId, { position: 1, ahead: 0 })));
    expect(status).toHaveTextContent("You're next in line — about 1 s");

    // Admitted: the line is behind it; the answer follows.
    act(() =>
      streams.current().emit('queue', place(requestId, { state: 'admitted', position: 0 })),
    );
    expect(status).toHaveTextContent('');
    response.answer(json(200, checkedOut));
    expect(await screen.findByTestId('checkout-result')).toHaveTextContent('Registered');
  });

  it('retries a 503 after Retry-After with the same Idempotency-Key', async () => {
    const { requests } = installApi([() => busy('1'), () => json(200, checkedOut)]);
    renderPage(<CartPage />);
    await userEvent.click(await screen.findByRole('button', { name: /Register for 1 section/ }));

    const status = screen.getByTestId('admission-status');
    await waitFor(() =>
      expect(
        within(status).getByText('Registration is busy — retrying in 1 s', { selector: 'p' }),
      ).toBeVisible(),
    );
    expect(within(status).getByRole('button', { name: 'Retry now' })).toBeVisible();
    expect(screen.queryByText(/very busy right now/)).not.toBeInTheDocument();

    // The retry goes by itself once Retry-After has passed.
    expect(await screen.findByTestId('checkout-result', {}, { timeout: 3000 })).toHaveTextContent(
      'Registered',
    );
    const [first, second] = checkoutRequests(requests);
    expect(second).toBeDefined();
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(second!.headers['x-request-id']).not.toBe(first!.headers['x-request-id']);
    expect(second!.body).toEqual(first!.body);
    expect(status).toHaveTextContent('');
  });

  it('retries at once on request, and stops with the error shown when asked', async () => {
    const { requests } = installApi([
      () => busy('30'),
      () => busy('30'),
      () => json(200, checkedOut),
    ]);
    renderPage(<CartPage />);
    await userEvent.click(await screen.findByRole('button', { name: /Register for 1 section/ }));

    const status = screen.getByTestId('admission-status');
    await within(status).findByRole('button', { name: 'Retry now' });
    expect(status).toHaveTextContent('Registration is busy — retrying in 30 s');
    await userEvent.click(within(status).getByRole('button', { name: 'Retry now' }));
    await waitFor(() => expect(checkoutRequests(requests)).toHaveLength(2));

    await userEvent.click(await within(status).findByRole('button', { name: 'Stop' }));
    expect(await screen.findByText(/very busy right now/)).toBeVisible();
    expect(status).toHaveTextContent('');
    const keys = new Set(checkoutRequests(requests).map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    // Stopped means stopped: no third attempt.
    expect(checkoutRequests(requests)).toHaveLength(2);
  });
});
