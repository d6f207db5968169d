// A restricted unpickler (Python's pickle protocol 0–5 binary opcodes, pickletools' table) that builds plain data
// and torch tensors only. It calls nothing from the file: a GLOBAL outside the short allow-list (torch-globals.ts) is
// refused when it is read, so a planted `posix.system` never gets as far as a REDUCE.
import { fail } from './concept-errors';
import { call, persistent, resolveGlobal, type LoadStorage } from './torch-globals';
import { isTensor, PickleTuple, TensorRef } from './pickle-values';

export { PickleTuple, StorageRef, TensorRef } from './pickle-values';
export type { LoadStorage } from './torch-globals';

const MAX_OPS = 1_000_000;

export function unpickle(bytes: Uint8Array, loadStorage: LoadStorage): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  const take = (n: number): number => {
    if (n < 0 || at + n > bytes.length) fail('truncated', 'pickle: data ends in the middle of an instruction');
    const start = at;
    at += n;
    return start;
  };
  const string = (n: number) => {
    const start = take(n);
    try {
      return text.decode(bytes.subarray(start, start + n));
    } catch {
      return fail('malformed', 'pickle: a string is not valid UTF-8');
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('truncated', 'pickle: unterminated GLOBAL');
    const value = string(end - at);
    take(1);
    return value;
  };
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const pop = () => (stack.length > (marks.at(-1) ?? 0) ? stack.pop() : fail('malformed', 'pickle: stack underflow'));
  const popMark = () => {
    const mark = marks.pop() ?? fail('malformed', 'pickle: missing MARK');
    return stack.splice(mark);
  };
  const top = () => (stack.length > 0 ? stack[stack.length - 1] : fail('malformed', 'pickle: empty stack'));

  for (let ops = 0; ops < MAX_OPS; ops++) {
    const op = bytes[take(1)];
    switch (op) {
      case 0x80:
        take(1);
        break; // PROTO
      case 0x95:
        take(8);
        break; // FRAME: framing is a transport hint
      case 0x7d:
        stack.push(new Map());
        break; // }
      case 0x5d:
        stack.push([]);
        break; // ]
      case 0x29:
        stack.push(new PickleTuple([]));
        break; // )
      case 0x28:
        marks.push(stack.length);
        break; // (
      case 0x58:
        stack.push(string(view.getUint32(take(4), true)));
        break; // X
      case 0x8c:
        stack.push(string(bytes[take(1)]));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(string(Number(view.getBigUint64(take(8), true))));
        break;
      case 0x55:
        stack.push(string(bytes[take(1)]));
        break; // SHORT_BINSTRING
      case 0x54:
        stack.push(string(view.getUint32(take(4), true)));
        break; // BINSTRING
      case 0x43: {
        const n = bytes[take(1)];
        stack.push(bytes.slice(take(n), at));
        break;
      } // SHORT_BINBYTES
      case 0x42: {
        const n = view.getUint32(take(4), true);
        stack.push(bytes.slice(take(n), at));
        break;
      }
      case 0x4a:
        stack.push(view.getInt32(take(4), true));
        break; // J
      case 0x4b:
        stack.push(bytes[take(1)]);
        break; // K
      case 0x4d:
        stack.push(view.getUint16(take(2), true));
        break; // M
      case 0x8a: {
        const n = bytes[take(1)];
        const start = take(n);
        stack.push(long1(bytes, start, start + n));
        break;
      }
      case 0x47:
        stack.push(view.getFloat64(take(8), false));
        break; // G, big-endian
      case 0x4e:
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x74:
        stack.push(new PickleTuple(popMark()));
        break; // t
      case 0x85:
        stack.push(new PickleTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PickleTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PickleTuple([pop(), b, c]));
        break;
      }
      case 0x6c:
        stack.push(popMark());
        break; // l
      case 0x61: {
        const v = pop();
        asList(top()).push(v);
        break;
      } // a
      case 0x65: {
        const items = popMark();
        asList(top()).push(...items);
        break;
      } // e
      case 0x64:
        stack.push(setItems(new Map(), popMark()));
        break; // d
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(asMap(top()), [k, v]);
        break;
      } // s
      case 0x75: {
        const items = popMark();
        setItems(asMap(top()), items);
        break;
      } // u
      case 0x71:
        memo.set(bytes[take(1)], top());
        break; // q
      case 0x72:
        memo.set(view.getUint32(take(4), true), top());
        break; // r
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
        stack.push(recall(memo, bytes[take(1)]));
        break; // h
      case 0x6a:
        stack.push(recall(memo, view.getUint32(take(4), true)));
        break; // j
      case 0x63: {
        const module = line();
        stack.push(resolveGlobal(module, line()));
        break;
      } // c
      case 0x93: {
        const name = pop();
        stack.push(resolveGlobal(String(pop()), String(name)));
        break;
      } // STACK_GLOBAL
      case 0x52: {
        const args = pop();
        stack.push(call(pop(), args));
        break;
      } // R
      case 0x51:
        stack.push(persistent(pop(), loadStorage));
        break; // Q
      case 0x62: {
        const state = pop();
        build(top(), state);
        break;
      } // b
      case 0x2e:
        return stack.length === 1 ? stack[0] : fail('malformed', 'pickle: STOP with a bad stack');
      default:
        return fail('unsafe', `pickle: opcode 0x${op.toString(16)} is not allowed in an embedding file`);
    }
  }
  return fail('too_large', 'pickle: too many instructions');
}

function long1(bytes: Uint8Array, start: number, end: number): number {
  // Little-endian two's complement; embedding files only hold small ints here (token ids, steps).
  let value = 0n;
  for (let i = end - 1; i >= start; i--) value = (value << 8n) | BigInt(bytes[i]);
  const n = end - start;
  if (n > 0 && bytes[end - 1] & 0x80) value -= 1n << BigInt(8 * n);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER))
    fail('unsupported', 'pickle: integer too large');
  return Number(value);
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : fail('malformed', 'pickle: APPEND to a non-list');
const asMap = (value: unknown) => (value instanceof Map ? value : fail('malformed', 'pickle: SETITEM on a non-dict'));

function setItems(map: Map<unknown, unknown>, items: unknown[]): Map<unknown, unknown> {
  if (items.length % 2) fail('malformed', 'pickle: odd number of dict items');
  for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
  return map;
}

function recall(memo: Map<number, unknown>, key: number): unknown {
  return memo.has(key) ? memo.get(key) : fail('malformed', `pickle: memo ${key} was never stored`);
}

function build(target: unknown, state: unknown): void {
  // OrderedDict and tensors carry no state worth restoring; anything else would be an object we do not make.
  const empty = state === null || (state instanceof Map && state.size === 0);
  if (!(target instanceof Map || isTensor(target) || target instanceof TensorRef) || !empty)
    fail('unsafe', 'pickle: BUILD of an object is not allowed');
}
