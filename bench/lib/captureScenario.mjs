// The seed's case, generated on the fly: screen captures of a scanner's viewer as 24-bit BMPs
// (1920 × 1080 by default; a grey phantom in the middle, coloured screen chrome around it),
// cropped to the image area, converted to DICOM and meshed by the CLI as whole processes.
// Measures each process's peak RSS (every thread's) and wall time beside the anchors of the same
// run: the 8-bit grey volume after the crop (the memory budget is 1.5 × it + 200 MB), `cat` of
// the same files from a warm page cache (the time budget is 3 × it) and, for convert, writing as
// many bytes as it wrote (how much of its time the disk takes). Everything is written to a
// temp folder and removed after. Used by `npm run bench -- --scenario 2gb` (330 slices, ~2 GB)
// and by a jest test (a ~200 MB version; it asserts memory, never time).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// the installed command's launcher, as `npx imagestack` runs it (it starts mesh threads early)
const cli = path.join(here, '../../platform/cli/bin/imagestack.js');
const MB = 1e6;

/** A 24-bit bottom-up BMP whose rows `fillRow(y, bgrRow)` fills, top row first. */
export function bmp24(width, height, fillRow) {
  const stride = Math.ceil((3 * width) / 4) * 4;
  const file = Buffer.alloc(54 + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) fillRow(y, file.subarray(54 + (height - 1 - y) * stride, 54 + (height - 1 - y) * stride + 3 * width));
  return file;
}

/** Writes the capture stack; returns its total bytes. */
export function writeCaptureStack(dir, { width, height, slices, crop }) {
  fs.mkdirSync(dir, { recursive: true });
  const [cx0, cy0, cw, ch] = crop;
  let total = 0;
  const row = new Uint8Array(3 * width);
  for (let k = 0; k < slices; k++) {
    // A body (soft tissue, 100, below the threshold) around a bony ring (220) whose centre and
    // radii drift slowly along the stack, with an airway (20) inside it: the surface above the
    // threshold is a tube, its size proportional to the slice count, as a real scan's would be.
    const ox = cx0 + cw / 2 + 40 * Math.sin(k * 0.02);
    const oy = cy0 + ch / 2 + 30 * Math.cos(k * 0.015);
    const rOut = 120 + 15 * Math.sin(k * 0.03);
    const rIn = 0.75 * rOut;
    const file = bmp24(width, height, (y, out) => {
      // Screen chrome: a coloured title bar and side panel outside the crop.
      if (y < cy0 || y >= cy0 + ch) {
        for (let x = 0; x < width; x++) out.set([40, 90, 160], 3 * x);
        return;
      }
      const dy = y - oy;
      const by = (y - cy0 - ch / 2) / (ch * 0.45);
      for (let x = 0; x < width; x++) {
        if (x < cx0 || x >= cx0 + cw) {
          row[3 * x] = 200; row[3 * x + 1] = 120; row[3 * x + 2] = 30;
          continue;
        }
        const dx = x - ox;
        const r = Math.sqrt(dx * dx + dy * dy) * (1 + 0.02 * Math.sin(Math.atan2(dy, dx) * 6 + k * 0.1));
        const bx = (x - cx0 - cw / 2) / (cw * 0.45);
        const v = r < rIn * 0.6 ? 20 : r < rIn ? 100 : r < rOut ? 220 : bx * bx + by * by < 1 ? 100 : 10;
        row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = v + ((x * 7 + y * 3 + k) & 15);
      }
      out.set(row);
    });
    fs.writeFileSync(path.join(dir, `IMG${String(k + 1).padStart(4, '0')}.bmp`), file);
    total += file.length;
  }
  // On disk before anything is measured: otherwise the kernel writes the 2 GB back while the
  // first commands run (2026-12-04: the browser's first read of them 3.97 s, the second 2.82 s).
  for (const name of fs.readdirSync(dir)) {
    const fd = fs.openSync(path.join(dir, name), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  return total;
}

function runCli(args, tmp) {
  const rssFile = path.join(tmp, 'rss.txt');
  fs.rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', path.join(here, 'rssReporter.cjs'), cli, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IMAGESTACK_RSS_FILE: rssFile },
    maxBuffer: 1 << 26,
  });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`imagestack ${args[0]} failed (exit ${r.status}): ${r.stderr.slice(-1500)}`);
  return { s: +s.toFixed(2), peakRssMB: Math.round((Number(fs.readFileSync(rssFile, 'utf8')) * 1024) / MB) };
}

function catSeconds(dir) {
  const files = fs.readdirSync(dir).map(f => path.join(dir, f));
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...files], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('cat failed');
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return +best.toFixed(2);
}

/** Bytes and file count of the files in `dir`. */
function folderBytes(dir) {
  const names = fs.readdirSync(dir);
  return { files: names.length, bytes: names.reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0) };
}

