// Fan-out of the contract's events to every connected view (Electron windows, WebSocket clients, tests).
import type { EventName, Events } from './shared/contract';

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface EventHub {
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit(event, payload) {
      for (const listener of listeners) {
        try {
          listener(event, payload);
        } catch {
          // One broken view must not stop the others from hearing the event.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
