// `imagestack fit --anatomy <stl|obj | inputs… GEOMETRY --threshold … [refine steps]> --device <stl|obj>
// [--transform <16 numbers>] [--json]`: how a device placed in a lumen fits: the minimum clearance
// and where, the interference volume, whether it is wholly inside.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  fitDevice,
  IDENTITY_TRANSFORM,
  ImageStackError,
  isImageStackError,
  parseTransform,
  readMesh,
  writeStlAscii,
  writeStlBinary,
  type FitResult,
  type Mesh,
  type StackGeometry,
} from '@imagestack/core';
import { ArgReader } from '../args';
import { UsageError, type CliIo, type Command } from '../io';
import { surfaceFromSlices, writeAtomically } from './mesh';

const USAGE = `usage: imagestack fit --anatomy <stl|obj> --device <stl|obj> [--transform <16 numbers>] [--json]
       imagestack fit --anatomy <inputs…> GEOMETRY --threshold <lo>[:<hi>] [mesh options] --device <stl|obj> …
  --anatomy    the lumen: a closed surface (STL/OBJ, patient mm, LPS), or slices (folders/files, or a
               DICOM series folder) meshed as \`imagestack mesh\` would (same GEOMETRY, threshold,
               island, smoothing and refine flags; --stl optional, to keep the lumen surface)
  --device     the device model (STL/OBJ, mm), e.g. from \`imagestack tube\`
  --transform  where the device goes: 16 comma-separated numbers, a row-major 4×4 rigid matrix
               from device to patient coordinates, mm (default: the identity)
  --json       print one JSON object: {"min_clearance_mm","interference_mL","device_inside","closest_point_mm",...}
min_clearance_mm > 0: the gap at the device's closest approach to the wall; ≤ 0: how deep it
interferes. interference_mL: the device's volume outside the lumen.`;

interface FitArgs {
  anatomy: string[];
  device: string;
  transform: Float64Array;
  json: boolean;
  /** Everything else: the mesh flags for a slice-stack anatomy. */
  meshArgs: string[];
}

const MESH_FILE = /\.(stl|obj)$/i;

function parseFitArgs(argv: string[]): FitArgs {
  const anatomy: string[] = [];
  const meshArgs: string[] = [];
  let device: string | undefined;
  let transform: Float64Array | undefined;
  let json = false;
  const args = new ArgReader(argv);
  for (let next = args.next(); next; next = args.next()) {
    const { name, arg } = next;
    const value = () => args.value();
    if (name === '--anatomy') {
      anatomy.push(value());
      // More inputs until the next flag (slices given as several folders or files).
      for (let more = args.takePositional(); more !== undefined; more = args.takePositional()) anatomy.push(more);
    } else if (name === '--device') device = value();
    else if (name === '--transform') {
      const v = value();
      try {
        transform = parseTransform(v);
      } catch (e) {
        if (isImageStackError(e)) throw new UsageError(`--transform: ${e.message}`);
        throw e;
      }
    } else if (name === '--json') json = true;
    else meshArgs.push(arg);
  }
  if (!anatomy.length) throw new UsageError('--anatomy <stl|obj | slices…> is required');
  if (!device) throw new UsageError('--device <stl|obj> is required');
  return { anatomy, device, transform: transform ?? Float64Array.from(IDENTITY_TRANSFORM), json, meshArgs };
}

async function readMeshFile(path: string): Promise<Mesh> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new ImageStackError('io', `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  const mesh = readMesh(bytes, path);
  if (mesh.triangles.length === 0) throw new ImageStackError('empty', 'the file holds no triangles', path);
  return mesh;
}

/** The anatomy: a mesh file, or slices meshed with the mesh command's flags. */
async function anatomyMesh(args: FitArgs, io: CliIo): Promise<{ mesh: Mesh; source: string; geometry?: StackGeometry; slices?: number }> {
  if (args.anatomy.length === 1 && MESH_FILE.test(args.anatomy[0]) && !args.meshArgs.length) {
    return { mesh: await readMeshFile(args.anatomy[0]), source: args.anatomy[0] };
  }
  if (args.anatomy.some(a => MESH_FILE.test(a))) {
    throw new UsageError(args.meshArgs.length ? `${args.meshArgs[0]} applies to slices; --anatomy ${args.anatomy.find(a => MESH_FILE.test(a))} is a surface already` : 'give one surface file, or slices, to --anatomy');
  }
  const s = await surfaceFromSlices([...args.anatomy, ...args.meshArgs], io, { stlRequired: false });
  if (s.args.frame !== 'LPS') throw new UsageError('fit measures in LPS (the transform\'s frame): leave out --frame');
  if (s.args.stl) await writeAtomically(resolve(s.args.stl), s.args.ascii ? writeStlAscii(s.result.mesh, { name: 'lumen' }) : writeStlBinary(s.result.mesh));
  return { mesh: s.result.mesh, source: args.anatomy.join(' '), geometry: s.geometry, slices: s.dims[2] };
}

/** The `--json` object: DESIGN.md's contract first, then the rest. */
export function fitJson(r: FitResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const round = (x: number) => Number(x.toFixed(4)); // 0.1 µm
  return {
    min_clearance_mm: round(r.minClearanceMm),
    interference_mL: Number(r.interferenceMl.toFixed(7)), // 0.1 µL
    device_inside: r.deviceInside,
    closest_point_mm: r.closestPointMm.map(round),
    closest_anatomy_point_mm: r.closestAnatomyPointMm.map(round),
    ...(r.interferenceSlices ? { interference_slices: r.interferenceSlices } : {}),
    anatomy_closed: r.anatomyClosed,
    ...extra,
  };
}

export const fit: Command = {
  summary: 'a device placed in a lumen: minimum clearance (mm, where), interference (mL)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseFitArgs(argv);
    const anatomy = await anatomyMesh(args, io);
    const device = await readMeshFile(args.device);
    let r: FitResult;
    try {
      r = fitDevice(anatomy.mesh, device, args.transform, { geometry: anatomy.geometry, slices: anatomy.slices });
    } catch (e) {
      if (isImageStackError(e) && e.code === 'empty') throw e.withFile(args.device);
      throw e;
    }
    if (args.json) {
      io.stdout(
        JSON.stringify(
          fitJson(r, {
            anatomy: resolve(anatomy.source.split(' ')[0]),
            anatomy_triangles: anatomy.mesh.triangles.length / 3,
            device: resolve(args.device),
            device_triangles: device.triangles.length / 3,
            transform: Array.from(args.transform),
          }),
        ) + '\n',
      );
    } else {
      const p = (v: number[]) => v.map(x => x.toFixed(2)).join(', ');
      io.stdout(
        `${basename(args.device)} in ${basename(anatomy.source.split(' ')[0])}: ` +
          (r.deviceInside ? `inside, clearance ${r.minClearanceMm.toFixed(2)} mm at (${p(r.closestPointMm)}) mm` : `INTERFERES: ${(r.interferenceMl * 1000).toFixed(1)} mm³ (${r.interferenceMl.toFixed(3)} mL) outside the lumen, deepest ${(-r.minClearanceMm).toFixed(2)} mm at (${p(r.closestPointMm)}) mm`) +
          (r.interferenceSlices ? `, slices ${r.interferenceSlices[0]}–${r.interferenceSlices[1]}` : '') +
          (r.anatomyClosed ? '' : ' (the anatomy is not a closed surface: inside/outside by ray parity, approximate)') +
          '\n',
      );
    }
    return 0;
  },
};