/**
 * The disk's share of convert: the same number of files of the same total size, written into a
 * fresh folder from one reused buffer (no encoding, no allocation per file) in writes of 512 KiB,
 * as convert and fs.writeFile write (one write of a whole 3 MB file is about twice as slow here:
 * the page cache then takes 2 MB folios, which this VM's host backs anew), then removed. The
 * floor for writing what convert writes.
 */
function writeSeconds(dir, { files, bytes }) {
  fs.mkdirSync(dir);
  try {
    const size = Math.ceil(bytes / files);
    const buffer = Buffer.alloc(size, 1);
    const piece = 512 * 1024;
    const t0 = performance.now();
    for (let i = 0; i < files; i++) {
      const fd = fs.openSync(path.join(dir, `anchor${i}.bin`), 'w');
      try {
        for (let at = 0; at < size; ) at += fs.writeSync(fd, buffer, at, Math.min(piece, size - at), at);
      } finally {
        fs.closeSync(fd);
      }
    }
    return +((performance.now() - t0) / 1000).toFixed(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Generate, measure, clean up. Returns the JSON the bench prints: sizes, anchors, per command
 * seconds and peak RSS, and the ratios to the budgets (≤ 1 is within).
 */
export function runCaptureScenario({ width = 1920, height = 1080, slices = 330, crop = [210, 40, 1500, 1000], commands = ['convert', 'mesh', 'meshSmooth'], log = () => {} } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-captures-'));
  try {
    const dir = path.join(tmp, 'captures');
    let t0 = performance.now();
    const bytes = writeCaptureStack(dir, { width, height, slices, crop });
    log(`wrote ${slices} captures, ${Math.round(bytes / MB)} MB, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const greyBytes = crop[2] * crop[3] * slices;
    const budgetMB = (1.5 * greyBytes) / MB + 200;
    const cat = catSeconds(dir);
    log(`cat (warm): ${cat} s`);
    const geometry = ['--spacing', '0.5', '--slice-spacing', '1', '--crop', crop.join(',')];
    const out = { stack: { files: slices, width, height, bitDepth: 24, megabytes: Math.round(bytes / MB), crop, greyVolumeMB: Math.round(greyBytes / MB) }, anchors: { catWarmS: cat, memoryBudgetMB: Math.round(budgetMB), timeBudgetS: +(3 * cat).toFixed(2) }, runs: {}, loadAverage: os.loadavg().map(x => +x.toFixed(2)) };
    const jobs = {
      convert: () => ['convert', dir, ...geometry, '--out', path.join(tmp, `dicom-${Date.now()}`)],
      mesh: () => ['mesh', dir, ...geometry, '--threshold', '128', '--stl', path.join(tmp, 'model.stl')],
      meshSmooth: () => ['mesh', dir, ...geometry, '--threshold', '128', '--smooth', '20', '--stl', path.join(tmp, 'model.stl')],
    };
    for (const name of commands) {
      // Each command's own anchor: cat of the same files just before it (load drifts).
      const catBefore = catSeconds(dir);
      const args = jobs[name]();
      const r = runCli(args, tmp);
      const written = name === 'convert' ? folderBytes(args[args.indexOf('--out') + 1]) : null;
      fs.rmSync(path.join(tmp, 'model.stl'), { force: true });
      for (const d of fs.readdirSync(tmp)) if (d.startsWith('dicom-')) fs.rmSync(path.join(tmp, d), { recursive: true, force: true });
      // convert's second anchor, right after it: writing as many bytes into as many files
      const write = written && { ...written, megabytes: Math.round(written.bytes / MB), writeS: writeSeconds(path.join(tmp, 'write-anchor'), written) };
      out.runs[name] = {
        ...r,
        catWarmBeforeS: catBefore,
        memoryRatio: +(r.peakRssMB / budgetMB).toFixed(2),
        timeRatio: +(r.s / (3 * catBefore)).toFixed(2),
        ...(write ? { writeAnchor: write, ioRatio: +(r.s / (catBefore + write.writeS)).toFixed(2) } : {}),
        load1m: +os.loadavg()[0].toFixed(2),
      };
      log(`${name}: ${r.s} s, ${r.peakRssMB} MB peak RSS${write ? `; writing ${write.megabytes} MB in ${write.files} files alone: ${write.writeS} s` : ''}`);
    }
    out.note =
      'memoryRatio = peak RSS / (1.5 × grey volume + 200 MB), timeRatio = seconds / (3 × cat of the same files from a warm cache, measured just before that command): ≤ 1 is within the budget (the target of issue #14, for convert and mesh alike). ' +
      "convert only: writeAnchor = writing the bytes convert wrote (as many files, the same total, from one reused buffer in 512 KiB writes), just after it; ioRatio = seconds / (cat + writeAnchor.writeS): convert's time against reading its input and writing its output alone (1 = no time beyond the disk's; it says how much of timeRatio is the disk, and is not itself a budget)";
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
