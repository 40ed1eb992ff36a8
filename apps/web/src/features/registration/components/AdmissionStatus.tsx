// While a seat request is pending: its place in the admission queue (from the live stream), or,
// after a 503, the countdown to the automatic retry with buttons to retry now or stop. A screen
// reader hears each new place and each retry once, not every second of the countdown.
import { Alert, Button, Group, Loader, Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { BusyRetry } from '../api/admission.ts';
import { useQueuePlace } from './LiveUpdates.tsx';

export function queueMessage(ahead: number, estimatedWaitSeconds: number): string {
  const wait = `about ${estimatedWaitSeconds} s`;
  if (ahead === 0) return `You're next in line — ${wait}`;
  return `You're in line — ${ahead} ahead of you, ${wait}`;
}

function useSecondsLeft(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === undefined ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function AdmissionStatus(props: { pending: boolean; retry: BusyRetry }) {
  const { pending, retry } = props;
  const place = useQueuePlace(pending ? retry.requestId : undefined);
  const secondsLeft = useSecondsLeft(retry.busy?.retryAt);

  return (
    <div role="status" aria-live="polite" data-testid="admission-status">
      {pending && retry.busy && (
        <Alert
          role="presentation"
          color="yellow"
          variant="light"
          icon={<Loader size="xs" color="yellow" />}
          data-testid="admission-busy"
        >
          <Text size="sm" aria-hidden="true">
            Registration is busy — retrying in {secondsLeft} s
          </Text>
          <VisuallyHidden>Registration is busy — retrying in {retry.busy.seconds} s</VisuallyHidden>
          <Group gap="xs" mt="xs">
            <Button size="compact-xs" variant="light" color="yellow" onClick={retry.retryNow}>
              Retry now
            </Button>
            <Button size="compact-xs" variant="subtle" color="gray" onClick={retry.stop}>
              Stop
            </Button>
          </Group>
        </Alert>
      )}
      {pending && !retry.busy && place && (
        <Alert
          role="presentation"
          color="blue"
          variant="light"
          icon={<Loader size="xs" />}
          data-testid="admission-queue"
          data-position={place.position}
        >
          <Text size="sm">{queueMessage(place.ahead, place.estimatedWaitSeconds)}</Text>
        </Alert>
      )}
    </div>
  );
}
