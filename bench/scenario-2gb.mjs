// `npm run bench -- --scenario 2gb`: the seed's 2 GB of 1920 × 1080 24-bit BMP captures (330
// slices, generated in a temp folder and removed after), cropped to 1500 × 1000, through
// `imagestack convert` and `imagestack mesh` (with and without --smooth 20): peak RSS against
// 1.5 × the grey volume + 200 MB, time against 3 × `cat` of the same files from a warm cache.
// Prints one JSON object. SCENARIO_SLICES overrides the slice count. The browser half of the
// scenario (the import page in headless Chromium) is not measured here.
import { runCaptureScenario } from './lib/captureScenario.mjs';

const slices = Number(process.env.SCENARIO_SLICES ?? 330);
const commands = process.env.SCENARIO_COMMANDS?.split(',');
const result = runCaptureScenario({ slices, ...(commands ? { commands } : {}), log: s => process.stderr.write(`[2gb] ${s}\n`) });
result.browser = 'not measured by this script';
process.stdout.write(JSON.stringify(result) + '\n');
