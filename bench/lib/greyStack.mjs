// A generated 8-bit grey BMP stack for the pipeline benchmark (never committed): a wavy
// ellipsoid "organ" (grey ≈ 200) with an enclosed cavity and a separate small blob, in a
// background of ≈ 40, with ±20 of noise that never crosses the benchmark's threshold (128).
import fs from 'node:fs';
import path from 'node:path';

/** An 8-bit bottom-up BMP with a grey palette; `grey(i, j)` gives row j (top-down) column i. */
export function bmp8(width, height, fillRow) {
  const stride = Math.ceil(width / 4) * 4;
  const off = 54 + 1024;
  const file = new Uint8Array(off + stride * height);
  const dv = new DataView(file.buffer);
  dv.setUint8(0, 0x42);
  dv.setUint8(1, 0x4d);
  dv.setUint32(2, file.length, true);
  dv.setUint32(10, off, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 8, true);
  dv.setUint32(34, stride * height, true);
  dv.setUint32(46, 256, true);
  for (let i = 0; i < 256; i++) file.set([i, i, i, 0], 54 + i * 4);
  for (let j = 0; j < height; j++) fillRow(j, file.subarray(off + (height - 1 - j) * stride, off + (height - 1 - j) * stride + width));
  return file;
}

/** Grey slice k of an nx × ny × nz phantom into `out` (nx × ny, row-major, top row first). */
export function phantomSlice(k, nx, ny, nz, out) {
  const cx = nx / 2, cy = ny / 2, cz = nz / 2;
  const rx = nx * 0.4, ry = ny * 0.36, rz = nz * 0.4;
  let s = (k * 2654435761) >>> 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = (i - cx) / rx, y = (j - cy) / ry, z = (k - cz) / rz;
      const wobble = 0.04 * Math.sin(i * 0.11) * Math.cos(j * 0.07 + k * 0.05);
      const r2 = x * x + y * y + z * z;
      let inside = r2 <= 1 + wobble && r2 >= 0.12; // shell with an enclosed cavity
      const bx = (i - nx * 0.88) / (nx * 0.06), by = (j - ny * 0.12) / (ny * 0.06), bz = (k - nz * 0.85) / (nz * 0.08);
      if (bx * bx + by * by + bz * bz <= 1) inside = true; // a separate small part
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i + nx * j] = (inside ? 190 : 40) + (s >>> 27); // + 0..31
    }
  }
  return out;
}

/** Writes the phantom as `slice_0000.bmp`… into `dir` (created); returns the file count. */
export function writePhantomStack(dir, [nx, ny, nz]) {
  fs.mkdirSync(dir, { recursive: true });
  const slice = new Uint8Array(nx * ny);
  for (let k = 0; k < nz; k++) {
    phantomSlice(k, nx, ny, nz, slice);
    fs.writeFileSync(path.join(dir, `slice_${String(k).padStart(4, '0')}.bmp`), bmp8(nx, ny, (j, row) => row.set(slice.subarray(j * nx, (j + 1) * nx))));
  }
  return nz;
}
