#!/usr/bin/env bash
# The README's command line, as a new user runs it right after `npm ci`: the `imagestack` bin
# must be linked (npx --no-install: never fetched from a registry) and read real slices.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "[ci] npx imagestack --help"
npx --no-install imagestack --help >/dev/null

slices="$(mktemp -d)"
trap 'rm -rf "$slices"' EXIT
node --input-type=module - "$slices" <<'JS'
import fs from 'node:fs';
import path from 'node:path';
import { greyToBmp24 } from './tests/fixtures/bmp24.mjs';
const dir = process.argv[2];
const [width, height, count] = [40, 30, 4];
for (let k = 0; k < count; k++) {
  const grey = new Uint8Array(width * height).map((_, i) => (i + 40 * k) % 256);
  fs.writeFileSync(path.join(dir, `slice${String(k + 1).padStart(3, '0')}.bmp`), greyToBmp24(grey, width, height));
}
JS

echo "[ci] npx imagestack info <4 generated BMP slices> --json"
npx --no-install imagestack info "$slices" --json | node -e '
  let text = "";
  process.stdin.on("data", d => (text += d)).on("end", () => {
    const info = JSON.parse(text);
    const got = [info.files, info.width, info.height, info.bitDepth, info.format].join(" ");
    if (got !== "4 40 30 8 bmp") { console.error(`[ci] imagestack info said ${got}, expected 4 40 30 8 bmp`); process.exit(1); }
    console.log(`[ci] imagestack info: ${info.files} slices of ${info.width}x${info.height}, ${info.format}`);
  });'
