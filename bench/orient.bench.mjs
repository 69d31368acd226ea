// Flip/rotate of one 1920 × 1080 8-bit slice (core's orientSlice, run per slice in the decode
// step when the import turns slices) against a plain copy of the same bytes (TypedArray.set),
// alternating in the same run; the ruler tick fit on a 680 × 620 capture. Prints one JSON
// object with the load average. Run after `npx tsc -b`: `npm run bench -- orient`.
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);
const core = require('../platform/core/dist/index.js');
const { seededRandom, syntheticRuler } = require('../platform/core/dist/geometry/testing/syntheticRuler.js');

const W = 1920;
const H = 1080;
const src = new Uint8Array(W * H);
for (let i = 0; i < src.length; i++) src[i] = (i * 7) & 255;
const dst = new Uint8Array(W * H);
const loadBefore = os.loadavg()[0];

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}
const cases = [
  ['copy (anchor)', () => dst.set(src)],
  ['flip rows', () => core.orientSlice(src, W, H, { flip: 'rows' }, dst)],
  ['flip columns', () => core.orientSlice(src, W, H, { flip: 'columns' }, dst)],
  ['rotate 180', () => core.orientSlice(src, W, H, { rotate: 180 }, dst)],
  ['rotate 90', () => core.orientSlice(src, W, H, { rotate: 90 }, dst)],
  ['rotate 270 + flip rows', () => core.orientSlice(src, W, H, { flip: 'rows', rotate: 270 }, dst)],
];
const times = Object.fromEntries(cases.map(([n]) => [n, []]));
for (let round = 0; round < 25; round++) {
  for (const [name, run] of cases) {
    const t0 = performance.now();
    run();
    times[name].push(performance.now() - t0);
  }
}
// The best of the rounds is the CPU cost; the median shows how much the load disturbed it.
const r2 = v => Math.round(v * 100) / 100;
const slice = Object.fromEntries(
  cases.map(([n]) => [n, { bestMs: r2(Math.min(...times[n])), medianMs: r2(median(times[n])), bestMbPerS: Math.round((W * H) / 1e6 / (Math.min(...times[n]) / 1000)) }]),
);

// The tick fit: 50 mm ruler at 0.4799 mm/px (104 px) on a 680 × 620 capture, a rough line.
const rand = seededRandom(1);
const { pixels, ends } = syntheticRuler({ width: 680, height: 620, spacingMm: 0.4799, start: [40.4, 590.3], rand, anatomy: { cx: 340, cy: 300, rx: 250, ry: 220 } });
const line = { x0: ends[0][0] + 2, y0: ends[0][1] - 1, x1: ends[1][0] - 2.5, y1: ends[1][1] + 1.5 };
const fitTimes = [];
let fit;
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  fit = core.fitRulerTicks(pixels, 680, 620, line, 50);
  fitTimes.push(performance.now() - t0);
}
console.log(
  JSON.stringify({
    slice: `${W}x${H} 8-bit`,
    orientSlice: slice,
    fitRulerTicks: { ms: Math.round(median(fitTimes) * 100) / 100, spacingMm: fit.spacingMm, trueSpacingMm: 0.4799, uncertaintyPct: fit.uncertaintyPct },
    loadAverage: { before: loadBefore, after: os.loadavg()[0] },
  }),
);
