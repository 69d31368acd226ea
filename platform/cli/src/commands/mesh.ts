// `imagestack mesh <inputs…> GEOMETRY --threshold <lo>[:<hi>] --stl <file> [...]`: slices →
// threshold → (refine steps, in the order given) → closed surface in patient mm → (smooth,
// decimate) → STL + sidecar.
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  buildSurface,
  checkRefineStep,
  finishSurfaceAsync,
  ImageStackError,
  isIdentityOrientation,
  isImageStackError,
  meshSidecar,
  RefineStepError,
  parseNumbers,
  captureWindowFromRescale,
  parseThresholdInUnits,
  voxelAtPointMm,
  sliceView,
  stackFromPart10,
  writeStlAscii,
  writeStlBinary,
  type GapRecord,
  type CaptureWindow,
  type Mesh,
  type MeshFrame,
  type SliceOrientation,
  type MeshStats,
  type RefineStep,
  type SliceSource,
  type StackGeometry,
  type SurfaceResult,
  type VoxelStack,
} from '@imagestack/core';
import { dicomInputs } from '../dicomInputs';
import { defaultWorkers, extractStackSurface, readStack, startMeshThreads } from '@imagestack/core/node';
import { assembledGeometry, gapRecord, GEOMETRY_USAGE, mirrorWarning, parseGeometryArgs, stackReadOptions } from '../geometryArgs';
import { ArgReader } from '../args';
import { CAPTURE_WINDOW_USAGE, takeCaptureWindowArg } from '../captureWindowArg';
import { UsageError, writeFailed, type CliIo, type Command } from '../io';

const USAGE = `usage: imagestack mesh <inputs…> GEOMETRY --threshold <lo>[:<hi>] --stl <file>
                     [refine steps…] [--smooth <iterations>] [--decimate <fraction>]
                     [--frame LPS|RAS] [--ascii] [--capture-window <level>,<width>] [--json]
  <inputs…>         folders or files of BMP/PNG/JPEG/TIFF slices, or a DICOM series folder
                    (then the geometry comes from the files and GEOMETRY is not given)
  --threshold       voxel values inside the model, inclusive: 100 (100 and above) or 100:255;
                    with --capture-window also in HU with the unit: 226HU or -500HU:200HU
  --stl             the model file to write (binary STL, units mm); a sidecar <file>.json records
                    the inputs, geometry, threshold, operations (each refine step with the volume
                    after it) and stats
refine steps, applied to the thresholded voxels in the order given (islands are 6-connected):
  --keep-island-at x,y,z      keep only the piece under this LPS point in mm (e.g. inside the airway)
  --largest-island            keep only the largest piece
  --remove-islands-below <mL> remove pieces smaller than this volume, e.g. 0.5
  --fill-holes [3d|2d]        fill enclosed background (3d, default); 2d: slice by slice, which
                              also closes a lumen open at its ends
  --margin <mm>               grow by this many mm along every axis; negative shrinks, e.g. -1.5
  --hollow <mm>[:side]        a wall this thick: outside (default; the segment becomes the cavity,
                              so a printed airway keeps its lumen), inside, or centre
  --smooth          windowed-sinc smoothing iterations (e.g. 20; default none): volume kept within 1 %
  --decimate        fraction of triangles to remove, 0 to below 1 (e.g. 0.75 keeps a quarter)
  --frame           LPS (DICOM, default) or RAS (3D Slicer and most CAD/printing tools' world)
  --ascii           write ASCII STL instead of binary
  --json            print one JSON object: {"triangles","volume_mL","area_mm2","bbox_mm","watertight","oriented","parts","solids","cavities",...}
${CAPTURE_WINDOW_USAGE}
${GEOMETRY_USAGE}`;

/** A refine step as the command line gives it: keep-island-at is a point in mm until the volume is read. */
type RefineArg = { flag: string } & (RefineStep | { op: 'keepIslandAtMm'; pointMm: [number, number, number] });

export interface MeshArgs {
  inputs: string[];
  /** Inclusive grey range; set from thresholdText once the capture window is known (a DICOM input may carry one). */
  threshold: [number, number];
  /** --threshold as typed: grey levels, or HU with the unit. */
  thresholdText: string;
  stl: string;
  refine: RefineArg[];
  smooth: number;
  decimate: number;
  frame: MeshFrame;
  ascii: boolean;
  json: boolean;
}

