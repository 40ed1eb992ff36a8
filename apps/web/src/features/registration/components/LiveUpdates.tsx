// Live seat counts and the student's own notifications over one EventSource per page: seat
// badges update in place, and a promotion or offer refreshes the registration views at once.
// The same stream says where the student's pending seat requests stand in the admission queue.
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { apiRequest } from '../../../lib/api.ts';
import { registrationKeys, seatDependentKeys } from '../api/keys.ts';
import type { Notification, QueueEvent, SeatCounts } from '../api/types.ts';

const SeatsContext = createContext<ReadonlyMap<string, SeatCounts>>(new Map());
const LiveStateContext = createContext<'connecting' | 'live' | 'offline'>('offline');
/** Waiting requests by X-Request-Id. */
const QueueContext = createContext<ReadonlyMap<string, QueueEvent>>(new Map());

const RECONNECT_MS = 3000;
/** Places kept at most (a final event lost to a reconnect must not pile up entries). */
const MAX_QUEUE_PLACES = 20;

export function LiveUpdatesProvider(props: { termId: string | null; children: ReactNode }) {
  const { termId } = props;
  const client = useQueryClient();
  const [seats, setSeats] = useState<ReadonlyMap<string, SeatCounts>>(new Map());
  const [state, setState] = useState<'connecting' | 'live' | 'offline'>('offline');
  const [queue, setQueue] = useState<ReadonlyMap<string, QueueEvent>>(new Map());

  useEffect(() => {
    if (!termId || typeof EventSource === 'undefined') return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let connectedBefore = false;

    const refresh = async () => {
      for (const key of [...seatDependentKeys(termId), registrationKeys.notifications]) {
        await client.invalidateQueries({ queryKey: key });
      }
    };

    const open = () => {
      setState('connecting');
      source = new EventSource(`/api/v1/terms/${encodeURIComponent(termId)}/seats/stream`, {
        withCredentials: true,
      });
      source.addEventListener('ready', () => {
        setState('live');
        // Whatever changed while the stream was down.
        if (connectedBefore) void refresh();
        connectedBefore = true;
      });
      source.addEventListener('seats', (event) => {
        const counts = JSON.parse((event as MessageEvent<string>).data) as SeatCounts;
        setSeats((previous) => new Map(previous).set(counts.sectionId, counts));
      });
      source.addEventListener('queue', (event) => {
        const place = JSON.parse((event as MessageEvent<string>).data) as QueueEvent;
        setQueue((previous) => {
          const next = new Map(previous);
          next.delete(place.requestId);
          if (place.state === 'waiting') next.set(place.requestId, place);
          while (next.size > MAX_QUEUE_PLACES) next.delete(next.keys().next().value!);
          return next;
        });
      });
      source.addEventListener('notification', (event) => {
        const note = JSON.parse((event as MessageEvent<string>).data) as Notification;
        notifications.show({ title: note.title, message: note.body, autoClose: 8000 });
        void refresh();
      });
      source.onerror = () => {
        if (!source || source.readyState !== EventSource.CLOSED || stopped) return;
        // The server refused the stream (often an expired session): renew it, then reopen.
        setState('offline');
        source.close();
        retry = setTimeout(() => {
          void apiRequest('/api/v1/me')
            .catch(() => undefined)
            .finally(() => {
              if (!stopped) open();
            });
        }, RECONNECT_MS);
      };
    };
    open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
      setState('offline');
    };
  }, [termId, client]);

  return (
    <LiveStateContext.Provider value={state}>
      <SeatsContext.Provider value={seats}>
        <QueueContext.Provider value={queue}>{props.children}</QueueContext.Provider>
      </SeatsContext.Provider>
    </LiveStateContext.Provider>
  );
}

/** The newest counts of a section: live when the stream has sent some, else what the page loaded. */
export function useSeatCounts(
  sectionId: string,
  loaded: Omit<SeatCounts, 'sectionId'> | undefined,
): Omit<SeatCounts, 'sectionId'> | undefined {
  return useContext(SeatsContext).get(sectionId) ?? loaded;
}

export function useLiveState(): 'connecting' | 'live' | 'offline' {
  return useContext(LiveStateContext);
}

/** Where the request with this X-Request-Id waits in the admission queue, while it does. */
export function useQueuePlace(requestId: string | undefined): QueueEvent | undefined {
  const places = useContext(QueueContext);
  return requestId === undefined ? undefined : places.get(requestId);
}
