// A local stand-in for the few Stripe API endpoints billing calls (Checkout Sessions, Refunds),
// on 127.0.0.1 and a random port, for tests: the SDK is pointed at it with STRIPE_API_URL.
// It keeps Stripe's idempotency-key behaviour: the same key returns the first response.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface FakeStripeRequest {
  method: string;
  path: string;
  form: URLSearchParams;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}

export interface FakeStripe {
  url: string;
  requests: FakeStripeRequest[];
  /** The next call to this path answers with an error of this HTTP status. */
  failNext(path: string, status: number, message: string): void;
  /** Refunds answer with this status from now on ('succeeded' by default). */
  refundStatus: 'succeeded' | 'pending' | 'failed';
  close(): Promise<void>;
}

export const WEBHOOK_SECRET = 'whsec_billing_tests_0123456789';

export function signedEvent(
  type: string,
  object: Record<string, unknown>,
  id = `evt_${Math.random().toString(36).slice(2)}`,
): { id: string; payload: string; signature: string } {
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  return {
    id,
    payload,
    signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: FakeStripeRequest[] = [];
  const failures = new Map<string, { status: number; message: string }>();
  const byKey = new Map<string, { status: number; body: unknown }>();
  let counter = 0;
  const fake: FakeStripe = {
    url: '',
    requests,
    refundStatus: 'succeeded',
    failNext(path: string, status: number, message: string) {
      failures.set(path, { status, message });
    },
    close: () => Promise.resolve(),
  };

  const answer = (form: URLSearchParams, path: string): { status: number; body: unknown } => {
    const failure = failures.get(path);
    if (failure) {
      failures.delete(path);
      return {
        status: failure.status,
        body: { error: { type: 'invalid_request_error', message: failure.message } },
      };
    }
    counter += 1;
    if (path === '/v1/checkout/sessions') {
      const id = `cs_test_fake_${counter}`;
      return {
        status: 200,
        body: {
          id,
          object: 'checkout.session',
          url: `https://checkout.stripe.test/c/pay/${id}`,
          status: 'open',
          payment_status: 'unpaid',
          mode: form.get('mode'),
          client_reference_id: form.get('client_reference_id'),
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')),
          currency: form.get('line_items[0][price_data][currency]'),
          success_url: form.get('success_url'),
          cancel_url: form.get('cancel_url'),
          metadata: { paymentId: form.get('metadata[paymentId]') },
          payment_intent: null,
        },
      };
    }
    if (path === '/v1/refunds') {
      return {
        status: 200,
        body: {
          id: `re_fake_${counter}`,
          object: 'refund',
          amount: Number(form.get('amount')),
          currency: 'usd',
          payment_intent: form.get('payment_intent'),
          status: fake.refundStatus,
          failure_reason: fake.refundStatus === 'failed' ? 'expired_or_canceled_card' : null,
          metadata: { refundId: form.get('metadata[refundId]') },
        },
      };
    }
    return {
      status: 404,
      body: { error: { type: 'invalid_request_error', message: `No route ${path}` } },
    };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const form = new URLSearchParams(await readBody(request));
      const path = (request.url ?? '/').split('?')[0]!;
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      requests.push({
        method: request.method ?? 'GET',
        path,
        form,
        idempotencyKey,
        authorization: request.headers.authorization,
      });
      const cacheKey = idempotencyKey ? `${path} ${idempotencyKey}` : undefined;
      let result = cacheKey ? byKey.get(cacheKey) : undefined;
      if (!result) {
        result = answer(form, path);
        if (cacheKey && result.status < 500) byKey.set(cacheKey, result);
      }
      response.writeHead(result.status, {
        'content-type': 'application/json',
        'request-id': `req_${counter}`,
      });
      response.end(JSON.stringify(result.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return fake;
}
