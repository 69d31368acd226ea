import { stowBody, stowInstances, stowUrl, type StowInstance } from './stow';

const instances = (n: number): StowInstance[] =>
  Array.from({ length: n }, (_, i) => ({ sopInstanceUID: `2.25.${i + 1}`, bytes: new Uint8Array(100).fill(i) }));

interface Call {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A fetch that records requests and answers from a script of responses (or throws). */
function fakeFetch(script: Array<(call: Call) => Response | Error>) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    const call = { url, headers: init.headers as Record<string, string>, body: init.body as Uint8Array };
    calls.push(call);
    const step = script[Math.min(calls.length - 1, script.length - 1)];
    const r = step(call);
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as typeof fetch;
  return { fn, calls };
}

/** UIDs of the parts of a multipart body. */
function partsOf(call: Call): number {
  const boundary = /boundary=(\S+)/.exec(call.headers['Content-Type'])![1];
  return new TextDecoder('latin1').decode(call.body).split(`--${boundary}\r\n`).length - 1;
}

const ok = (uids: string[]) =>
  new Response(JSON.stringify({ '00081199': { vr: 'SQ', Value: uids.map(u => ({ '00081155': { vr: 'UI', Value: [u] } })) } }), {
    status: 200,
    headers: { 'Content-Type': 'application/dicom+json' },
  });
const fast = { backoffMs: 1 };
/** A server that confirms every instance of a test batch (UIDs 2.25.1 … 2.25.50). */
const confirmsAll = () => ok(Array.from({ length: 50 }, (_, i) => `2.25.${i + 1}`));
const uids = (n: number) => Array.from({ length: n }, (_, i) => `2.25.${i + 1}`);

test('posts multipart/related application/dicom to {root}/studies in batches', async () => {
  const { fn, calls } = fakeFetch([() => ok(['2.25.1', '2.25.2']), () => ok(['2.25.3', '2.25.4']), () => ok(['2.25.5'])]);
  const progress: number[] = [];
  const r = await stowInstances('http://127.0.0.1:9/dicom-web/', instances(5), {
    ...fast,
    fetch: fn,
    maxInstancesPerRequest: 2,
    onProgress: p => progress.push(p.done),
  });
  expect(r).toEqual({ accepted: 5, failed: 0, stored: uids(5), failures: [] });
  expect(calls.map(c => c.url)).toEqual(Array(3).fill('http://127.0.0.1:9/dicom-web/studies'));
  expect(calls[0].headers['Content-Type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
  expect(calls[0].headers.Authorization).toBeUndefined();
  expect(calls.map(partsOf)).toEqual([2, 2, 1]);
  expect(progress).toEqual([2, 4, 5]);
});

test('the body is exact multipart: part headers, the bytes, CRLF, closing boundary', () => {
  const body = new TextDecoder('latin1').decode(stowBody([{ sopInstanceUID: '1', bytes: new Uint8Array([65, 66]) }], 'B'));
  expect(body).toBe('--B\r\nContent-Type: application/dicom\r\n\r\nAB\r\n--B--\r\n');
});

test('batches also by bytes; a too-large instance goes alone', async () => {
  const { fn, calls } = fakeFetch([confirmsAll]);
  const r = await stowInstances('http://h/dw', instances(4), { ...fast, fetch: fn, maxBytesPerRequest: 250 });
  expect(r.accepted).toBe(4);
  expect(calls.map(partsOf)).toEqual([2, 2]);
  const big = await stowInstances('http://h/dw', instances(2), { ...fast, fetch: fakeFetch([confirmsAll]).fn, maxBytesPerRequest: 50 });
  expect(big.accepted).toBe(2);
});

test('sends the bearer token', async () => {
  const { fn, calls } = fakeFetch([() => ok(['2.25.1'])]);
  await stowInstances('https://pacs.example.test/dicomweb', instances(1), { fetch: fn, token: 's3cret' });
  expect(calls[0].headers.Authorization).toBe('Bearer s3cret');
});

test('retries 5xx and network errors with backoff, then succeeds', async () => {
  const { fn, calls } = fakeFetch([
    () => new Response('busy', { status: 503, statusText: 'Service Unavailable' }),
    () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }),
    () => ok(['2.25.1', '2.25.2']),
  ]);
  expect(await stowInstances('http://h/dw', instances(2), { ...fast, fetch: fn })).toEqual({ accepted: 2, failed: 0, stored: uids(2), failures: [] });
  expect(calls).toHaveLength(3);
});

test('retries 408 and 429 too', async () => {
  const { fn, calls } = fakeFetch([() => new Response('', { status: 408 }), () => new Response('', { status: 429 }), confirmsAll]);
  expect((await stowInstances('http://h/dw', instances(2), { ...fast, fetch: fn })).stored).toEqual(uids(2));
  expect(calls).toHaveLength(3);
});

test('a request that gets no answer in time is retried, and reported as a timeout when it never does', async () => {
  // a fetch that never answers unless aborted
  let calls = 0;
  const hang = (async (_url: string, init: RequestInit) => {
    calls++;
    if (calls === 3) return confirmsAll();
    return new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  }) as unknown as typeof fetch;
  const r = await stowInstances('http://h:1/dw', instances(2), { ...fast, fetch: hang, timeoutMs: 20 });
  expect([r.accepted, calls]).toEqual([2, 3]);
  calls = -100;
  const never = await stowInstances('http://h:1/dw', instances(1), { ...fast, fetch: hang, timeoutMs: 20, retries: 1 });
  expect(never.failures).toEqual([{ sopInstanceUID: '2.25.1', reason: 'no answer from h:1 within 20 ms; gave up after 2 attempts' }]);
});

