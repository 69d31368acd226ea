import { main } from './cli';
import { COMMANDS } from './commands';

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

test.each(Object.keys(COMMANDS))('`imagestack %s --help` prints that command\'s usage and exits 0, even after other flags', async name => {
  for (const argv of [[name, '--help'], [name, '--json', '-h']]) {
    const c = collect();
    expect(await main(argv, c.io)).toBe(0);
    expect(c.out.join('')).toBe(COMMANDS[name].usage + '\n');
    expect(c.err.join('')).toBe('');
  }
});
