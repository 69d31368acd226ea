// Reading a File or Blob into a buffer that is used again for the next file, instead of the
// fresh ArrayBuffer File.arrayBuffer() makes each time.
//
// Why: on the 2 GB captures (330 files of 6.2 MB, two Web Workers, eight reads each at once)
// arrayBuffer() took 2.5-2.8 s and a BYOB read into reused buffers 1.7-1.8 s (Chromium 156,
// 2-core VM, three alternating rounds, 2026-12-04): a fresh multi-megabyte buffer per file is
// page faults and zeroing the reading threads pay for, and garbage the worker's V8 holds.
//
// The stream is read to its end (the read after the last byte says done), which closes it,
// rather than only releasing the reader with the stream left open (a loop that did that, in an
// earlier try, stopped delivering after some 320 files in the viewer; why was not found).

/** A File or Blob (or anything shaped like one) whose bytes can be streamed. */
export interface StreamableBlob {
  readonly size: number;
  stream(): { getReader(options: { mode: 'byob' }): ByobReader };
}

/** What we use of a ReadableStreamBYOBReader. */
export interface ByobReader {
  read(view: Uint8Array): Promise<{ value?: Uint8Array; done: boolean }>;
  releaseLock(): void;
  cancel(reason?: unknown): Promise<void>;
}

/** Spare buffers to read into: `take` one of at least n bytes, `give` one back when its bytes are no longer used. */
export interface ReadBuffers {
  take(bytes: number): ArrayBuffer;
  give(buffer: ArrayBuffer): void;
}

/**
 * At most `keep` spare buffers (the largest are kept). A decoder needs as many as it holds
 * files at once: the decodes in flight and the last file read.
 */
export function createReadBuffers(keep: number): ReadBuffers {
  const spare: ArrayBuffer[] = [];
  return {
    take(bytes) {
      // the smallest spare that fits, so a large one stays for a large file
      let best = -1;
      for (let i = 0; i < spare.length; i++) if (spare[i].byteLength >= bytes && (best < 0 || spare[i].byteLength < spare[best].byteLength)) best = i;
      if (best >= 0) return spare.splice(best, 1)[0];
      return new ArrayBuffer(Math.max(1, bytes));
    },
    give(buffer) {
      if (buffer.byteLength === 0) return; // detached: nothing to keep
      spare.push(buffer);
      if (spare.length > keep) {
        spare.sort((a, b) => b.byteLength - a.byteLength);
        spare.length = keep;
      }
    },
  };
}

/** The blob can be read with a BYOB reader (a byte stream): Chromium's and Node's Blob.stream() are. */
export function canReadIntoBuffer(source: unknown): source is StreamableBlob {
  const b = source as Partial<StreamableBlob> | null;
  return !!b && typeof b === 'object' && typeof b.size === 'number' && typeof b.stream === 'function';
}

/**
 * The blob's bytes, read into a buffer from `buffers`: a view of exactly `blob.size` bytes at
 * the start of the buffer (which may be longer). Give `view.buffer` back to `buffers` when
 * the bytes are no longer needed. null when the blob's stream is not a byte stream (read it
 * some other way). Throws when the blob's length differs from its size (the file changed
 * while it was read).
 */
export async function readBlobIntoBuffer(blob: StreamableBlob, buffers: ReadBuffers): Promise<Uint8Array | null> {
  const size = blob.size;
  let reader: ByobReader;
  try {
    reader = blob.stream().getReader({ mode: 'byob' });
  } catch {
    return null; // not a byte stream
  }
  // Each read transfers the buffer: the one to go on with is the view's that came back.
  let buffer = buffers.take(size);
  let got = 0;
  try {
    while (got < size) {
      const { value, done } = await reader.read(new Uint8Array(buffer, got, size - got));
      if (!value) throw new Error('the read gave no bytes');
      buffer = value.buffer as ArrayBuffer;
      if (done) throw new Error(`the file ended after ${got} of its ${size} bytes: was it changed while being read?`);
      got += value.byteLength;
    }
    // One more read, to be told the stream is done (and so closed).
    const end = await reader.read(new Uint8Array(buffer, 0, 1));
    if (!end.value) throw new Error('the read gave no bytes');
    buffer = end.value.buffer as ArrayBuffer;
    if (!end.done) throw new Error(`the file is longer than its ${size} bytes: was it changed while being read?`);
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    reader.releaseLock();
  }
  return new Uint8Array(buffer, 0, size);
}
