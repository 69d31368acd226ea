// `imagestack calibrate <slice file> --ruler x0,y0,x1,y1 --length <mm> [--ticks] [--json]`:
// the pixel spacing from a line drawn along a burned-in ruler on one slice, optionally fitted
// to the ruler's tick marks (core's fitRulerTicks), for `--spacing` of convert and mesh.
import { readFile } from 'node:fs/promises';
import {
  calibrateSquarePixels,
  decodeImage,
  fitRulerTicks,
  formatPercent,
  formatSpacingMm,
  ImageStackError,
  isImageStackError,
  parseNumbers,
  roundSignificant,
  toGrey,
} from '@imagestack/core';
import { ArgReader } from '../args';
import { UsageError, type CliIo, type Command } from '../io';

const USAGE = `usage: imagestack calibrate <slice file> --ruler x0,y0,x1,y1 --length <mm> [--ticks] [--page n] [--json]
  <slice file>  one slice (BMP, PNG, JPEG, TIFF) with a burned-in ruler
  --ruler       the line along the ruler, in pixels of the file (0,0 = centre of the top-left pixel)
  --length      the length in mm that the line spans on the ruler
  --ticks       find the ruler's tick marks along the line and fit their spacing (sub-pixel): the
                line may be a few pixels off; the length then runs between the ticks nearest its ends
  --page        page of a multi-page TIFF (1-based; default 1)
  --json        print one JSON object: {"spacing_mm","uncertainty_pct","ticks":[{"x","y"}…],…}
The spacing (4 significant figures) is for --spacing of convert and mesh (square pixels).
Without --ticks, the uncertainty is that of the two end points (half a pixel each).`;

interface CalibrateArgs {
  file: string;
  ruler: [number, number, number, number];
  lengthMm: number;
  ticks: boolean;
  page: number;
  json: boolean;
}

function parseArgs(argv: string[]): CalibrateArgs {
  const files: string[] = [];
  let ruler: CalibrateArgs['ruler'] | undefined;
  let lengthMm: number | undefined;
  let ticks = false;
  let json = false;
  let page = 1;
  const args = new ArgReader(argv);
  for (let next = args.next(); next; next = args.next()) {
    const { name, arg } = next;
    const value = () => args.value();
    if (name === '--ruler') {
      const text = value();
      try {
        ruler = parseNumbers(text, [4], 'ruler') as CalibrateArgs['ruler'];
      } catch (e) {
        throw new UsageError(`--ruler takes x0,y0,x1,y1 in pixels, got "${text}"`);
      }
    } else if (name === '--length') {
      const text = value();
      const v = Number(text);
      if (text.trim() === '' || !(v > 0) || !Number.isFinite(v)) throw new UsageError(`--length takes the line's length in mm (> 0), got "${text}"`);
      lengthMm = v;
    } else if (name === '--page') {
      const text = value();
      const v = Number(text);
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`--page takes a page number from 1, got "${text}"`);
      page = v;
    } else if (name === '--ticks') ticks = true;
    else if (name === '--json') json = true;
    else if (name.startsWith('-')) throw new UsageError(`unknown option ${name}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new UsageError(files.length ? 'give one slice file' : 'give the slice file with the ruler');
  if (!ruler) throw new UsageError('--ruler x0,y0,x1,y1 is required: the line along the ruler, in pixels');
  if (lengthMm === undefined) throw new UsageError('--length <mm> is required: the length the line spans on the ruler');
  return { file: files[0], ruler, lengthMm, ticks, page, json };
}

const px = (v: number) => Math.round(v * 100) / 100;

export const calibrate: Command = {
  summary: 'pixel spacing from a burned-in ruler on one slice (optionally fitted to its ticks)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const a = parseArgs(argv);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(a.file));
    } catch (e) {
      throw new ImageStackError('io', `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, a.file);
    }
    const decoded = decodeImage(bytes, a.file, { page: a.page - 1 });
    const img = decoded.pages?.[a.page - 1] ?? decoded;
    const grey = toGrey(img);
    const [x0, y0, x1, y1] = a.ruler;
    let result: Record<string, unknown>;
    let text: string;
    try {
      if (a.ticks) {
        const fit = fitRulerTicks(grey.data, grey.width, grey.height, { x0, y0, x1, y1 }, a.lengthMm);
        result = {
          spacing_mm: roundSignificant(fit.spacingMm, 4),
          uncertainty_pct: roundSignificant(fit.uncertaintyPct, 2),
          ticks: fit.ticks.map(t => ({ x: px(t.x), y: px(t.y) })),
          method: 'ticks',
          length_px: px(fit.lengthPx),
          residual_px: px(fit.residualPx),
          intervals: fit.intervals,
          line: [fit.line.x0, fit.line.y0, fit.line.x1, fit.line.y1].map(px),
        };
        text =
          `pixel spacing ${formatSpacingMm(fit.spacingMm)} mm (± ${formatPercent(fit.uncertaintyPct)} %), from ${fit.ticks.length} ticks: ` +
          `${fit.lengthPx.toFixed(2)} px for ${a.lengthMm} mm (${fit.intervals} gaps of ${fit.tickSpacingPx.toFixed(2)} px), residual ${fit.residualPx.toFixed(2)} px\n`;
      } else {
        const spacing = calibrateSquarePixels({ from: [x0, y0], to: [x1, y1], lengthMm: a.lengthMm });
        const lengthPx = Math.hypot(x1 - x0, y1 - y0);
        // Each end point within half a pixel: the length within ±1 px.
        const uncertaintyPct = 100 / lengthPx;
        result = { spacing_mm: roundSignificant(spacing, 4), uncertainty_pct: roundSignificant(uncertaintyPct, 2), ticks: [], method: 'one-ruler', length_px: px(lengthPx) };
        text = `pixel spacing ${formatSpacingMm(spacing)} mm (± ${formatPercent(uncertaintyPct)} %): ${lengthPx.toFixed(2)} px for ${a.lengthMm} mm; --ticks fits the ruler's ticks\n`;
      }
    } catch (e) {
      if (isImageStackError(e)) throw e.withFile(a.file);
      throw e;
    }
    if (a.json) io.stdout(JSON.stringify(result) + '\n');
    else io.stdout(text + `use: --spacing ${formatSpacingMm(result.spacing_mm as number)}\n`);
    return 0;
  },
};
