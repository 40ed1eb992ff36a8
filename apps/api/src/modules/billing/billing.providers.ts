// Card payments go through a provider: Stripe Checkout when a Stripe key is configured, otherwise
// the built-in test provider, whose checkout page (served by this API, marked TEST MODE) lets the
// whole flow run from `npm start` with no account anywhere.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export interface CheckoutRequest {
  paymentId: string;
  studentId: string;
  amount: number;
  currency: string;
  description: string;
  customerEmail: string | undefined;
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession {
  sessionId: string;
  url: string;
}

export interface RefundRequest {
  refundId: string;
  /** The provider's handle of the original charge (a Stripe PaymentIntent id). */
  providerPaymentId: string;
  amount: number;
  currency: string;
}

export interface ProviderRefund {
  providerRefundId: string;
  /** Stripe may answer `pending` and settle later; only `failed` undoes the refund. */
  status: 'succeeded' | 'pending' | 'failed';
  failureReason: string | undefined;
}

export interface PaymentProvider {
  readonly name: 'stripe' | 'test';
  /**
   * Starts a hosted checkout for one payment. Calling it again for the same payment id must not
   * create a second chargeable session at the provider (Stripe: an idempotency key per payment).
   */
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  refund(request: RefundRequest): Promise<ProviderRefund>;
}

/** The provider could not be reached or refused the call; the operation can be retried. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

export interface StripeProvider extends PaymentProvider {
  readonly name: 'stripe';
  /** Verifies the Stripe-Signature header over the raw body; throws on a bad signature. */
  constructEvent(rawBody: Buffer, signature: string): Stripe.Event;
}

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another API base (stripe-mock or a test double) instead of api.stripe.com. */
  apiUrl?: string | undefined;
}

function stripeClient(options: StripeProviderOptions): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 15_000, telemetry: false };
  if (options.apiUrl) {
    const url = new URL(options.apiUrl);
    config.host = url.hostname;
    config.protocol = url.protocol === 'http:' ? 'http' : 'https';
    config.port = url.port || (url.protocol === 'http:' ? 80 : 443);
  }
  return new Stripe(options.secretKey, config);
}

function refundStatus(status: string | null): ProviderRefund['status'] {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new ProviderUnavailableError(`Stripe refused to ${what}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export function createStripeProvider(options: StripeProviderOptions): StripeProvider {
  const stripe = stripeClient(options);
  return {
    name: 'stripe',
    async createCheckout(request) {
      const session = await callStripe('create a checkout session', () =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: request.paymentId,
            ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: request.currency.toLowerCase(),
                  unit_amount: request.amount,
                  product_data: { name: request.description },
                },
              },
            ],
            metadata: { paymentId: request.paymentId, studentId: request.studentId },
            payment_intent_data: {
              metadata: { paymentId: request.paymentId, studentId: request.studentId },
            },
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
          },
          // A retry of the same payment gets the same session back from Stripe.
          { idempotencyKey: `checkout-${request.paymentId}` },
        ),
      );
      if (!session.url) throw new ProviderUnavailableError('Stripe returned no checkout URL');
      return { sessionId: session.id, url: session.url };
    },
    async refund(request) {
      const refund = await callStripe('refund the payment', () =>
        stripe.refunds.create(
          {
            payment_intent: request.providerPaymentId,
            amount: request.amount,
            metadata: { refundId: request.refundId },
          },
          { idempotencyKey: `refund-${request.refundId}` },
        ),
      );
      return {
        providerRefundId: refund.id,
        status: refundStatus(refund.status),
        failureReason: refund.failure_reason ?? undefined,
      };
    },
    constructEvent(rawBody, signature) {
      return stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret);
    },
  };
}

export const TEST_CHECKOUT_PATH = '/api/v1/test-checkout';

/**
 * The embedded provider: a checkout "session" is a random capability URL on this API whose page
 * offers to succeed or decline. Refunds succeed at once. No money moves anywhere. The URL is a
 * path, so the browser stays on whichever origin it reached this server by (cookies included).
 */
export function createTestProvider(): PaymentProvider {
  return {
    name: 'test',
    async createCheckout() {
      const sessionId = `cs_test_${randomBytes(24).toString('base64url')}`;
      return { sessionId, url: `${TEST_CHECKOUT_PATH}/${sessionId}` };
    },
    async refund() {
      return {
        providerRefundId: `re_test_${randomBytes(16).toString('base64url')}`,
        status: 'succeeded',
        failureReason: undefined,
      };
    },
  };
}

export function newTestPaymentIntentId(): string {
  return `pi_test_${randomBytes(16).toString('base64url')}`;
}
