// The same labelmap → STL job in vtk.js (the devDependency), for bench/pipeline.bench.mjs: each
// slice read and decoded on this thread (our BMP decoder: vtk.js has no BMP reader), thresholded
// into a 0/1 labelmap, ImageMarchingCubes (merged points), WindowedSincPolyDataFilter (pass band
// 0.01), PolyDataNormals, binary STLWriter. Usage: node vtkjsPipeline.mjs <dir> <out.stl>
// <threshold> <iterations> <sx> <sy> <sz>. Prints one JSON object: per-step seconds, triangles.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const core = require(path.join(here, '../../platform/core/dist/index.js'));
for (const k of ['log', 'info', 'time', 'timeEnd', 'timeLog', 'warn']) console[k] = () => undefined; // vtk.js logs timings
const [dir, out, thrText, itersText, ...sp] = process.argv.slice(2);
const thr = Number(thrText);
const iters = Number(itersText);
const spacing = sp.map(Number);
const steps = {};
let t = performance.now();
const lap = name => {
  steps[name] = +((performance.now() - t) / 1000).toFixed(3);
  t = performance.now();
};
const { default: vtkImageData } = await import('@kitware/vtk.js/Common/DataModel/ImageData.js');
const { default: vtkDataArray } = await import('@kitware/vtk.js/Common/Core/DataArray.js');
const { default: vtkImageMarchingCubes } = await import('@kitware/vtk.js/Filters/General/ImageMarchingCubes.js');
const { default: vtkWindowedSincPolyDataFilter } = await import('@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js');
const { default: vtkPolyDataNormals } = await import('@kitware/vtk.js/Filters/Core/PolyDataNormals.js');
const { default: vtkSTLWriter } = await import('@kitware/vtk.js/IO/Geometry/STLWriter.js');
lap('import');

const files = fs.readdirSync(dir).filter(f => f.toLowerCase().endsWith('.bmp')).sort();
let labelmap;
let dims;
for (let k = 0; k < files.length; k++) {
  const img = core.decodeImage(new Uint8Array(fs.readFileSync(path.join(dir, files[k]))), files[k]).pages[0];
  if (!labelmap) {
    dims = [img.width, img.height, files.length];
    labelmap = new Uint8Array(dims[0] * dims[1] * dims[2]);
  }
  const n = img.width * img.height;
  const o = k * n;
  const c = img.channels;
  for (let i = 0; i < n; i++) labelmap[o + i] = img.data[i * c] >= thr ? 1 : 0;
}
lap('readThreshold');

const image = vtkImageData.newInstance({ spacing, origin: [0, 0, 0], extent: [0, dims[0] - 1, 0, dims[1] - 1, 0, dims[2] - 1] });
image.getPointData().setScalars(vtkDataArray.newInstance({ numberOfComponents: 1, values: labelmap }));
const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
mc.setInputData(image);
let poly = mc.getOutputData();
lap('extract');
if (iters > 0) {
  const ws = vtkWindowedSincPolyDataFilter.newInstance({ numberOfIterations: iters, passBand: 0.01, featureEdgeSmoothing: false, boundarySmoothing: false, nonManifoldSmoothing: true, normalizeCoordinates: true });
  ws.setInputData(poly);
  poly = ws.getOutputData();
  lap('smooth');
}
const nm = vtkPolyDataNormals.newInstance();
nm.setInputData(poly);
poly = nm.getOutputData();
lap('normals');
const writer = vtkSTLWriter.newInstance();
writer.setInputData(poly);
const bytes = writer.getOutputData();
fs.writeFileSync(out, new Uint8Array(bytes.buffer ?? bytes));
lap('write');
process.stdout.write(JSON.stringify({ steps_s: steps, triangles: poly.getPolys().getNumberOfCells() }) + '\n');
