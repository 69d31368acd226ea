// The file reader reads whole files into one reused buffer, or into the memory a caller offers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileReader } from './fileReader';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imagestack-reader-'));
  writeFileSync(join(dir, 'a'), Uint8Array.from({ length: 3000 }, (_, i) => i % 251));
  writeFileSync(join(dir, 'b'), Uint8Array.from({ length: 100 }, (_, i) => 255 - i));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('whole files, each valid until the next read, in one reused buffer', async () => {
  const read = createFileReader();
  const a = await read(join(dir, 'a'));
  expect(a.length).toBe(3000);
  expect(a[2999]).toBe(2999 % 251);
  const b = await read(join(dir, 'b'));
  expect(Array.from(b.subarray(0, 3))).toEqual([255, 254, 253]);
  expect(b.buffer).toBe(a.buffer); // reused: no fresh buffer (and its pages) per file
});

test('into(size): the bytes land in the memory offered, exactly the file; null there: its own buffer', async () => {
  const memory = new Uint8Array(8192);
  const sizes: number[] = [];
  const read = createFileReader(size => {
    sizes.push(size);
    return size > 1000 ? memory.subarray(0, size) : null;
  });
  const a = await read(join(dir, 'a'));
  expect(a.buffer).toBe(memory.buffer);
  expect(a.byteOffset).toBe(0);
  expect(a.length).toBe(3000);
  expect(memory[1234]).toBe(1234 % 251);
  const b = await read(join(dir, 'b'));
  expect(b.buffer).not.toBe(memory.buffer);
  expect(b.length).toBe(100);
  expect(b[99]).toBe(156);
  expect(sizes).toEqual([3000, 100]);
  await expect(read(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
});
