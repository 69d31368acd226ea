import { IDENTITY_TRANSFORM, transformPoint, type Point3 } from '@imagestack/core';
import { fitPlaceDevice } from './deviceFit';
import { createFitState } from './fitState';
import { dragPlacement, type DragCamera } from './dragPlacement';

// Looking at the patient from the front (anterior, −y in LPS), head up: screen right is the
// patient's left (+x), screen up is superior (+z), out of the screen is anterior (−y).
const front: DragCamera = { viewUp: [0, 0, 1], viewPlaneNormal: [0, -1, 0] };
// From the patient's left side (+x), head up: screen right is posterior (+y).
const left: DragCamera = { viewUp: [0, 0, 2], viewPlaneNormal: [3, 0, 0] };

const placedAfter = (placement: ReturnType<typeof dragPlacement>, start = [...IDENTITY_TRANSFORM]) => {
  const state = createFitState();
  state.devices.push({ id: 'device-1', name: 'tube', source: { kind: 'tube', params: { outerDiameterMm: 10, innerDiameterMm: 7, lengthMm: 60 } }, transform: start });
  state.activeDeviceId = 'device-1';
  return fitPlaceDevice(state, placement);
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));

test('move: the device follows the pointer in the screen plane, scaled by mm per pixel', () => {
  close((dragPlacement(front, 10, 0, 'move', { mmPerPixel: 0.5 }) as any).translateMm, [5, 0, 0]);
  // canvas y grows downwards: dragging down moves the device inferior
  close((dragPlacement(front, 0, 4, 'move', { mmPerPixel: 0.5 }) as any).translateMm, [0, 0, -2]);
  // from the left, screen right is posterior (+y); the camera's vectors need not be unit
  close((dragPlacement(left, 10, 0, 'move') as any).translateMm, [0, 10, 0]);
  // never along the view axis
  const t = (dragPlacement({ viewUp: [0, 1, 1], viewPlaneNormal: [1, 0, 0] }, 7, -3, 'move') as any).translateMm as Point3;
  expect(t[0]).toBeCloseTo(0, 12);
  expect(Math.hypot(...t)).toBeCloseTo(Math.hypot(7, 3), 9);
  close((dragPlacement(front, 0, 0, 'move') as any).translateMm, [0, 0, 0]);
});

test('turn: a trackball about the device centre; the side nearest the viewer follows the pointer', () => {
  const centre: Point3 = [10, 20, 30];
  const p = dragPlacement(front, 20, 0, 'turn', { degPerPixel: 0.5, centreMm: centre });
  const T = placedAfter(p, [1, 0, 0, 10, 0, 1, 0, 20, 0, 0, 1, 30, 0, 0, 0, 1]);
  // the centre stays put
  close(transformPoint(T, [0, 0, 0]), centre);
  // a point of the device towards the viewer (−y, anterior) moves right (+x) by sin 10°
  const front1 = transformPoint(T, [0, -1, 0]);
  expect(front1[0] - centre[0]).toBeCloseTo(Math.sin((10 * Math.PI) / 180), 9);
  expect(front1[2]).toBeCloseTo(centre[2], 9);
  // dragging up turns the front up
  const up = placedAfter(dragPlacement(front, 0, -20, 'turn', { degPerPixel: 0.5 }));
  expect(transformPoint(up, [0, -1, 0])[2]).toBeCloseTo(Math.sin((10 * Math.PI) / 180), 9);
  // no move, no turn
  close(placedAfter(dragPlacement(front, 0, 0, 'turn')), IDENTITY_TRANSFORM);
});

test('roll: about the view axis, right is clockwise on screen', () => {
  const T = placedAfter(dragPlacement(front, 180, 0, 'roll', { degPerPixel: 0.5 }));
  // 90° clockwise seen from the front: screen up (+z) goes to screen right (+x)
  close(transformPoint(T, [0, 0, 1]), [1, 0, 0]);
  close(transformPoint(T, [0, 1, 0]), [0, 1, 0]);
});