function parseMeshArgs(rest: string[], options: { stlRequired?: boolean } = {}): MeshArgs {
  const a: Partial<MeshArgs> & { inputs: string[]; refine: RefineArg[] } = { inputs: [], refine: [], smooth: 0, decimate: 0, frame: 'LPS', ascii: false, json: false };
  /** A number typed by the user: the whole text must be one (no "2mm", no empty value). */
  const numberOf = (text: string) => (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN);
  const args = new ArgReader(rest);
  for (let next = args.next(); next; next = args.next()) {
    const { name, arg } = next;
    const value = () => args.value();
    switch (name) {
      case '--threshold': {
        a.thresholdText = value();
        break;
      }
      case '--stl':
        a.stl = value();
        break;
      case '--keep-island-at': {
        const v = value();
        let p: number[];
        try {
          p = parseNumbers(v, [3], 'the point');
        } catch {
          throw new UsageError(`--keep-island-at takes an LPS point in mm as x,y,z, e.g. 0,-45,-40, got "${v}"`);
        }
        a.refine.push({ flag: name, op: 'keepIslandAtMm', pointMm: [p[0], p[1], p[2]] });
        break;
      }
      case '--largest-island':
        a.refine.push({ flag: name, op: 'largestIsland' });
        break;
      case '--remove-islands-below': {
        const v = value();
        const ml = numberOf(v);
        if (!(Number.isFinite(ml) && ml >= 0)) throw new UsageError(`--remove-islands-below takes a volume in mL ≥ 0, e.g. 0.5, got "${v}"`);
        a.refine.push({ flag: name, op: 'removeIslandsBelow', minMl: ml });
        break;
      }
      case '--fill-holes': {
        // the mode is optional: take the next word only when it is one
        const mode = (args.optionalValue(v => v === '3d' || v === '2d') ?? '3d').toLowerCase();
        if (mode !== '3d' && mode !== '2d') throw new UsageError(`--fill-holes takes 3d (default) or 2d, got "${mode}"`);
        a.refine.push({ flag: name, op: 'fillHoles', mode });
        break;
      }
      case '--margin': {
        const v = value();
        const mm = numberOf(v);
        if (!Number.isFinite(mm) || mm === 0) throw new UsageError(`--margin takes a non-zero number of mm (negative shrinks), e.g. 2 or -1.5, got "${v}"`);
        a.refine.push({ flag: name, op: 'margin', mm });
        break;
      }
      case '--hollow': {
        const v = value();
        const m = /^([^:]*)(?::(.*))?$/.exec(v)!;
        const mm = numberOf(m[1]);
        const side = (m[2] ?? 'outside').toLowerCase();
        if (!(Number.isFinite(mm) && mm > 0)) throw new UsageError(`--hollow takes a wall thickness in mm > 0, optionally :outside, :inside or :centre, e.g. 2 or 2:inside, got "${v}"`);
        if (side !== 'outside' && side !== 'inside' && side !== 'centre') throw new UsageError(`--hollow: the side must be outside, inside or centre, got "${m[2]}"`);
        a.refine.push({ flag: name, op: 'hollow', mm, side });
        break;
      }
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
  if (!a.stl && options.stlRequired !== false) throw new UsageError('--stl <file> is required');
  return a as MeshArgs;
}

/** The temporary file beside `path` that writeAtomically writes first (the same folder, so the rename is atomic). */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
}

/** Writes bytes to `path` via a temporary file in the same folder, so no partial file is left under the real name. */
export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = partialPath(path);
  try {
    await writeFile(tmp, data);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw writeFailed(e, path);
  }
  await commitPartial(tmp, path);
}

/** Gives the finished temporary file `tmp` (partialPath(path)) its real name; removes it if that fails. */
export async function commitPartial(tmp: string, path: string): Promise<void> {
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw writeFailed(e, path);
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
    solids: stats.solids,
    cavities: stats.cavities,
    vertices: stats.vertices,
    stl: files.stl,
    sidecar: files.sidecar,
  };
}

/**
 * Slices → closed surface as the mesh command's flags say (inputs, GEOMETRY or a DICOM series,
 * threshold, refine steps, smoothing, decimation, frame). Shared with `fit`, whose slice-stack
 * anatomy is meshed exactly so; there --stl is optional.
 */
/** What the sidecar records of the import (image slices only; a DICOM series carries its own). */
export interface ImportRecord {
  orientation?: SliceOrientation;
  gaps?: GapRecord;
  calibration?: { method: 'typed' };
}

