// Shows a failed request the way a user can act on it: what went wrong, and the request ID for support.
import { Alert, Text } from '@mantine/core';
import { describeError, isApiError } from '../lib/api.ts';
import { IconAlert } from './icons.tsx';

function titleFor(error: unknown): string {
  if (!isApiError(error)) return 'Something went wrong';
  if (error.status === 0) return 'No connection';
  if (error.status === 401) return 'Not signed in';
  if (error.status === 403) return 'Not allowed';
  if (error.status === 404) return 'Not found';
  if (error.status === 429) return 'Too many attempts';
  if (error.status >= 500) return 'Server problem';
  return 'Please check and try again';
}

export function ProblemAlert(props: { error: unknown; title?: string; onRetry?: () => void }) {
  const { error } = props;
  const requestId = isApiError(error) ? error.requestId : undefined;
  const retryAfter = isApiError(error) ? error.retryAfter : undefined;
  // Field-level problems are shown on their inputs; the alert lists only the others.
  const loose = isApiError(error) ? error.errors.filter((item) => !item.path) : [];
  return (
    <Alert
      color="red"
      variant="light"
      title={props.title ?? titleFor(error)}
      icon={<IconAlert />}
      data-testid="problem-alert"
    >
      <Text size="sm">{describeError(error)}</Text>
      {loose.length > 0 && (
        <ul style={{ margin: '0.5rem 0 0', paddingLeft: '1.25rem' }}>
          {loose.map((item, index) => (
            <li key={`${item.code}-${index}`}>
              <Text size="sm">{item.message}</Text>
            </li>
          ))}
        </ul>
      )}
      {retryAfter !== undefined && retryAfter > 0 && (
        <Text size="sm" mt={4}>
          You can try again in {retryAfter} second{retryAfter === 1 ? '' : 's'}.
        </Text>
      )}
      {props.onRetry && (
        <Text
          component="button"
          type="button"
          size="sm"
          c="red.8"
          td="underline"
          mt={6}
          style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
          onClick={props.onRetry}
        >
          Try again
        </Text>
      )}
      {requestId && (
        <Text size="xs" c="dimmed" mt={6}>
          Reference: {requestId}
        </Text>
      )}
    </Alert>
  );
}
