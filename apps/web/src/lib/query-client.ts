// One QueryClient for the app: retries only what a retry can fix, and notices a lost session.
import { QueryCache, QueryClient } from '@tanstack/react-query';
import { identityKeys } from '../features/identity/api/keys.ts';
import { isApiError } from './api.ts';

const MAX_RETRIES = 2;

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // The refresh already failed inside apiRequest: the session is gone, so show the login.
        if (isApiError(error) && error.status === 401) {
          queryClient.setQueryData(identityKeys.me, null);
        }
      },
    }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        retry: (failureCount, error) =>
          failureCount < MAX_RETRIES &&
          (!isApiError(error) || error.status === 0 || error.status >= 500),
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
