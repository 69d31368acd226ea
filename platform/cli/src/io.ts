import type { Worker } from 'node:worker_threads';

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

/** A file the CLI could not write, as the user sees it (core's one wording, which the mesh threads use too). */
export { writeFailed } from '@imagestack/core';
