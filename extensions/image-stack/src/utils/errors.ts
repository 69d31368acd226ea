import { ImageStackError } from '@imagestack/core';

/** One line for the user, from any error: ImageStackErrors already name the file. */
export function errorLine(e: unknown): string {
  if (e instanceof ImageStackError) return e.userMessage();
  return (e as Error)?.message?.split('\n')[0] ?? String(e);
}

/** An error as the page shows it: the line, and the file it is about (to offer leaving it out). */
export interface ShownError {
  line: string;
  file?: string;
}

export function shownError(e: unknown): ShownError {
  return { line: errorLine(e), file: e instanceof ImageStackError ? e.file?.replace(/#\d+$/, '') : undefined };
}
