import { meshMeasures, meshTopology } from '../mesh/meshStats';
import { generateTube, tubeVolumeMm3 } from './generateTube';

/** The shortfall of an inscribed n-gon's area against its circle's. */
const polygonFactor = (n: number) => Math.sin((2 * Math.PI) / n) / ((2 * Math.PI) / n);

test('straight tube: closed, outward, volume π(R²−r²)L within 1 % (and within the polygon factor to 1e-4)', () => {
  const p = { outerDiameterMm: 10, innerDiameterMm: 8, lengthMm: 80 };
  const m = generateTube(p);
  expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, parts: 1, eulerCharacteristic: 0 });
  const { volume_mL, bbox_mm } = meshMeasures(m);
  const v = volume_mL * 1000;
  expect(Math.abs(v / tubeVolumeMm3(p) - 1)).toBeLessThan(0.01);
  expect(Math.abs(v / (tubeVolumeMm3(p) * polygonFactor(64)) - 1)).toBeLessThan(1e-4);
  // Its frame: tip centred at the origin, along +z.
  bbox_mm.forEach((x, i) => expect(x).toBeCloseTo([-5, -5, 0, 5, 5, 80][i], 4));
});

test('bent tube: closed, outward, volume by Pappus within 1 %; the bend turns towards +x about (R, 0, straight)', () => {
  const p = { outerDiameterMm: 11, innerDiameterMm: 8.5, lengthMm: 90, bendRadiusMm: 30, bendAngleDeg: 90, segments: 48 };
  const m = generateTube(p);
  expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, parts: 1 });
  const v = meshMeasures(m).volume_mL * 1000;
  expect(Math.abs(v / tubeVolumeMm3(p) - 1)).toBeLessThan(0.01);
  // The straight part is 90 − 30·π/2 = 42.88 mm; after a quarter turn the end faces +x at z = straight + 30.
  const straight = 90 - 30 * (Math.PI / 2);
  const b = meshMeasures(m).bbox_mm;
  expect(b[5]).toBeCloseTo(straight + 30 + 5.5, 2); // the outside of the bend, at the quarter turn
  expect(b[3]).toBeCloseTo(30, 2); // the proximal end face, in the plane x = R
  // Solid rod bent by 180°: still closed; Pappus again.
  const rod = { outerDiameterMm: 6, innerDiameterMm: 0, lengthMm: 20 * Math.PI + 10, bendRadiusMm: 20, bendAngleDeg: 180, segments: 40 };
  const r = generateTube(rod);
  expect(meshTopology(r)).toMatchObject({ watertight: true, oriented: true, parts: 1, eulerCharacteristic: 2 });
  expect(Math.abs((meshMeasures(r).volume_mL * 1000) / tubeVolumeMm3(rod) - 1)).toBeLessThan(0.01);
});

test('cuff: closed, volume adds ∫π(rc(s)² − R²)ds of the sin² profile; bad parameters are refused', () => {
  const p = { outerDiameterMm: 10, innerDiameterMm: 8, lengthMm: 60, cuffDiameterMm: 20, cuffLengthMm: 20, cuffOffsetMm: 5, segments: 96 };
  const m = generateTube(p);
  expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true, parts: 1 });
  let extra = 0;
  for (let i = 0, n = 20000; i < n; i++) {
    const u = (i + 0.5) / n;
    const r = 5 + 5 * Math.sin(Math.PI * u) ** 2;
    extra += (Math.PI * (r * r - 25) * 20) / n;
  }
  const v = meshMeasures(m).volume_mL * 1000;
  expect(Math.abs(v / (tubeVolumeMm3(p) + extra) - 1)).toBeLessThan(0.01);
  expect(meshMeasures(m).bbox_mm[3]).toBeCloseTo(10, 1);
  expect(() => generateTube({ outerDiameterMm: 10, innerDiameterMm: 10, lengthMm: 5 })).toThrow(/inner diameter/);
  expect(() => generateTube({ outerDiameterMm: 10, innerDiameterMm: 8, lengthMm: 5, bendRadiusMm: 4, bendAngleDeg: 30 })).toThrow(/bend radius/);
  expect(() => generateTube({ outerDiameterMm: 10, innerDiameterMm: 8, lengthMm: 5, bendRadiusMm: 40, bendAngleDeg: 90 })).toThrow(/longer than the tube/);
  expect(() => generateTube({ outerDiameterMm: 10, innerDiameterMm: 8, lengthMm: 50, cuffDiameterMm: 9 })).toThrow(/cuff diameter/);
});
