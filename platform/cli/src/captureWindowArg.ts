// `--capture-window <level>,<width>|brain|bone|lung|wide`, shared by `convert` and `mesh`: the
// display window the screen captures were taken with, so grey levels read as approximate HU.
import { isImageStackError, parseCaptureWindow, type CaptureWindow } from '@imagestack/core';
import { UsageError } from './io';

export const CAPTURE_WINDOW_USAGE = `  --capture-window the window the captures show, in HU: <level>,<width> (e.g. 300,1500) or brain (40,80),
                   bone (300,1500), lung (-600,1500), wide (0,2000). Grey g reads as
                   level − width/2 + g·width/255 HU (a step of width/255 HU); 8-bit slices only`;

/**
 * Takes `--capture-window` out of `argv` (as `--capture-window v` or `--capture-window=v`) and
 * returns it with the remaining arguments in order.
 */
export function takeCaptureWindowArg(argv: readonly string[]): { captureWindow?: CaptureWindow; rest: string[] } {
  const rest: string[] = [];
  let captureWindow: CaptureWindow | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== '--capture-window' && !arg.startsWith('--capture-window=')) {
      rest.push(arg);
      continue;
    }
    // A level may be negative ("-600,1500"), but the value may not be another flag.
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
    if (value === undefined || /^--[a-z]/.test(value)) throw new UsageError('--capture-window needs a value');
    if (captureWindow) throw new UsageError('--capture-window is given twice');
    try {
      captureWindow = parseCaptureWindow(value);
    } catch (e) {
      if (isImageStackError(e)) throw new UsageError(`--capture-window: ${e.message}`);
      throw e;
    }
  }
  return { captureWindow, rest };
}
