import { ImageStackError } from '../errors';

/** One Part-10 file to send. */
export interface StowInstance {
  sopInstanceUID: string;
  bytes: Uint8Array;
}

export interface StowProgress {
  /** Instances whose request has finished (accepted or failed). */
  done: number;
  /** The total when the caller gave one. */
  total?: number;
  accepted: number;
  failed: number;
}

export interface StowOptions {
  /** Sent as `Authorization: Bearer <token>`; never logged or put into messages. */
  token?: string;
  /** Instances per request (default 20). */
  maxInstancesPerRequest?: number;
  /** Bytes of DICOM per request (default 32 MiB); a larger single instance goes alone. */
  maxBytesPerRequest?: number;
  /** Retries of one request after a 5xx, 408, 429, a timeout or a network error (default 3). */
  retries?: number;
  /** First retry delay, doubled on each further retry (default 500 ms). */
  backoffMs?: number;
  /**
   * How long one request may take, answer included, before it counts as failed and is
   * retried (default 120 000 ms).
   */
  timeoutMs?: number;
  /** Number of instances, for progress only. */
  total?: number;
  onProgress?: (p: StowProgress) => void;
  signal?: AbortSignal;
  /** The fetch to use (default: the global one; tests pass their own). */
  fetch?: typeof fetch;
}

export interface StowFailure {
  sopInstanceUID: string;
  reason: string;
}

/**
 * What the server said, instance by instance: accepted + failed = instances sent. An instance
 * is accepted only when the server's response lists it as stored (ReferencedSOPSequence);
 * everything else, including an answer that lists nothing, is a failure with its reason.
 */
export interface StowResult {
  accepted: number;
  failed: number;
  /** SOP Instance UIDs the server confirmed, in the order sent. */
  stored: string[];
  failures: StowFailure[];
}

// DICOM JSON tags of the STOW-RS response (PS3.18 table 10.5.3-1).
const FAILED_SOP_SEQUENCE = '00081198';
const REFERENCED_SOP_SEQUENCE = '00081199';
const REFERENCED_SOP_INSTANCE_UID = '00081155';
const FAILURE_REASON = '00081197';

const FAILURE_REASONS: Record<number, string> = {
  0x0110: 'processing failure',
  0x0112: 'no such object instance',
  0x0122: 'SOP class not supported',
  0x0124: 'not authorized',
  0xa700: 'out of resources',
  0xa900: 'data set does not match SOP class',
  0xc000: 'cannot understand',
  0xc122: 'transfer syntax not supported',
};

type DicomJson = Record<string, { vr?: string; Value?: unknown[] }>;

function uidsIn(body: DicomJson, sequenceTag: string): Map<string, DicomJson> {
  const items = (body[sequenceTag]?.Value ?? []) as DicomJson[];
  const byUid = new Map<string, DicomJson>();
  for (const item of items) {
    const uid = item?.[REFERENCED_SOP_INSTANCE_UID]?.Value?.[0];
    if (typeof uid === 'string') byUid.set(uid, item);
  }
  return byUid;
}

