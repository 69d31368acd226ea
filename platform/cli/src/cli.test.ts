import { main } from './cli';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {} }, out, err };
}

test('no command prints usage and exits 2', async () => {
  const c = collect();
  expect(await main([], c.io)).toBe(2);
  expect(c.out.join('')).toMatch(/usage: imagestack/);
});

test('an unknown command is named in one line', async () => {
  const c = collect();
  expect(await main(['frobnicate'], c.io)).toBe(2);
  expect(c.err.join('')).toMatch(/unknown command "frobnicate"/);
});
