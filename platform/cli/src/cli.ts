#!/usr/bin/env node
// The `imagestack` command: a thin shell over @imagestack/core. Each subcommand lives in
// commands/<name>.ts and exports one `run(argv, io)`; this file only dispatches and turns
// errors into one line for the user.
import type { Worker } from 'node:worker_threads';
import { isImageStackError } from '@imagestack/core';
import { COMMANDS } from './commands';
import { UsageError, type CliIo } from './io';

const USAGE = `usage: imagestack <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}

Run \`imagestack <command> --help\` for a command's options.`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`imagestack: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  // One place answers `--help` for every command, before its arguments are parsed.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`imagestack ${name}: ${e.message}\n${command.usage}\n`);
      return 2;
    }
    if (isImageStackError(e)) {
      io.stderr(`imagestack ${name}: ${e.userMessage()}\n`);
      return 1;
    }
    throw e;
  }
}

/** A one-line progress display on a terminal's stderr; nothing when stderr is a file or pipe. */
function terminalProgress(): CliIo['progress'] {
  if (!process.stderr.isTTY) return undefined;
  let last = '';
  return (step, fraction) => {
    const line = `${step} ${Math.round(Math.min(1, Math.max(0, fraction)) * 100)} %`;
    if (line === last) return;
    last = line;
    process.stderr.write(`\r\x1b[K${line}${fraction >= 1 ? '\n' : ''}`);
  };
}

/**
 * Runs the command line of this process (what bin/imagestack.js, the installed bin, calls).
 * `meshWorkers`: mesh threads the bin started before this module loaded, for the command to
 * take; terminated at the end if it did not.
 */
export function runFromProcess(options: { meshWorkers?: Worker[] } = {}): void {
  let early = options.meshWorkers;
  const release = () => {
    for (const w of early ?? []) void w.terminate();
    early = undefined;
  };
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nimagestack: stopping (Ctrl-C again to quit at once)\n');
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  // A reader that went away (`imagestack convert … | head -1`): stop writing to it and let the
  // command finish its files, instead of dying of an unhandled EPIPE mid-series.
  const closed = { stdout: false, stderr: false };
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed[name] = true;
    });
  }
  main(process.argv.slice(2), {
    stdout: s => void (closed.stdout || process.stdout.write(s)),
    stderr: s => void (closed.stderr || process.stderr.write(s)),
    env: process.env,
    signal: interrupt.signal,
    progress: terminalProgress(),
    takeMeshWorkers: () => {
      const w = early;
      early = undefined;
      return w;
    },
  }).then(
    code => {
      release();
      process.exitCode = code;
    },
    e => {
      release();
      process.stderr.write(`imagestack: internal error (please report): ${e?.stack ?? e}\n`);
      process.exitCode = 70;
    },
  );
}

if (require.main === module) runFromProcess();
