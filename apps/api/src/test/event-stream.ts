// Test helper for the live stream tests: an SSE client over real HTTP (fetch), as a browser would.
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/** Reads a text/event-stream response event by event. */
export class EventStreamReader {
  readonly #events: ServerSentEvent[] = [];
  readonly #waiters: Array<() => void> = [];
  readonly #controller = new AbortController();
  #ended = false;
  status = 0;
  contentType = '';

  async open(url: string, headers: Record<string, string>): Promise<this> {
    const response = await fetch(url, { headers, signal: this.#controller.signal });
    this.status = response.status;
    this.contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      this.#ended = true;
      return this;
    }
    void this.#pump(response.body);
    return this;
  }

  async #pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ServerSentEvent = { event: 'message', data: '', id: undefined };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) {
              event.event = line.slice(7);
              isEvent = true;
            } else if (line.startsWith('data: ')) {
              event.data += line.slice(6);
              isEvent = true;
            } else if (line.startsWith('id: ')) {
              event.id = line.slice(4);
            }
          }
          if (isEvent) this.#events.push(event);
          this.#wake();
        }
      }
    } catch {
      // Aborted by close().
    }
    this.#ended = true;
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Events received so far. */
  get events(): readonly ServerSentEvent[] {
    return this.#events;
  }

  /** Waits until an event matches (or the stream ends, or 10 s pass: then it fails). */
  async waitFor(predicate: (event: ServerSentEvent) => boolean): Promise<ServerSentEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.#events.find(predicate);
      if (found) return found;
      if (this.#ended) throw new Error('the stream ended before the event arrived');
      if (Date.now() > deadline) throw new Error('no matching event within 10 s');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForEnd(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!this.#ended) {
      if (Date.now() > deadline) throw new Error('the stream did not end within 10 s');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#controller.abort();
  }
}
