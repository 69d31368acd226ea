import { ArgReader } from './args';

const all = (argv: string[], withValues: string[]) => {
  const r = new ArgReader(argv);
  const out: string[] = [];
  for (let n = r.next(); n; n = r.next()) out.push(withValues.includes(n.name) ? `${n.name}=${r.value()}` : n.arg);
  return out;
};

test('flags with values, in both spellings, and positionals', () => {
  expect(all(['a', '--stl', 'x.stl', '--smooth=20', '--json', 'b'], ['--stl', '--smooth'])).toEqual(['a', '--stl=x.stl', '--smooth=20', '--json', 'b']);
});

test('a flag whose value is missing or is another flag says so', () => {
  expect(() => all(['--stl'], ['--stl'])).toThrow('--stl needs a value');
  expect(() => all(['--stl', '--json'], ['--stl'])).toThrow('--stl needs a value');
  // a negative number is a value, not a flag
  expect(all(['--margin', '-2'], ['--margin'])).toEqual(['--margin=-2']);
});

test('several inputs after one flag, and an optional value taken only when it is one', () => {
  const r = new ArgReader(['--anatomy', 'a', 'b', '--fill-holes', 'c', '--fill-holes', '2d']);
  r.next();
  const inputs = [r.value()];
  for (let more = r.takePositional(); more !== undefined; more = r.takePositional()) inputs.push(more);
  expect(inputs).toEqual(['a', 'b']);
  r.next();
  expect(r.optionalValue(v => v === '2d' || v === '3d')).toBeUndefined();
  expect(r.next()?.arg).toBe('c');
  r.next();
  expect(r.optionalValue(v => v === '2d' || v === '3d')).toBe('2d');
  expect(r.next()).toBeUndefined();
});
