// The cart: GET /me/cart, POST /me/cart/items, DELETE /me/cart/items/{id}, POST /me/cart/validate
// and POST /me/cart/checkout (item by item, or all or nothing).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { registrationKeys } from './keys.ts';
import { useSeatMutation } from './registrations.ts';
import type { Cart, CheckoutResult, ValidateResult } from './types.ts';

export function useCart(termId: string | null) {
  return useQuery({
    queryKey: registrationKeys.cart(termId ?? ''),
    queryFn: ({ signal }) => apiRequest<Cart>('/api/v1/me/cart', { query: { termId }, signal }),
    enabled: termId !== null,
  });
}

/** Validation changes nothing, so it is a query: it reruns whenever the cart changes. */
export function useCartValidation(termId: string | null, cartSize: number) {
  return useQuery({
    queryKey: [...registrationKeys.validation(termId ?? ''), cartSize],
    queryFn: () =>
      apiRequest<ValidateResult>('/api/v1/me/cart/validate', { method: 'POST', body: { termId } }),
    enabled: termId !== null && cartSize > 0,
  });
}

export function useAddToCart(termId: string | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (sectionId: string) =>
      apiRequest<unknown>('/api/v1/me/cart/items', { method: 'POST', body: { sectionId } }),
    onSettled: () => client.invalidateQueries({ queryKey: registrationKeys.cart(termId ?? '') }),
  });
}

export function useRemoveFromCart(termId: string | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (itemId: string) =>
      apiRequest<unknown>(`/api/v1/me/cart/items/${encodeURIComponent(itemId)}`, {
        method: 'DELETE',
      }),
    onSettled: () => client.invalidateQueries({ queryKey: registrationKeys.cart(termId ?? '') }),
  });
}

/** Checkout takes seats: it waits its turn, retries a 503 with the same Idempotency-Key. */
export function useCheckout(termId: string | null) {
  return useSeatMutation(termId, { idempotent: true }, (atomic: boolean, headers) =>
    apiRequest<CheckoutResult>('/api/v1/me/cart/checkout', {
      method: 'POST',
      body: { termId, atomic },
      headers,
    }),
  );
}
