import { isImageStackError } from '../errors';
import { meshMeasures, meshTopology } from './meshStats';
import { readMesh, readObj, readStl } from './readMesh';
import type { Mesh } from './types';
import { writeObj, writeStlAscii, writeStlBinary } from './writeStl';

// A unit tetrahedron, outward: volume 1/6 mm³.
const TETRA: Mesh = {
  positions: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
  triangles: Uint32Array.from([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};

/** Binary STL bytes written by hand (header, count, per facet: normal, 3 corners, attribute). */
function handStl(facets: number[][]): Uint8Array {
  const b = new Uint8Array(84 + 50 * facets.length);
  const v = new DataView(b.buffer);
  b.set(new TextEncoder().encode('solid but binary: some exporters start the header like this'), 0);
  v.setUint32(80, facets.length, true);
  facets.forEach((f, t) => f.forEach((x, k) => v.setFloat32(84 + 50 * t + 4 * k, x, true)));
  return b;
}

test('binary STL from known bytes: corners welded, winding kept, header "solid…" not taken for ASCII', () => {
  const bytes = handStl([
    [0, 0, -1, 0, 0, 0, 0, 1, 0, 1, 0, 0],
    [0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    [-1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0],
    [1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1],
  ]);
  const m = readMesh(bytes, 'tetra.stl');
  expect(Array.from(m.positions)).toEqual([0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]);
  expect(Array.from(m.triangles)).toEqual([0, 1, 2, 0, 2, 3, 0, 3, 1, 2, 1, 3]);
  expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true });
  expect(meshMeasures(m).volume_mL * 1000).toBeCloseTo(1 / 6, 6);
});

test('our binary and ASCII STL and OBJ writers read back to the same mesh', () => {
  for (const [bytes, name] of [
    [writeStlBinary(TETRA), 'a.stl'],
    [new TextEncoder().encode(writeStlAscii(TETRA)), 'a.stl'],
    [new TextEncoder().encode(writeObj(TETRA)), 'a.obj'],
    [writeStlBinary(TETRA), 'no-extension'],
    [new TextEncoder().encode(writeObj(TETRA)), 'no-extension'],
  ] as const) {
    const m = readMesh(bytes, name);
    expect(m.triangles.length).toBe(12);
    expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true });
    expect(meshMeasures(m).volume_mL * 1000).toBeCloseTo(1 / 6, 6);
  }
});

test('ASCII STL with several solids, exponents, CRLF; OBJ quads, negative and v/t/n indices', () => {
  const ascii =
    'solid one\r\nfacet normal 0 0 1\r\n outer loop\r\n  vertex 0 0 0\r\n  vertex 1e0 0 0\r\n  vertex 0 1.0E+00 0\r\n endloop\r\nendfacet\r\nendsolid one\r\n' +
    'solid two\nfacet normal 0 0 1\nouter loop\nvertex 1 0 0\nvertex 1 1 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid two\n';
  const s = readStl(new TextEncoder().encode(ascii));
  expect(s.positions.length).toBe(12); // the two triangles share an edge
  expect(Array.from(s.triangles)).toEqual([0, 1, 2, 1, 3, 2]);
  const obj = '# a square\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvn 0 0 1\ng sq\nf 1/1/1 2/1/1 3//1 4\nf -4 -2 -1\n';
  const o = readObj(obj);
  expect(Array.from(o.triangles)).toEqual([0, 1, 2, 0, 2, 3, 0, 2, 3]);
});

test('bad files: truncated binary, garbage, OBJ face naming a missing vertex; the error names the file', () => {
  const bytes = writeStlBinary(TETRA).subarray(0, 150);
  const expectError = (f: () => unknown, code: string, re: RegExp) => {
    try {
      f();
      throw new Error('no error');
    } catch (e) {
      expect(isImageStackError(e)).toBe(true);
      expect((e as { code: string }).code).toBe(code);
      expect((e as Error).message).toMatch(re);
    }
  };
  expectError(() => readMesh(bytes, 'cut.stl'), 'corrupt', /^cut\.stl: .*4 triangles is 284 bytes, this file has 150/);
  expectError(() => readMesh(new Uint8Array(10), 'tiny.stl'), 'unsupported-format', /^tiny\.stl: not an STL/);
  expectError(() => readMesh(new TextEncoder().encode('v 0 0 0\nf 1 2 3\n'), 'bad.obj'), 'corrupt', /^bad\.obj: OBJ line 2: face corner "2"/);
  expectError(() => readMesh(new TextEncoder().encode('solid x\nfacet\nouter loop\nvertex 0 0 zero\n'), 'x.stl'), 'corrupt', /line 4/);
});
