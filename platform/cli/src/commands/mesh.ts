// `imagestack mesh <inputs…> GEOMETRY --threshold <lo>[:<hi>] --stl <file> [...]`: slices →
// threshold → (largest island) → closed surface in patient mm → (smooth, decimate) → STL + sidecar.
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  buildSurface,
  deriveStackGeometry,
  ImageStackError,
  meshSidecar,
  captureWindowFromRescale,
  parseThresholdInUnits,
  sliceView,
  stackFromPart10,
  writeStlAscii,
  writeStlBinary,
  type CaptureWindow,
  type MeshFrame,
  type MeshStats,
  type SliceSource,
  type StackGeometry,
  type VoxelStack,
} from '@imagestack/core';
import { dicomInputs } from '../dicomInputs';
import { readStack } from '@imagestack/core/node';
import { GEOMETRY_USAGE, parseGeometryArgs } from '../geometryArgs';
import { CAPTURE_WINDOW_USAGE, takeCaptureWindowArg } from '../captureWindowArg';
import { UsageError, type CliIo, type Command } from '../io';

const USAGE = `usage: imagestack mesh <inputs…> GEOMETRY --threshold <lo>[:<hi>] --stl <file>
                     [--largest-island] [--smooth <iterations>] [--decimate <fraction>]
                     [--frame LPS|RAS] [--ascii] [--capture-window <level>,<width>] [--json]
  <inputs…>         folders or files of BMP/PNG/JPEG/TIFF slices, or a DICOM series folder
                    (then the geometry comes from the files and GEOMETRY is not given)
  --threshold       voxel values inside the model, inclusive: 100 (100 and above) or 100:255;
                    with --capture-window also in HU with the unit: 226HU or -500HU:200HU
  --stl             the model file to write (binary STL, units mm); a sidecar <file>.json records
                    the inputs, geometry, threshold, operations and stats
  --largest-island  keep only the largest 6-connected piece
  --smooth          windowed-sinc smoothing iterations (e.g. 20; default none): volume kept within 1 %
  --decimate        fraction of triangles to remove, 0 to below 1 (e.g. 0.75 keeps a quarter)
  --frame           LPS (DICOM, default) or RAS (3D Slicer and most CAD/printing tools' world)
  --ascii           write ASCII STL instead of binary
  --json            print one JSON object: {"triangles","volume_mL","area_mm2","bbox_mm","watertight","oriented","parts",...}
${CAPTURE_WINDOW_USAGE}
${GEOMETRY_USAGE}`;

interface MeshArgs {
  inputs: string[];
  /** As typed: parsed once the capture window is known (a DICOM input may carry one). */
  thresholdText: string;
  stl: string;
  largestIsland: boolean;
  smooth: number;
  decimate: number;
  frame: MeshFrame;
  ascii: boolean;
  json: boolean;
}

function parseMeshArgs(rest: string[]): MeshArgs {
  const a: Partial<MeshArgs> & { inputs: string[] } = { inputs: [], largestIsland: false, smooth: 0, decimate: 0, frame: 'LPS', ascii: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (v === undefined || /^--[a-z]/.test(v)) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--threshold': {
        a.thresholdText = value();
        break;
      }
      case '--stl':
        a.stl = value();
        break;
      case '--largest-island':
        a.largestIsland = true;
        break;
      case '--smooth': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 1000) throw new UsageError(`--smooth takes a whole number of iterations 0–1000, got "${v}"`);
        a.smooth = n;
        break;
      }
      case '--decimate': {
        const v = value();
        const f = Number(v);
        if (v.trim() === '' || !(f >= 0 && f < 1)) throw new UsageError(`--decimate takes the fraction of triangles to remove, from 0 to below 1, got "${v}"`);
        a.decimate = f;
        break;
      }
      case '--frame': {
        const v = value().toUpperCase();
        if (v !== 'LPS' && v !== 'RAS') throw new UsageError(`--frame must be LPS or RAS, got "${v}"`);
        a.frame = v;
        break;
      }
      case '--ascii':
        a.ascii = true;
        break;
      case '--json':
        a.json = true;
        break;
      default:
        if (name.startsWith('-')) throw new UsageError(`unknown option ${name}`);
        a.inputs.push(arg);
    }
  }
  if (a.inputs.length === 0) throw new UsageError('give at least one folder or file of slices');
  if (!a.thresholdText) throw new UsageError('--threshold <lo>[:<hi>] is required: the voxel values inside the model');
  if (!a.stl) throw new UsageError('--stl <file> is required');
  return a as MeshArgs;
}

