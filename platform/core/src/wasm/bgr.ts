// What core's 24-bit kernels (decode/greyKernel.ts, mesh/scanKernel.ts) share: sixteen BGR
// pixels (48 bytes) loaded and split into their B, G and R bytes by byte shuffles, and whether
// all sixteen are grey (B = G = R).
import { asm, SIMD } from './assemble';

const keep = (n: number) => Array.from({ length: n }, (_, i) => i);
// Lanes of B, G and R among the 48 bytes: the first 11 (10 for R) from bytes 0–31, the rest from 32–47.
const FIRST = { b: [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0], g: [1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0], r: [2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0] };
const REST = { b: [...keep(11), 17, 20, 23, 26, 29], g: [...keep(11), 18, 21, 24, 27, 30], r: [...keep(10), 16, 19, 22, 25, 28, 31] };

/**
 * Instructions that load the 16 pixels at byte address local `s` into v128 locals v0–v2, split
 * them into locals b, g, r, and leave 1 on the stack if all sixteen are grey, else 0.
 */
export function load16Bgr(s: number, v: { v0: number; v1: number; v2: number; b: number; g: number; r: number }): number[] {
  const { get, set, mem } = asm;
  const split = (lane: 'b' | 'g' | 'r') => [...get(v.v0), ...get(v.v1), ...SIMD.shuffle, ...FIRST[lane], ...get(v.v2), ...SIMD.shuffle, ...REST[lane], ...set(v[lane])];
  return [
    ...get(s), ...mem(SIMD.load, 0, 0), ...set(v.v0),
    ...get(s), ...mem(SIMD.load, 0, 16), ...set(v.v1),
    ...get(s), ...mem(SIMD.load, 0, 32), ...set(v.v2),
    ...split('b'), ...split('g'), ...split('r'),
    ...get(v.b), ...get(v.g), ...SIMD.i8x16_eq, ...get(v.g), ...get(v.r), ...SIMD.i8x16_eq, ...SIMD.and, ...SIMD.all_true,
  ];
}
