// Node only: read whole files into one reused buffer, synchronously. In a decode worker a
// blocking read is what we want: the worker has nothing else to do, and the libuv thread pool
// (shared by every worker of the process) is not involved. Fresh multi-megabyte buffers per
// slice cost page faults, and page faults of threads in one process serialise on the
// kernel's memory-map lock: with a fresh buffer per file, two decode workers ran no faster
// than one.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DecodeSource, SourceReader } from '../decodeSlice';

/**
 * A SourceReader for file paths that reuses its buffer (or reads into `into(size)`'s, a
 * kernel's memory that reads the bytes where they are): the bytes it returns are valid until
 * the next read. (Decoders copy what they keep, so a slice never aliases the buffer.) Safe
 * with several requests in flight because the read is synchronous and the decoder decodes
 * right after its one await (a microtask), before the next message can be handled.
 */
export function createFileReader(into?: (bytes: number) => Uint8Array | null): SourceReader {
  let own = new Uint8Array(0);
  return async (source: DecodeSource) => {
    if (typeof source !== 'string') throw new Error('this reader reads file paths only');
    const fd = openSync(source, 'r');
    try {
      const { size } = fstatSync(fd);
      let buf = into?.(size) ?? own;
      if (buf.length < size) buf = own = new Uint8Array(Math.max(size, Math.ceil(own.length * 1.25)));
      let got = 0;
      while (got < size) {
        const n = readSync(fd, buf, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  };
}
