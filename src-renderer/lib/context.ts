// Typed context slots: each state class owns one, main.ts fills them all in the map it passes to mount().
import { getContext } from 'svelte';

export interface ContextSlot<T> {
  /** An entry for mount()'s context map. */
  entry(value: T): [symbol, unknown];
  /** The value, from inside a component. */
  use(): T;
}

export function contextSlot<T>(name: string): ContextSlot<T> {
  const key = Symbol(name);
  return {
    entry: (value) => [key, value],
    use() {
      const value = getContext<T | undefined>(key);
      if (value === undefined) throw new Error(`${name} is not in the component context`);
      return value;
    },
  };
}
