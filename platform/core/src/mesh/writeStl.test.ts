import { formatFloat32, writeObj, writeStlAscii, writeStlBinary } from './writeStl';
import type { Mesh } from './types';

// One triangle in the z = 0.5 plane, (0,0) → (0,−1.25) → (2,0): counter-clockwise seen from +z, so the normal is (0, 0, 1).
const one: Mesh = { positions: Float32Array.of(0, 0, 0.5, 2, 0, 0.5, 0, -1.25, 0.5), triangles: Uint32Array.of(0, 2, 1) };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('binary STL: known-good bytes, 84 + 50·n, little-endian, header names units and frame', () => {
  const bytes = writeStlBinary(one, { frame: 'RAS' });
  expect(bytes.length).toBe(84 + 50);
  const header = 'ImageStack surface; units mm; frame RAS'.padEnd(80, ' ');
  expect(Buffer.from(bytes.subarray(0, 80)).toString('latin1')).toBe(header);
  expect(hex(bytes.subarray(80))).toBe(
    '01000000' + // count
      '00000000' + '00000000' + '0000803f' + // normal 0, 0, 1
      '00000000' + '00000000' + '0000003f' + // 0, 0, 0.5
      '00000000' + '0000a0bf' + '0000003f' + // 0, -1.25, 0.5
      '00000040' + '00000000' + '0000003f' + // 2, 0, 0.5
      '0000', // attribute
  );
});

test('binary STL header never starts with "solid"; LPS is the default frame', () => {
  const text = Buffer.from(writeStlBinary(one).subarray(0, 80)).toString('latin1');
  expect(text.startsWith('solid')).toBe(false);
  expect(text).toContain('frame LPS');
});

test('ASCII STL: known-good text', () => {
  expect(writeStlAscii(one, { name: 'airway' })).toBe(
    'solid airway ImageStack surface; units mm; frame LPS\n' +
      'facet normal 0 0 1\n' +
      ' outer loop\n' +
      '  vertex 0 0 0.5\n' +
      '  vertex 0 -1.25 0.5\n' +
      '  vertex 2 0 0.5\n' +
      ' endloop\n' +
      'endfacet\n' +
      'endsolid airway\n',
  );
});

test('OBJ: shared vertices, 1-based faces, units and frame in a comment', () => {
  expect(writeObj(one, { frame: 'RAS' })).toBe(
    '# ImageStack surface; units mm; frame RAS\no imagestack\nv 0 0 0.5\nv 2 0 0.5\nv 0 -1.25 0.5\nf 1 3 2\n',
  );
});

test('float text reads back to the same float32', () => {
  for (const x of [0.1, -123.456789, 1e-7, 3.4e38, 512.25]) {
    expect(Math.fround(Number(formatFloat32(x)))).toBe(Math.fround(x));
  }
  expect(formatFloat32(0.1)).toBe('0.1');
});

test('writers refuse a triangle naming a missing vertex', () => {
  const bad: Mesh = { positions: new Float32Array(6), triangles: Uint32Array.of(0, 1, 2) };
  expect(() => writeStlBinary(bad)).toThrow(/writeStlBinary: triangle 0 names vertex 2 of 2/);
});