function failureReason(item: DicomJson): string {
  const code = item[FAILURE_REASON]?.Value?.[0];
  if (typeof code !== 'number') return 'refused by the server (no reason given)';
  const hex = `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `refused by the server: ${FAILURE_REASONS[code] ?? 'failure'} (${hex})`;
}

/** multipart/related body: one application/dicom part per instance. */
export function stowBody(instances: readonly StowInstance[], boundary: string): Uint8Array {
  const encoder = new TextEncoder();
  const head = encoder.encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
  const between = encoder.encode('\r\n');
  const tail = encoder.encode(`--${boundary}--\r\n`);
  let size = tail.length;
  for (const inst of instances) size += head.length + inst.bytes.length + between.length;
  const body = new Uint8Array(size);
  let at = 0;
  for (const inst of instances) {
    body.set(head, at);
    at += head.length;
    body.set(inst.bytes, at);
    at += inst.bytes.length;
    body.set(between, at);
    at += between.length;
  }
  body.set(tail, at);
  return body;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const cancelled = () => new ImageStackError('cancelled', 'sending to the DICOMweb server was cancelled');

/**
 * The STOW-RS URL for a DICOMweb root such as http://host:8042/dicom-web. In a page (the
 * viewer), a root relative to it such as /dicom-web (our server's proxy) is resolved against
 * the page's address.
 */
export function stowUrl(dicomWebRoot: string): string {
  let url: URL;
  try {
    url = new URL(dicomWebRoot, (globalThis as { location?: { href?: string } }).location?.href);
  } catch {
    throw new ImageStackError('bad-argument', `"${dicomWebRoot}" is not a URL; give the DICOMweb root, e.g. http://localhost:8042/dicom-web`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ImageStackError('bad-argument', `DICOMweb URL must be http or https, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    // fetch refuses such URLs with a message that repeats them, password included.
    throw new ImageStackError('bad-argument', `the DICOMweb URL for ${url.host} contains a user name or password: give a bearer token instead`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/studies`;
  return url.toString();
}

interface BatchOutcome {
  stored: string[];
  failures: StowFailure[];
}

const statusText = (r: Response) => `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`;

/**
 * Sends one request, retrying on 5xx, 408, 429, timeouts and network errors (also a
 * connection cut while the answer is read); the outcome instance by instance.
 */
async function sendBatch(url: string, batch: StowInstance[], options: StowOptions): Promise<BatchOutcome> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const boundary = `imagestack-${globalThis.crypto.randomUUID()}`;
  const body = stowBody(batch, boundary);
  const headers: Record<string, string> = {
    'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
    Accept: 'application/dicom+json',
  };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const all = (reason: string): BatchOutcome => ({ stored: [], failures: batch.map(inst => ({ sopInstanceUID: inst.sopInstanceUID, reason })) });

  let lastProblem = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1), options.signal);
    if (options.signal?.aborted) throw cancelled();
    // one request, answer included, within timeoutMs; the caller's signal still cancels it
    const attemptControl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptControl.abort();
    }, timeoutMs);
    const onAbort = () => attemptControl.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let response: Response;
    let text: string;
    try {
      // (the DOM and Node typings disagree on whether a Uint8Array is a BodyInit; both accept it)
      response = await doFetch(url, { method: 'POST', headers, body: body as unknown as RequestInit['body'], signal: attemptControl.signal });
      text = await response.text();
    } catch (e) {
      if (options.signal?.aborted) throw cancelled();
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      lastProblem = timedOut
        ? `no answer from ${new URL(url).host} within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`
        : `could not reach ${new URL(url).host} (${cause?.code ?? cause?.message ?? (e as Error).message})`;
      continue;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      lastProblem = `server error ${statusText(response)}`;
      continue;
    }
    let json: DicomJson | undefined;
    try {
      json = text.trim() ? (JSON.parse(text) as DicomJson) : undefined;
    } catch {
      json = undefined;
    }
    if (json && (json[REFERENCED_SOP_SEQUENCE] || json[FAILED_SOP_SEQUENCE])) {
      // The response names instances: trust it instance by instance.
      const listed = uidsIn(json, REFERENCED_SOP_SEQUENCE);
      const failed = uidsIn(json, FAILED_SOP_SEQUENCE);
      const outcome: BatchOutcome = { stored: [], failures: [] };
      for (const inst of batch) {
        const f = failed.get(inst.sopInstanceUID);
        if (f) outcome.failures.push({ sopInstanceUID: inst.sopInstanceUID, reason: failureReason(f) });
        else if (listed.has(inst.sopInstanceUID)) outcome.stored.push(inst.sopInstanceUID);
        else outcome.failures.push({ sopInstanceUID: inst.sopInstanceUID, reason: `not listed as stored by the server (${statusText(response)})` });
      }
      return outcome;
    }
    if (response.ok) {
      // PS3.18 10.5.3: a success answer lists what was stored; one that lists nothing confirms nothing
      return all(`not confirmed: the server answered ${statusText(response)} without listing the instances it stored`);
    }
    return all(
      response.status === 401 || response.status === 403
        ? `not authorized by the server (HTTP ${response.status}): check the DICOMweb token`
        : `refused by the server: ${statusText(response)}${text ? `: ${text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`,
    );
  }
  return all(`${lastProblem}; gave up after ${retries + 1} attempts`);
}

/**
 * Sends Part-10 instances to a DICOMweb server by STOW-RS (POST {root}/studies,
 * multipart/related; type="application/dicom"), in batches, retrying transient failures.
 * Instances are pulled from `instances` one batch at a time, so a large series need not be
 * in memory at once. Reports, honestly, which instances the server confirmed as stored and why
 * the others failed (to resend just those, pass them again: a server keeps one copy of a SOP
 * instance); throws only when cancelled (ImageStackError 'cancelled') or the URL is unusable.
 * Uses fetch only, so the viewer can run it too.
 */
export async function stowInstances(
  dicomWebRoot: string,
  instances: Iterable<StowInstance> | AsyncIterable<StowInstance>,
  options: StowOptions = {},
): Promise<StowResult> {
  const url = stowUrl(dicomWebRoot);
  const maxCount = Math.max(1, options.maxInstancesPerRequest ?? 20);
  const maxBytes = Math.max(1, options.maxBytesPerRequest ?? 32 * 1024 * 1024);
  const result: StowResult = { accepted: 0, failed: 0, stored: [], failures: [] };
  let batch: StowInstance[] = [];
  let batchBytes = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    if (options.signal?.aborted) throw cancelled();
    const { stored, failures } = await sendBatch(url, batch, options);
    result.failed += failures.length;
    result.accepted += stored.length;
    result.stored.push(...stored);
    result.failures.push(...failures);
    batch = [];
    batchBytes = 0;
    options.onProgress?.({ done: result.accepted + result.failed, total: options.total, accepted: result.accepted, failed: result.failed });
  };

  for await (const inst of instances) {
    if (batch.length > 0 && (batch.length >= maxCount || batchBytes + inst.bytes.length > maxBytes)) await flush();
    batch.push(inst);
    batchBytes += inst.bytes.length;
  }
  await flush();
  return result;
}
