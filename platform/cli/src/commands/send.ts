// `imagestack send <DICOM files or folders…> --stow <dicomweb-url> [--json]`: Part-10 files sent
// by STOW-RS as they are (same UIDs), e.g. the files a `convert --stow` named as not stored.
import { readFile } from 'node:fs/promises';
import { ImageStackError, readPart10, stowInstances, type StowInstance } from '@imagestack/core';
import { dicomInputs } from '../dicomInputs';
import { UsageError, type CliIo, type Command } from '../io';
import { failureReport, printableUrl, type FileStowResult } from '../stowReport';
import { TOKEN_ENV } from './convert';

const USAGE = `usage: imagestack send <inputs…> --stow <dicomweb-url> [--json]
  <inputs…>  DICOM Part-10 files, or folders of them, sent unchanged (a server keeps one copy
             of a SOP instance, so sending again what it already has is harmless)
  --stow     the DICOMweb root, e.g. http://localhost:8042/dicom-web
             (a bearer token is read from IMAGESTACK_DICOMWEB_TOKEN)
  --json     print one JSON object: {"instances","stow":{"accepted","failed","stored","failures"}}
Exit status 1 when any instance was not confirmed stored (after retries with backoff).`;

export interface SendResult {
  instances: number;
  stow: FileStowResult;
}

function parseSendArgs(argv: string[]) {
  const inputs: string[] = [];
  let stowUrl: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--stow') {
      stowUrl = inline ?? argv[++i];
      if (stowUrl === undefined || stowUrl.startsWith('--')) throw new UsageError('--stow needs a value');
    } else if (name === '--json') json = true;
    else if (name.startsWith('-')) throw new UsageError(`unknown option ${name}`);
    else inputs.push(arg);
  }
  if (inputs.length === 0) throw new UsageError('give at least one DICOM file or folder');
  if (!stowUrl) throw new UsageError('--stow <dicomweb-url> is required');
  return { inputs, stowUrl, json };
}

export const send: Command = {
  summary: 'DICOM files → a DICOMweb server by STOW-RS, unchanged (e.g. to resend what failed)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseSendArgs(argv);
    const files = await dicomInputs(args.inputs);
    if (!files) throw new ImageStackError('unsupported-format', 'holds no DICOM Part-10 files: send takes the files convert wrote', args.inputs[0]);
    const fileOf = new Map<string, string>();
    let read = 0;
    async function* instances(): AsyncGenerator<StowInstance> {
      for (const file of files!) {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await readFile(file));
        } catch (e) {
          throw new ImageStackError('io', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
        }
        const uid = readPart10(bytes, file).dataset.SOPInstanceUID;
        if (typeof uid !== 'string' || !uid) throw new ImageStackError('corrupt', 'has no SOP Instance UID', file);
        fileOf.set(uid, file);
        io.progress?.('sending', ++read / files!.length);
        yield { sopInstanceUID: uid, bytes };
      }
    }
    const sent = await stowInstances(args.stowUrl, instances(), { token: io.env[TOKEN_ENV] || undefined, total: files.length, signal: io.signal });
    const result: SendResult = {
      instances: files.length,
      stow: { ...sent, failures: sent.failures.map(f => ({ file: fileOf.get(f.sopInstanceUID) ?? '', ...f })) },
    };
    const url = printableUrl(args.stowUrl);
    if (args.json) io.stdout(JSON.stringify(result) + '\n');
    else io.stdout(`sent ${files.length} DICOM files to ${url}: ${sent.accepted} accepted, ${sent.failed} failed\n`);
    if (sent.failed > 0) {
      io.stderr(failureReport('send', files.length, result.stow, url, `${sent.accepted} were stored`));
      return 1;
    }
    return 0;
  },
};