/** Writes bytes to `path` via a temporary file in the same folder, so no partial file is left under the real name. */
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new ImageStackError('io', `cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
}

/** The `--json` object: DESIGN.md's contract first, then where the files went. */
export function meshJson(stats: MeshStats, files: { stl: string; sidecar: string }): Record<string, unknown> {
  return {
    triangles: stats.triangles,
    volume_mL: stats.volume_mL,
    area_mm2: stats.area_mm2,
    bbox_mm: stats.bbox_mm,
    watertight: stats.watertight,
    oriented: stats.oriented,
    parts: stats.parts,
    vertices: stats.vertices,
    stl: files.stl,
    sidecar: files.sidecar,
  };
}

export const mesh: Command = {
  summary: 'slices → a closed surface in mm (STL), thresholded, smoothed, decimated',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(USAGE + '\n');
      return 0;
    }
    const taken = takeCaptureWindowArg(argv);
    let captureWindow = taken.captureWindow;
    const notWindow = taken.rest;
    const { geometry: g, rest } = parseGeometryArgs(notWindow, { optional: true });
    const args = parseMeshArgs(rest);
    const threshold = (w?: CaptureWindow): [number, number] => {
      try {
        return parseThresholdInUnits(args.thresholdText, w).grey;
      } catch (e) {
        throw new UsageError(`--threshold: ${(e as Error).message}`);
      }
    };

    let stack: VoxelStack;
    let geometry: StackGeometry;
    const dicom = await dicomInputs(args.inputs);
    // checked before reading any slice, unless a DICOM series may bring its own capture window
    if (!dicom || captureWindow) threshold(captureWindow);
    if (dicom) {
      if (g) throw new UsageError('the inputs are a DICOM series, whose files give the geometry: leave out the GEOMETRY flags');
      let rescale;
      ({ stack, geometry, rescale } = stackFromPart10(await Promise.all(dicom.map(async path => ({ name: basename(path), bytes: new Uint8Array(await readFile(path)) })))));
      // a series convert wrote with a capture window: its HU mean the same here
      captureWindow ??= captureWindowFromRescale(rescale);
    } else {
      const geo = g ?? parseGeometryArgs(notWindow).geometry; // throws the usage error naming the missing flag
      ({ stack } = await readStack(args.inputs, {
        reverse: geo.reverse,
        crop: geo.crop,
        downsample: geo.downsample,
        signal: io.signal,
        onProgress: (done, total) => io.progress?.('reading slices', done / total),
      }));
      geometry = deriveStackGeometry(geo.geometry, geo);
    }

    if (captureWindow && stack.bitsStored !== 8) {
      throw new ImageStackError('bad-argument', `a capture window maps 8-bit grey levels to HU; these slices are ${stack.bitsStored}-bit`);
    }
    const range = threshold(captureWindow);
    const dims: [number, number, number] = [stack.columns, stack.rows, stack.slices];
    const source: SliceSource = { dims, getSlice: k => sliceView(stack, k) };
    const result = buildSurface(source, geometry, {
      range,
      largestIsland: args.largestIsland,
      smoothIterations: args.smooth,
      decimate: args.decimate,
      frame: args.frame,
      signal: io.signal,
      onProgress: (fraction, step) => io.progress?.(`surface (${step})`, fraction),
    });
    if (result.stats.triangles === 0) {
      const [lo, hi] = range;
      throw new ImageStackError('empty', `no voxel has a value in ${lo}${Number.isFinite(hi) ? `–${hi}` : ' and above'}: nothing to mesh (see \`imagestack info\` for the value range)`);
    }
    const stlPath = resolve(args.stl);
    const sidecarPath = `${stlPath}.json`;
    const name = basename(stlPath).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_') || 'imagestack';
    await writeAtomically(stlPath, args.ascii ? writeStlAscii(result.mesh, { frame: args.frame, name }) : writeStlBinary(result.mesh, { frame: args.frame }));
    const sidecar = meshSidecar({
      files: [basename(stlPath)],
      inputs: args.inputs,
      geometry,
      dims,
      threshold: range,
      captureWindow,
      operations: result.operations,
      stats: result.stats,
      frame: args.frame,
    });
    await writeAtomically(sidecarPath, JSON.stringify(sidecar, null, 2) + '\n');

    const s = result.stats;
    if (args.json) {
      io.stdout(JSON.stringify(meshJson(s, { stl: stlPath, sidecar: sidecarPath })) + '\n');
    } else {
      const b = s.bbox_mm;
      io.stdout(
        `wrote ${stlPath} (${args.ascii ? 'ASCII' : 'binary'} STL, mm, ${args.frame}): ${s.triangles} triangles, ` +
          `${s.volume_mL.toFixed(3)} mL, ${s.area_mm2.toFixed(1)} mm², size ${(b[3] - b[0]).toFixed(1)} × ${(b[4] - b[1]).toFixed(1)} × ${(b[5] - b[2]).toFixed(1)} mm, ` +
          `${s.parts} part(s), ${s.watertight && s.oriented ? 'closed and oriented' : 'NOT closed'}\n`,
      );
    }
    return 0;
  },
};
