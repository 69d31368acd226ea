// `imagestack tube --od <mm> --id <mm> --length <mm> [--bend-radius <mm> --bend-angle <deg>]
// [--cuff <mm>] --stl <file>`: a parametric tube (e.g. a tracheostomy tube) as a closed STL in mm,
// in its own frame (tip at the origin, straight part along +z, bending towards +x).
import { resolve } from 'node:path';
import { generateTube, meshStats, writeStlAscii, writeStlBinary, type TubeParameters } from '@imagestack/core';
import { ArgReader } from '../args';
import { UsageError, type CliIo, type Command } from '../io';
import { writeAtomically } from './mesh';

const USAGE = `usage: imagestack tube --od <mm> --id <mm> --length <mm> [--bend-radius <mm> --bend-angle <deg>]
                     [--cuff <mm> [--cuff-length <mm>] [--cuff-offset <mm>]] [--segments <n>]
                     --stl <file> [--ascii] [--json]
  --od, --id        outer and inner diameter, mm (--id 0: a solid rod)
  --length          length of the centreline, mm: the straight part plus the bend's arc
  --bend-radius     radius of the bend's centreline, mm, with --bend-angle (degrees)
  --cuff            diameter of an inflated cuff near the tip, mm; --cuff-length (default 20) and
                    --cuff-offset (from the tip, default 5) place it
  --segments        vertices around each ring (default 64)
  --stl             the file to write (binary STL, mm); a sidecar <file>.json records the parameters
  --ascii           ASCII STL instead of binary
  --json            print one JSON object: {"triangles","volume_mL","bbox_mm","watertight","oriented","parameters","frame"}
The tube's frame: the tip is centred at the origin and the straight part runs along +z; the bend
turns towards +x. Place it with \`imagestack fit --transform\`.`;

export const TUBE_FRAME = 'tip centred at the origin, straight part along +z, bend towards +x in the x-z plane; mm';

const NUMBER_FLAGS: Record<string, keyof TubeParameters> = {
  '--od': 'outerDiameterMm',
  '--id': 'innerDiameterMm',
  '--length': 'lengthMm',
  '--bend-radius': 'bendRadiusMm',
  '--bend-angle': 'bendAngleDeg',
  '--cuff': 'cuffDiameterMm',
  '--cuff-length': 'cuffLengthMm',
  '--cuff-offset': 'cuffOffsetMm',
  '--segments': 'segments',
};

function parseTubeArgs(argv: string[]): { params: TubeParameters; stl: string; ascii: boolean; json: boolean } {
  const p: Partial<Record<keyof TubeParameters, number>> = {};
  let stl: string | undefined;
  let ascii = false, json = false;
  const args = new ArgReader(argv);
  for (let next = args.next(); next; next = args.next()) {
    const { name, arg } = next;
    const value = () => args.value();
    if (name in NUMBER_FLAGS) {
      const v = value();
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} takes a number, got "${v}"`);
      p[NUMBER_FLAGS[name]] = n;
    } else if (name === '--stl') stl = value();
    else if (name === '--ascii') ascii = true;
    else if (name === '--json') json = true;
    else if (name.startsWith('-')) throw new UsageError(`unknown option ${name}`);
    else throw new UsageError(`unexpected argument "${arg}"`);
  }
  for (const f of ['--od', '--id', '--length'] as const) if (p[NUMBER_FLAGS[f]] === undefined) throw new UsageError(`${f} <mm> is required`);
  if ((p.bendRadiusMm === undefined) !== (p.bendAngleDeg === undefined)) throw new UsageError('--bend-radius and --bend-angle go together');
  if ((p.cuffLengthMm !== undefined || p.cuffOffsetMm !== undefined) && p.cuffDiameterMm === undefined) throw new UsageError('--cuff-length and --cuff-offset need --cuff <diameter mm>');
  if (!stl) throw new UsageError('--stl <file> is required');
  return { params: p as TubeParameters, stl, ascii, json };
}

export const tube: Command = {
  summary: 'a parametric tube (outer/inner diameter, length, bend, cuff) as a closed STL in mm',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { params, stl, ascii, json } = parseTubeArgs(argv);
    const mesh = generateTube(params); // ImageStackError('bad-argument') names the parameter
    const path = resolve(stl);
    await writeAtomically(path, ascii ? writeStlAscii(mesh, { name: 'tube' }) : writeStlBinary(mesh));
    const stats = meshStats(mesh);
    await writeAtomically(`${path}.json`, JSON.stringify({ generator: 'imagestack tube', units: 'mm', frame: TUBE_FRAME, parameters: params, stats }, null, 2) + '\n');
    if (json) {
      io.stdout(
        JSON.stringify({
          triangles: stats.triangles,
          volume_mL: stats.volume_mL,
          bbox_mm: stats.bbox_mm,
          watertight: stats.watertight,
          oriented: stats.oriented,
          parameters: params,
          frame: TUBE_FRAME,
          stl: path,
          sidecar: `${path}.json`,
        }) + '\n',
      );
    } else {
      io.stdout(`wrote ${path} (${ascii ? 'ASCII' : 'binary'} STL, mm): ${stats.triangles} triangles, ${stats.volume_mL.toFixed(3)} mL, ${stats.watertight && stats.oriented ? 'closed and oriented' : 'NOT closed'}; frame: ${TUBE_FRAME}\n`);
    }
    return 0;
  },
};
