// A stand-in for the browser's EventSource in component tests (jsdom has none): the test plays
// the server's side of the stream with emit().
import { vi } from 'vitest';

export class EventSourceDouble {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static readonly instances: EventSourceDouble[] = [];

  readonly url: string;
  readonly withCredentials: boolean;
  readyState = EventSourceDouble.CONNECTING;
  onerror: ((event: Event) => void) | null = null;
  readonly #listeners = new Map<string, Set<(event: MessageEvent<string>) => void>>();

  constructor(url: string, init: EventSourceInit = {}) {
    this.url = url;
    this.withCredentials = init.withCredentials ?? false;
    EventSourceDouble.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.#listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.readyState = EventSourceDouble.CLOSED;
  }

  /** Delivers a server event, as the stream's `event:` and `data:` lines would. */
  emit(type: string, data: unknown): void {
    if (this.readyState === EventSourceDouble.CLOSED) return;
    this.readyState = EventSourceDouble.OPEN;
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data) });
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }

  /** The newest stream that is still open. */
  static current(): EventSourceDouble {
    const open = EventSourceDouble.instances.filter(
      (s) => s.readyState !== EventSourceDouble.CLOSED,
    );
    const last = open.at(-1);
    if (!last) throw new Error('no open EventSource');
    return last;
  }
}

export function installEventSource(): typeof EventSourceDouble {
  EventSourceDouble.instances.length = 0;
  vi.stubGlobal('EventSource', EventSourceDouble);
  return EventSourceDouble;
}
