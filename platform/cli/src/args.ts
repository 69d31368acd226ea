import { UsageError } from './io';

/**
 * Reads a command line the way every command takes it: `--name value`, `--name=value`, flags
 * without a value, and positional arguments. One reader for all commands, so "needs a value"
 * and `=` mean the same everywhere.
 */
export class ArgReader {
  private i = -1;
  private eq = -1;
  private current = '';

  constructor(private readonly argv: readonly string[]) {}

  /** The next argument and its flag name (the text before any `=`), or undefined at the end. */
  next(): { name: string; arg: string } | undefined {
    if (++this.i >= this.argv.length) return undefined;
    this.current = this.argv[this.i];
    this.eq = this.current.startsWith('--') ? this.current.indexOf('=') : -1;
    return { name: this.eq > 0 ? this.current.slice(0, this.eq) : this.current, arg: this.current };
  }

  /** The value of the flag just read: after its `=`, or the next argument (which must not be a flag). */
  value(): string {
    const name = this.eq > 0 ? this.current.slice(0, this.eq) : this.current;
    const v = this.eq > 0 ? this.current.slice(this.eq + 1) : this.argv[++this.i];
    if (v === undefined || /^--[a-z]/.test(v)) throw new UsageError(`${name} needs a value`);
    return v;
  }

  /** After `--flag value` (not `--flag=value`): takes the next argument if it is not a flag (several inputs after one flag). */
  takePositional(): string | undefined {
    if (this.eq > 0) return undefined;
    const v = this.argv[this.i + 1];
    if (v === undefined || v.startsWith('--')) return undefined;
    this.i++;
    return v;
  }

  /** An optional flag value (`--fill-holes 2d`): after `=`, or the next argument when `accept` says it is one. */
  optionalValue(accept: (next: string) => boolean): string | undefined {
    if (this.eq > 0) return this.current.slice(this.eq + 1);
    const v = this.argv[this.i + 1];
    if (v === undefined || !accept(v)) return undefined;
    this.i++;
    return v;
  }
}
