// Bench fixtures: 24-bit and RLE8 BMPs built in memory (no ImageMagick needed to benchmark).

/** A 24-bit bottom-up BMP (v3 header) of a ramp with noise and a coloured corner, like a screen capture. */
export function make24(width, height, seed) {
  const stride = Math.ceil((24 * width) / 32) * 4;
  const file = new Uint8Array(54 + stride * height);
  const dv = new DataView(file.buffer);
  header(dv, file.length, 54, width, height, 24, 0, stride * height, 0);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const o = 54 + y * stride + x * 3;
      const v = ((x + y + seed) & 255) ^ (s >>> 29);
      file[o] = v;
      file[o + 1] = x < 100 && y < 60 ? 255 - v : v;
      file[o + 2] = v;
    }
  }
  return file;
}

/** An RLE8 BMP: runs of 1–40 pixels with short absolute stretches, a grey palette. */
export function makeRle8(width, height, seed) {
  const bytes = [];
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let y = 0; y < height; y++) {
    let x = 0;
    while (x < width) {
      if (rnd() < 0.2 && width - x >= 6) {
        const n = Math.min(width - x, 3 + Math.floor(rnd() * 20));
        bytes.push(0, n);
        for (let i = 0; i < n; i++) bytes.push(Math.floor(rnd() * 256));
        if (n & 1) bytes.push(0);
        x += n;
      } else {
        const n = Math.min(width - x, 1 + Math.floor(rnd() * 40));
        bytes.push(n, Math.floor(rnd() * 256));
        x += n;
      }
    }
    bytes.push(0, 0);
  }
  bytes.push(0, 1);
  const off = 54 + 1024;
  const file = new Uint8Array(off + bytes.length);
  const dv = new DataView(file.buffer);
  header(dv, file.length, off, width, height, 8, 1, bytes.length, 256);
  for (let i = 0; i < 256; i++) file.set([i, i, i, 0], 54 + i * 4);
  file.set(bytes, off);
  return file;
}

function header(dv, fileSize, offset, width, height, bits, compression, imageSize, colours) {
  dv.setUint8(0, 0x42);
  dv.setUint8(1, 0x4d);
  dv.setUint32(2, fileSize, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, bits, true);
  dv.setUint32(30, compression, true);
  dv.setUint32(34, imageSize, true);
  dv.setUint32(46, colours, true);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ms of `fn` over `runs` runs after `warm` warm-up runs. */
export function time(fn, runs = 25, warm = 5) {
  for (let i = 0; i < warm; i++) fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ts);
}

export function loadAverage() {
  return import('node:os').then(os => os.loadavg().map(x => Math.round(x * 100) / 100));
}
