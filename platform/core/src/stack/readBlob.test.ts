import { createReadBuffers, readBlobIntoBuffer, type StreamableBlob } from './readBlob';

const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

/** A blob whose byte stream gives `content` in chunks of `chunk` bytes while claiming `size`. */
function lyingBlob(content: Uint8Array, size: number, chunk = 1000): StreamableBlob & { closed: () => boolean } {
  let closed = false;
  return {
    size,
    closed: () => closed,
    stream() {
      let at = 0;
      return new ReadableStream({
        type: 'bytes',
        pull(c) {
          if (at >= content.length) {
            closed = true;
            c.close();
            c.byobRequest?.respond(0);
            return;
          }
          const part = content.subarray(at, Math.min(content.length, at + chunk));
          at += part.length;
          c.enqueue(part.slice());
        },
        cancel() {
          closed = true;
        },
      }) as unknown as ReturnType<StreamableBlob['stream']>;
    },
  };
}

test('a Blob read into a spare buffer: exactly its bytes, the buffer read into again for the next file', async () => {
  const buffers = createReadBuffers(4);
  const a = bytesOf(70_000, 1);
  const b = bytesOf(50_000, 2);
  const ra = (await readBlobIntoBuffer(new Blob([a]), buffers))!;
  expect(Buffer.from(ra).equals(Buffer.from(a))).toBe(true);
  const bufferA = ra.buffer;
  buffers.give(ra.buffer as ArrayBuffer);
  // the smaller file goes into the larger spare: a view of its own length at the start
  const rb = (await readBlobIntoBuffer(new Blob([b]), buffers))!;
  expect(rb.byteOffset).toBe(0);
  expect(rb.byteLength).toBe(50_000);
  expect(rb.buffer.byteLength).toBe(70_000);
  expect(Buffer.from(rb).equals(Buffer.from(b))).toBe(true);
  // the same memory (reads transfer the buffer: the old object is detached, its successor is in the view)
  expect(bufferA.byteLength).toBe(0);
});

test('the stream is read to its end, so it is closed', async () => {
  const content = bytesOf(5000, 3);
  const blob = lyingBlob(content, 5000, 700);
  const got = await readBlobIntoBuffer(blob, createReadBuffers(1));
  expect(Buffer.from(got!).equals(Buffer.from(content))).toBe(true);
  expect(blob.closed()).toBe(true);
});

test('a file shorter or longer than its size is an error, not bytes passed off as the file', async () => {
  const content = bytesOf(5000, 4);
  await expect(readBlobIntoBuffer(lyingBlob(content, 6000), createReadBuffers(1))).rejects.toThrow('the file ended after 5000 of its 6000 bytes: was it changed while being read?');
  await expect(readBlobIntoBuffer(lyingBlob(content, 4000), createReadBuffers(1))).rejects.toThrow('the file is longer than its 4000 bytes: was it changed while being read?');
});

test('an empty file reads as no bytes', async () => {
  const got = await readBlobIntoBuffer(new Blob([]), createReadBuffers(1));
  expect(got!.byteLength).toBe(0);
});

test('a stream that is not a byte stream: null (read it another way)', async () => {
  const blob = { size: 3, stream: () => new ReadableStream({ start: c => c.enqueue(new Uint8Array(3)) }) } as unknown as StreamableBlob;
  expect(await readBlobIntoBuffer(blob, createReadBuffers(1))).toBeNull();
});

test('spare buffers: the smallest that fits is taken, at most `keep` are kept (the largest)', () => {
  const buffers = createReadBuffers(2);
  const [s, m, l] = [new ArrayBuffer(10), new ArrayBuffer(20), new ArrayBuffer(30)];
  buffers.give(m);
  buffers.give(s);
  buffers.give(l); // three given, two kept: 30 and 20
  expect(buffers.take(5)).toBe(m);
  expect(buffers.take(5)).toBe(l);
  expect(buffers.take(5).byteLength).toBe(5); // none left: a new one
  buffers.give(new ArrayBuffer(0)); // a detached buffer is not kept
  expect(buffers.take(0).byteLength).toBe(1);
});
