// The headless server's event socket, kept open: a dropped connection (the server restarted, the laptop slept) is
// retried with exponential backoff, reset once a connection opens again.

/** The part of the DOM's WebSocket this needs (so it runs on any WebSocket implementation). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  close(): void;
}

export interface EventSocketOptions {
  open?: (url: string) => SocketLike;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

// The DOM types its handlers with `this` and Event subclasses; the shape used here is the same.
const browserSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;

/** Delivers each well-formed `{event, payload}` message; returns a function that closes the socket for good. */
export function keepEventSocket(
  url: string,
  deliver: (event: string, payload: unknown) => void,
  { open = browserSocket, firstDelayMs = 500, maxDelayMs = 10_000 }: EventSocketOptions = {},
): () => void {
  let delay = firstDelayMs;
  let stopped = false;
  let socket: SocketLike | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const connect = (): void => {
    socket = open(url);
    socket.onopen = () => (delay = firstDelayMs);
    socket.onmessage = (message) => {
      try {
        const { event, payload } = JSON.parse(String(message.data)) as { event: unknown; payload: unknown };
        if (typeof event === 'string') deliver(event, payload);
      } catch {
        // A malformed message is dropped; the next one may be fine.
      }
    };
    socket.onclose = () => {
      if (stopped) return;
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 2, maxDelayMs);
    };
  };
  connect();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    socket?.close();
  };
}
