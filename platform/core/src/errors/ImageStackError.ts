/**
 * What went wrong, in the user's terms. Every error a user can cause (a bad file, a missing
 * spacing, a stack that will not fit) is an ImageStackError: the CLI prints `userMessage()` as
 * one line and exits non-zero; the viewer shows the same line. Anything else is a bug and may
 * carry a stack trace.
 */
export type ImageStackErrorCode =
  | 'unsupported-format' // not an image we read, or a compression we do not support
  | 'corrupt' // header or data inconsistent: truncated, lying sizes, bad runs
  | 'too-large' // would need more memory than allowed
  | 'mismatch' // slices of different size or kind
  | 'empty' // nothing to work on
  | 'bad-geometry' // missing, zero, negative, NaN or absurd spacing; non-orthonormal cosines
  | 'bad-argument' // a command-line or form value that cannot be used
  | 'io' // a file could not be read or written
  | 'network' // a DICOMweb server refused or could not be reached
  | 'cancelled'; // the user cancelled

export class ImageStackError extends Error {
  readonly code: ImageStackErrorCode;
  /** The file the error is about (as the user named it), when there is one. */
  readonly file?: string;
  /** What is wrong, without the file: the sentence is composed from both in one place. */
  readonly reason: string;

  constructor(code: ImageStackErrorCode, reason: string, file?: string) {
    super(file ? `${file}: ${reason}` : reason);
    this.name = 'ImageStackError';
    this.code = code;
    this.file = file;
    this.reason = reason;
  }

  /** One line for the user: the file (if any) and the reason. */
  userMessage(): string {
    return this.message.split('\n')[0];
  }

  /** The same error, now naming `file` (for errors raised below the code that knows it). */
  withFile(file: string): ImageStackError {
    if (this.file) return this;
    return new ImageStackError(this.code, this.reason, file);
  }
}

export function isImageStackError(e: unknown): e is ImageStackError {
  return e instanceof ImageStackError;
}

/** A file that could not be written, as the user sees it: the path and the system's reason (its code, e.g. ENOSPC). */
export function writeFailed(e: unknown, path: string): ImageStackError {
  return new ImageStackError('io', `cannot write (${(e as { code?: string }).code ?? (e as Error).message})`, path);
}