test('a connection cut while the answer is read is retried, never taken as stored', async () => {
  const cut = () => {
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"0008'));
        c.error(Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } }));
      },
    });
    return new Response(body, { status: 200 });
  };
  const { fn, calls } = fakeFetch([cut, cut, confirmsAll]);
  expect((await stowInstances('http://h/dw', instances(2), { ...fast, fetch: fn })).stored).toEqual(uids(2));
  expect(calls).toHaveLength(3);
  const always = fakeFetch([cut]);
  const r = await stowInstances('http://h/dw', instances(1), { ...fast, fetch: always.fn, retries: 1 });
  expect(r).toEqual({ accepted: 0, failed: 1, stored: [], failures: [{ sopInstanceUID: '2.25.1', reason: 'could not reach h (UND_ERR_SOCKET); gave up after 2 attempts' }] });
});

test('a success answer that lists nothing confirms nothing', async () => {
  const { fn } = fakeFetch([() => new Response('', { status: 200 })]);
  const r = await stowInstances('http://h/dw', instances(2), { ...fast, fetch: fn });
  expect(r.accepted).toBe(0);
  expect(r.stored).toEqual([]);
  expect(r.failures[1]).toEqual({ sopInstanceUID: '2.25.2', reason: 'not confirmed: the server answered HTTP 200 without listing the instances it stored' });
});

test('gives up after the retries and says why, per instance', async () => {
  const { fn, calls } = fakeFetch([() => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })]);
  const r = await stowInstances('http://127.0.0.1:1/dw', instances(2), { ...fast, fetch: fn, retries: 2 });
  expect(calls).toHaveLength(3);
  expect(r.accepted).toBe(0);
  expect(r.failed).toBe(2);
  expect(r.failures[0]).toEqual({ sopInstanceUID: '2.25.1', reason: 'could not reach 127.0.0.1:1 (ECONNREFUSED); gave up after 3 attempts' });
});

test('reports partial failure from the response body (202 / 409), and unconfirmed instances', async () => {
  const body = {
    '00081199': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['2.25.1'] } }] },
    '00081198': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['2.25.2'] }, '00081197': { vr: 'US', Value: [0xa900] } }] },
  };
  const { fn } = fakeFetch([() => new Response(JSON.stringify(body), { status: 202 })]);
  const r = await stowInstances('http://h/dw', instances(3), { ...fast, fetch: fn });
  expect(r.accepted).toBe(1);
  expect(r.failed).toBe(2);
  expect(r.failures).toEqual([
    { sopInstanceUID: '2.25.2', reason: 'refused by the server: data set does not match SOP class (0xA900)' },
    { sopInstanceUID: '2.25.3', reason: 'not listed as stored by the server (HTTP 202)' },
  ]);
});

test('a 4xx without a body fails the batch without retrying; 401 mentions the token but never prints it', async () => {
  const { fn, calls } = fakeFetch([() => new Response('', { status: 401, statusText: 'Unauthorized' })]);
  const r = await stowInstances('http://h/dw', instances(2), { ...fast, fetch: fn, token: 's3cret' });
  expect(calls).toHaveLength(1);
  expect(r.failed).toBe(2);
  expect(r.failures[0].reason).toMatch(/not authorized by the server \(HTTP 401\): check the DICOMweb token/);
  expect(JSON.stringify(r)).not.toContain('s3cret');
  const bad = fakeFetch([() => new Response('Bad multipart', { status: 400, statusText: 'Bad Request' })]);
  const r2 = await stowInstances('http://h/dw', instances(1), { ...fast, fetch: bad.fn });
  expect(r2.failures[0].reason).toBe('refused by the server: HTTP 400 Bad Request: Bad multipart');
});

test('abort cancels, also during a backoff wait', async () => {
  const controller = new AbortController();
  const { fn } = fakeFetch([
    () => {
      controller.abort();
      return new Response('', { status: 503 });
    },
  ]);
  await expect(stowInstances('http://h/dw', instances(2), { backoffMs: 10_000, fetch: fn, signal: controller.signal })).rejects.toThrow(/cancelled/);
});

test('refuses URLs that are not http(s)', () => {
  expect(() => stowUrl('localhost:8042')).toThrow(/must be http or https|not a URL/);
  expect(() => stowUrl('ftp://h/x')).toThrow(/must be http or https/);
  expect(() => stowUrl('http://me:pa55@h:8042/dicom-web')).toThrow(/^the DICOMweb URL for h:8042 contains a user name or password: give a bearer token instead$/);
  expect(stowUrl('http://h:8042/dicom-web')).toBe('http://h:8042/dicom-web/studies');
});

test('in a page, a relative root resolves against the page address', () => {
  const g = globalThis as { location?: { href: string } };
  g.location = { href: 'https://viewer.example.test/imagestack/viewer?x=1' };
  try {
    expect(stowUrl('/dicom-web')).toBe('https://viewer.example.test/dicom-web/studies');
  } finally {
    delete g.location;
  }
  expect(() => stowUrl('/dicom-web')).toThrow(/not a URL/);
});

test('pulls instances from an async source', async () => {
  async function* source() {
    for (const i of instances(3)) yield i;
  }
  const { fn } = fakeFetch([confirmsAll]);
  expect((await stowInstances('http://h/dw', source(), { fetch: fn })).accepted).toBe(3);
});
