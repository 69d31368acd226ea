import { ImageStackError, type ImageStackErrorCode } from './ImageStackError';

/**
 * An error as it crosses a worker boundary (structured clone keeps no class): the decode and
 * mesh workers send this, their callers turn it back into an ImageStackError. The one codec
 * both sides use, so a worker's error reaches the user with its code, file and reason intact
 * and is never parsed back out of a sentence.
 */
export interface WireError {
  code: ImageStackErrorCode;
  reason: string;
  file?: string;
}

/**
 * Any thrown value → WireError. An ImageStackError keeps its parts; anything else is a bug or
 * an unexpected failure of `what` (for example "the mesh worker"), code `fallbackCode`.
 */
export function errorToWire(e: unknown, what: string, fallbackCode: ImageStackErrorCode = 'corrupt', file?: string): WireError {
  if (e instanceof ImageStackError) return { code: e.code, reason: e.reason, file: e.file };
  const detail = (e as Error)?.message ?? String(e);
  return { code: fallbackCode, reason: `${what} failed (${detail.split('\n')[0]})`, file };
}

/** WireError → ImageStackError, the same one the worker threw. */
export function errorFromWire(w: WireError): ImageStackError {
  return new ImageStackError(w.code, w.reason, w.file);
}
