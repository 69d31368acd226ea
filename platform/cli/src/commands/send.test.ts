import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExportRecords, ORIENTATION_PRESETS, part10Files, type VoxelStack } from '@imagestack/core';
import { main } from '../cli';

function collect(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env }, out, err };
}

const stack: VoxelStack = { columns: 4, rows: 3, slices: 3, bitsStored: 8, voxels: new Uint8Array(36).map((_, i) => i * 7), sliceNames: [] };
const records = buildExportRecords(stack, { pixelSpacingXMm: 1, pixelSpacingYMm: 1, sliceSpacingMm: 1, originMm: [0, 0, 0], orientation: [...ORIENTATION_PRESETS.axial] });
const uids = records.map(r => r.SOPInstanceUID);

let root: string;
let dicomDir: string;
let server: Server;
let url: string;
/** The fake PACS confirms every instance except those whose UID is in `refuse`. */
const refuse = new Set<string>();
const seenAuth: string[] = [];
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'imagestack-send-'));
  dicomDir = join(root, 'dicom');
  mkdirSync(dicomDir);
  for (const f of part10Files(stack, records)) writeFileSync(join(dicomDir, f.fileName), f.bytes);
  writeFileSync(join(root, 'notes.txt'), 'not dicom');
  server = createServer((req, res) => {
    seenAuth.push(String(req.headers.authorization));
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      const inBody = uids.filter(u => body.includes(u));
      const item = (u: string) => ({ '00081155': { vr: 'UI', Value: [u] } });
      const answer = {
        '00081199': { vr: 'SQ', Value: inBody.filter(u => !refuse.has(u)).map(item) },
        '00081198': { vr: 'SQ', Value: inBody.filter(u => refuse.has(u)).map(u => ({ ...item(u), '00081197': { vr: 'US', Value: [0xa700] } })) },
      };
      res.writeHead(refuse.size ? 202 : 200, { 'Content-Type': 'application/dicom+json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/dicom-web`;
});
afterAll(async () => {
  await new Promise(r => server.close(r));
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => refuse.clear());

test('sends DICOM files unchanged, with the token, and reports what the server confirmed', async () => {
  const c = collect({ IMAGESTACK_DICOMWEB_TOKEN: 'tok' });
  expect(await main(['send', dicomDir, '--stow', url, '--json'], c.io)).toBe(0);
  expect(JSON.parse(c.out.join(''))).toEqual({ instances: 3, stow: { accepted: 3, failed: 0, stored: uids, failures: [] } });
  expect(seenAuth.at(-1)).toBe('Bearer tok');
  expect(c.out.join('') + c.err.join('')).not.toContain('tok"');
});

test('an instance the server refuses is named by its file, and the exit status is 1', async () => {
  refuse.add(uids[1]);
  const c = collect();
  expect(await main(['send', join(dicomDir, 'IMG0001.dcm'), join(dicomDir, 'IMG0002.dcm'), '--stow', url], c.io)).toBe(1);
  expect(c.out.join('')).toMatch(/: 1 accepted, 1 failed\n$/);
  expect(c.err.join('')).toBe(
    `imagestack send: 1 of 2 instances were not confirmed stored by ${url}:\n  ${join(dicomDir, 'IMG0002.dcm')}: refused by the server: out of resources (0xA700)\n  (1 were stored)\n`,
  );
});

test('refuses inputs that are not DICOM, and a missing --stow, with one line', async () => {
  const c = collect();
  expect(await main(['send', join(root, 'notes.txt'), '--stow', url], c.io)).toBe(1);
  expect(c.err.join('')).toMatch(/notes\.txt: holds no DICOM Part-10 files/);
  const u = collect();
  expect(await main(['send', dicomDir], u.io)).toBe(2);
  expect(u.err.join('')).toMatch(/--stow <dicomweb-url> is required/);
});
