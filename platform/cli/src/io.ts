import type { Worker } from 'node:worker_threads';
import { ImageStackError } from '@imagestack/core';

/** Where a command writes; tests pass collectors, the real CLI passes process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Aborted when the user presses Ctrl-C: long steps stop and nothing partial is passed off as done. */
  signal?: AbortSignal;
  /** Progress of a long step (shown on a terminal's stderr; silent in logs and tests). */
  progress?(step: string, fraction: number): void;
  /**
   * The mesh worker threads the process started before its modules loaded (bin/imagestack.js,
   * for mesh and fit), booting meanwhile: the first caller takes them and owns them.
   */
  takeMeshWorkers?(): Worker[] | undefined;
}

/** A mistake in the command line itself: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A file the CLI could not write, as the user sees it: the path and the system's reason (its code, e.g. ENOSPC). */
export function writeFailed(e: unknown, path: string): ImageStackError {
  return new ImageStackError('io', `cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
}