export async function surfaceFromSlices(
  argv: string[],
  io: CliIo,
  options: { stlRequired?: boolean; writeStl?: boolean } = {},
): Promise<{ args: MeshArgs; result: SurfaceResult; geometry: StackGeometry; dims: [number, number, number]; imported: ImportRecord; stlPartial?: string; captureWindow?: CaptureWindow }> {
  const taken = takeCaptureWindowArg(argv);
  let captureWindow = taken.captureWindow;
  const notWindow = taken.rest;
  const { geometry: g, rest } = parseGeometryArgs(notWindow, { optional: true });
  const args = parseMeshArgs(rest, options);
  const threshold = (w?: CaptureWindow): [number, number] => {
    try {
      return parseThresholdInUnits(args.thresholdText, w).grey;
    } catch (e) {
      throw new UsageError(`--threshold: ${(e as Error).message}`);
    }
  };

  let geometry: StackGeometry;
  let dims: [number, number, number];
  let result: SurfaceResult;
  let imported: ImportRecord = {};
  /**
   * With options.writeStl: the binary STL of result.mesh the mesh threads wrote, under
   * partialPath(--stl), for the caller to commit (commitPartial) once the rest is written.
   */
  let writing: { mesh: Mesh; done: Promise<void>; tmp: string } | undefined;
  const discardPartial = async () => {
    if (!writing) return;
    await writing.done.catch(() => undefined);
    await unlink(writing.tmp).catch(() => undefined);
    writing = undefined;
  };
  const surfaceOptions = {
    range: [0, 0] as [number, number], // set once the threshold's unit is known (below)
    smoothIterations: args.smooth,
    decimate: args.decimate,
    frame: args.frame,
    signal: io.signal,
    onProgress: (fraction: number, step: string) => io.progress?.(`surface (${step})`, fraction),
  };
  const dicom = await dicomInputs(args.inputs);
  // checked before reading any slice, unless a DICOM series may bring its own capture window
  if (!dicom || captureWindow) args.threshold = threshold(captureWindow);
  const geo = dicom ? undefined : (g ?? parseGeometryArgs(notWindow).geometry); // throws the usage error naming the missing flag
  // With no refine step, flip, rotation or filled gap nothing needs the whole volume: every core
  // decodes, thresholds and marches its own slab of slices, then smooths its share of the
  // vertices (the same mesh as the single-thread path below). Started now, so the threads boot
  // while the headers are read.
  const threaded = geo && !args.refine.length && isIdentityOrientation(geo.orient) && geo.gapPolicy !== 'fill';
  const early = io.takeMeshWorkers?.();
  const threads = threaded ? startMeshThreads(early ?? defaultWorkers()) : null;
  if (!threaded) for (const w of early ?? []) void w.terminate(); // the single-thread path reads with its own workers
  try {
    if (threads && geo) {
      surfaceOptions.range = args.threshold;
      const warning = mirrorWarning(geo);
      if (warning) io.stderr(`imagestack: ${warning}\n`);
      const extracted = await extractStackSurface(args.inputs, threads, {
        ...stackReadOptions(geo),
        range: surfaceOptions.range,
        signal: io.signal,
        onProgress: f => io.progress?.('reading slices and extracting the surface', f),
        // the threads write the mesh in patient mm as they join their slabs
        place: { geometry: plan => assembledGeometry(geo, plan), frame: args.frame },
      });
      if (captureWindow && extracted.plan.bitDepth !== 8) {
        throw new ImageStackError('bad-argument', `a capture window maps 8-bit grey levels to HU; these slices are ${extracted.plan.bitDepth}-bit`);
      }
      dims = extracted.dims;
      geometry = assembledGeometry(geo, extracted.plan);
      imported = { calibration: { method: 'typed' }, orientation: geo.orient ?? { flip: 'none', rotate: 0 }, gaps: gapRecord(geo, { gaps: extracted.plan.gaps, filled: [] }) };
      result = await finishSurfaceAsync(extracted.mesh, geometry, surfaceOptions, {
        placed: true,
        smooth: step => threads.smooth(step.mesh, { ...step.options, signal: io.signal }),
        // The finished mesh: the threads measure it (its edges and parts were found while
        // extracting, unless decimation changed them) and write its binary STL.
        stats: async m => {
          const measured = threads.stats(m, { signal: io.signal });
          if (options.writeStl && args.stl && !args.ascii) {
            const path = resolve(args.stl);
            const tmp = partialPath(path);
            const done = threads.writeStl(m, args.frame, tmp, path);
            done.catch(() => undefined); // awaited below, after the stats: not an unhandled rejection meanwhile
            writing = { mesh: m, tmp, done };
          }
          return measured;
        },
      });
      if (writing && writing.mesh !== result.mesh) await discardPartial();
      await writing?.done; // before the threads stop
    } else {
      let stack: VoxelStack;
      if (dicom) {
        if (g) throw new UsageError('the inputs are a DICOM series, whose files give the geometry: leave out the GEOMETRY flags');
        let rescale;
        ({ stack, geometry, rescale } = stackFromPart10(await Promise.all(dicom.map(async path => ({ name: basename(path), bytes: new Uint8Array(await readFile(path)) })))));
        // a series convert wrote with a capture window: its HU mean the same here
        captureWindow ??= captureWindowFromRescale(rescale);
      } else {
        const warning = mirrorWarning(geo!);
        if (warning) io.stderr(`imagestack: ${warning}\n`);
        const read = await readStack(args.inputs, {
          ...stackReadOptions(geo!),
          signal: io.signal,
          onProgress: (done, total) => io.progress?.('reading slices', done / total),
        });
        stack = read.stack;
        geometry = assembledGeometry(geo!, read.report);
        // The CLI's spacing is always typed (see `imagestack calibrate` for measuring it).
        imported = { calibration: { method: 'typed' }, orientation: geo!.orient ?? { flip: 'none', rotate: 0 }, gaps: gapRecord(geo!, read.report) };
      }
      if (captureWindow && stack.bitsStored !== 8) {
        throw new ImageStackError('bad-argument', `a capture window maps 8-bit grey levels to HU; these slices are ${stack.bitsStored}-bit`);
      }
      args.threshold = threshold(captureWindow);
      surfaceOptions.range = args.threshold;
      const volumeDims: [number, number, number] = [stack.columns, stack.rows, stack.slices];
      dims = volumeDims;
      const refine = args.refine.map(({ flag, ...arg }): RefineStep => {
        // each value checked against this volume (a point inside it, a wall the voxels can hold),
        // named by its flag, before the work starts
        try {
          const step: RefineStep = arg.op === 'keepIslandAtMm' ? { op: 'keepIslandAt', voxel: voxelAtPointMm(geometry, volumeDims, arg.pointMm), pointMm: arg.pointMm } : arg;
          checkRefineStep(step, geometry);
          return step;
        } catch (e) {
          throw isImageStackError(e) ? new ImageStackError(e.code, `${flag}: ${e.message}`) : e;
        }
      });
      const source: SliceSource = { dims, getSlice: k => sliceView(stack, k) };
      try {
        result = buildSurface(source, geometry, { ...surfaceOptions, refine });
      } catch (e) {
        // a step these voxels refuse (a point that is not in the segment), named by its flag
        if (e instanceof RefineStepError) throw new ImageStackError(e.code, `${args.refine[e.step].flag}: ${e.reason}`, e.file);
        throw e;
      }
    }
  } catch (e) {
    await discardPartial();
    throw e;
  } finally {
    threads?.close();
  }
  if (result.stats.triangles === 0) {
    await discardPartial();
    const [lo, hi] = args.threshold;
    throw new ImageStackError('empty', `no voxel has a value in ${lo}${Number.isFinite(hi) ? `–${hi}` : ' and above'}: nothing to mesh (see \`imagestack info\` for the value range)`);
  }
  return { args, result, geometry, dims, imported, stlPartial: writing?.tmp, captureWindow };
}

export const mesh: Command = {
  summary: 'slices → a closed surface in mm (STL), thresholded, smoothed, decimated',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { args, result, geometry, dims, imported, stlPartial, captureWindow } = await surfaceFromSlices(argv, io, { writeStl: true });
    const stlPath = resolve(args.stl!);
    const sidecarPath = `${stlPath}.json`;
    const name = basename(stlPath).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_') || 'imagestack';
    if (stlPartial) await commitPartial(stlPartial, stlPath);
    else await writeAtomically(stlPath, args.ascii ? writeStlAscii(result.mesh, { frame: args.frame, name }) : writeStlBinary(result.mesh, { frame: args.frame }));
    const sidecar = meshSidecar({
      files: [basename(stlPath)],
      inputs: args.inputs,
      geometry,
      dims,
      ...imported,
      threshold: args.threshold,
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
          `${s.solids} solid(s), ${s.cavities} cavit${s.cavities === 1 ? 'y' : 'ies'}, ${s.watertight && s.oriented ? 'closed and oriented' : 'NOT closed'}\n`,
      );
    }
    return 0;
  },
};
