// The growables keep every element through growth, on a WebAssembly memory (grown in place)
// and, where none can be made or grown, on plain arrays that double.
import { GrowableFloat32, GrowableUint32 } from './growable';

/** Appends 0..n−1 in uneven reservations, as the marching cubes do (a row's room, then its writes). */
function fill(g: GrowableUint32 | GrowableFloat32, n: number): void {
  for (let i = 0; i < n; ) {
    const room = 1 + ((i * 7919) % 5000);
    g.reserve(room);
    const d = g.data; // (a new view after growth: read it after reserving)
    for (let j = 0; j < room && i < n; j++, i++) d[g.length++] = i;
  }
}

const expectSequence = (a: Float32Array | Uint32Array, n: number) => {
  expect(a.length).toBe(n);
  let wrong = 0;
  for (let i = 0; i < n; i++) if (a[i] !== i) wrong++;
  expect(wrong).toBe(0);
};

test('on a WebAssembly memory: growth keeps the elements in place, and trimmed() is an exact-size plain copy', () => {
  const g = new GrowableUint32();
  expect(g.data.buffer.constructor).not.toBe(SharedArrayBuffer);
  const firstBuffer = g.data.buffer;
  fill(g, 3_000_000);
  expect(g.data.buffer).not.toBe(firstBuffer); // it grew
  expect(firstBuffer.byteLength).toBe(0); // the memory's old buffer, detached: grown, not copied
  const t = g.trimmed();
  expectSequence(t, 3_000_000);
  expect(t.buffer.byteLength).toBe(4 * 3_000_000);
  const f = new GrowableFloat32();
  fill(f, 1_000_000);
  expectSequence(f.trimmed(), 1_000_000);
});

test('where the engine refuses a memory, or refuses to grow one, the arrays double and keep every element', () => {
  const spy = jest.spyOn(WebAssembly, 'Memory').mockImplementation(() => {
    throw new RangeError('out of memory');
  });
  try {
    const g = new GrowableUint32();
    fill(g, 500_000);
    expectSequence(g.trimmed(), 500_000);
  } finally {
    spy.mockRestore();
  }
  const grown = new GrowableFloat32();
  fill(grown, 100_000);
  const memory = (grown as unknown as { memory: WebAssembly.Memory }).memory;
  const grow = jest.spyOn(memory, 'grow').mockImplementation(() => {
    throw new RangeError('could not grow');
  });
  fill(grown, 900_000); // 100,000 more each 0..n: the first 100,000 stay as written
  grow.mockRestore();
  const t = grown.trimmed();
  expect(t.length).toBe(1_000_000);
  expectSequence(t.subarray(0, 100_000), 100_000);
  expect(t[100_000]).toBe(0);
  expect(t[999_999]).toBe(899_999);
});
