// `npm run bench -- --scenario 2gb`: the seed's 2 GB of 1920 × 1080 24-bit BMP captures (330
// slices, generated in a temp folder and removed after), cropped to 1500 × 1000:
// - cli: through `imagestack convert` and `imagestack mesh` (with and without --smooth 20):
//   peak RSS against 1.5 × the grey volume + 200 MB, time against 3 × `cat` of the same files
//   from a warm cache;
// - browser: given to the real import page in Debian's Chromium, loaded, thresholded, refined
//   (the largest piece kept) and exported as STL, each with its progress shown: time to the first slice shown, the full volume against reading the files
//   (File.arrayBuffer in two workers), the renderer's memory above the viewer's baseline against
//   the grey volume, 8-bit end to end, no full copies (bench/lib/browserScenario.mjs).
// Prints one JSON object. SCENARIO_SLICES sets the size (33: about 200 MB), SCENARIO_PARTS
// which halves run (cli,browser), SCENARIO_COMMANDS the CLI's commands.
import { runCaptureScenario } from './lib/captureScenario.mjs';
import { runBrowserCaptureScenario } from './lib/browserScenario.mjs';

const slices = Number(process.env.SCENARIO_SLICES ?? 330);
const parts = (process.env.SCENARIO_PARTS ?? 'cli,browser').split(',');
const commands = process.env.SCENARIO_COMMANDS?.split(',');
const log = s => process.stderr.write(`[2gb] ${s}\n`);
const result = parts.includes('cli') ? runCaptureScenario({ slices, ...(commands ? { commands } : {}), log }) : {};
result.browser = parts.includes('browser') ? await runBrowserCaptureScenario({ slices, log: s => log(`browser: ${s}`) }) : 'not run (SCENARIO_PARTS)';
process.stdout.write(JSON.stringify(result) + '\n');
