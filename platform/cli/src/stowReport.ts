import type { StowFailure } from '@imagestack/core';

/** An instance the server did not confirm, with the file that holds it. */
export interface FileStowFailure extends StowFailure {
  /** The Part-10 file of the instance (a name in --out for convert, the path given for send). */
  file: string;
}

/** What a DICOMweb server confirmed, instance by instance (StowResult with file names). */
export interface FileStowResult {
  accepted: number;
  failed: number;
  /** SOP Instance UIDs the server confirmed, in the order sent. */
  stored: string[];
  failures: FileStowFailure[];
}

const LISTED_FAILURES = 20;

/**
 * Which instances the server did not confirm, and why: a heading, one line per file (the first
 * 20; --json lists them all) and a closing note, for stderr.
 */
export function failureReport(command: string, total: number, stow: FileStowResult, url: string, note: string): string {
  const lines = [`imagestack ${command}: ${stow.failed} of ${total} instances were not confirmed stored by ${url}:`];
  for (const f of stow.failures.slice(0, LISTED_FAILURES)) lines.push(`  ${f.file || f.sopInstanceUID}: ${f.reason}`);
  if (stow.failed > LISTED_FAILURES) lines.push(`  … and ${stow.failed - LISTED_FAILURES} more (--json lists them all)`);
  lines.push(`  (${note})`);
  return lines.join('\n') + '\n';
}

/** The DICOMweb URL as safe to print: without any user:password part. */
export function printableUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}
