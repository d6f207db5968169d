// Errors cross every boundary as plain values: a code the caller can branch on, a message a person can read.
export const errorCodes = [
  'invalid_input',
  'unknown_method',
  'malformed_json',
  'payload_too_large',
  'unauthorized',
  'forbidden_origin',
  'not_found',
  'conflict',
  'model_invalid',
  'generation_failed',
  /** The engine's worker died while running the job; it is restarted for the next one. */
  'engine_crashed',
  /** A bounded resource (the job queue, the event sockets) is full; try again when it has room. */
  'busy',
  /** This studio cannot do it here: a desktop action (a native dialog, the file manager) without the desktop app. */
  'unsupported',
  /** A download failed: `details.reason` says why (offline, gated, forbidden, hash_mismatch, http, io, cancelled). */
  'download_failed',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface StudioErrorValue {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Thrown by services; serialised as a `StudioErrorValue` at the transport, never with its stack. */
export class StudioError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StudioError';
  }

  toValue(): StudioErrorValue {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isStudioErrorValue(value: unknown): value is StudioErrorValue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}
