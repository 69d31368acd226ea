# 3D Slicer's labelmap → STL pipeline in VTK's C++ (Debian python3-vtk9), for bench/pipeline.bench.mjs:
# slices read with Pillow, vtkImageThreshold → labelmap, 1-voxel pad (Slicer pads so the surface
# closes), vtkDiscreteFlyingEdges3D, vtkWindowedSincPolyDataFilter (Slicer's defaults:
# non-manifold smoothing, normalized coordinates, pass band 10^(-4·0.5) = 0.01), vtkPolyDataNormals,
# binary vtkSTLWriter. Usage: vtkPipeline.py <dir> <out.stl> <threshold> <iterations> <sx> <sy> <sz>
# Prints one JSON object: per-step seconds, triangles.
import json, os, sys, time
t_start = time.perf_counter()
import numpy as np
from PIL import Image
from vtkmodules.vtkCommonCore import vtkMultiThreader
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkImagingCore import vtkImageThreshold, vtkImageConstantPad
from vtkmodules.vtkFiltersGeneral import vtkDiscreteFlyingEdges3D
from vtkmodules.vtkFiltersCore import vtkWindowedSincPolyDataFilter, vtkPolyDataNormals
from vtkmodules.vtkIOGeometry import vtkSTLWriter
from vtkmodules.util.numpy_support import numpy_to_vtk

d, out, thr, iters = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
spacing = [float(v) for v in sys.argv[5:8]]
steps = {'import': time.perf_counter() - t_start}
t = time.perf_counter()
files = sorted(f for f in os.listdir(d) if f.lower().endswith('.bmp'))
first = np.asarray(Image.open(os.path.join(d, files[0])).convert('L'))
vol = np.empty((len(files),) + first.shape, dtype=np.uint8)
for k, f in enumerate(files):
    im = Image.open(os.path.join(d, f))
    vol[k] = np.asarray(im if im.mode == 'L' else im.convert('L'))
steps['read'] = time.perf_counter() - t

t = time.perf_counter()
img = vtkImageData()
img.SetDimensions(vol.shape[2], vol.shape[1], vol.shape[0])
img.SetSpacing(*spacing)
img.GetPointData().SetScalars(numpy_to_vtk(vol.reshape(-1), deep=0))
th = vtkImageThreshold()
th.SetInputData(img)
th.ThresholdByUpper(thr)
th.SetInValue(1)
th.SetOutValue(0)
th.SetOutputScalarTypeToUnsignedChar()
th.Update()
steps['threshold'] = time.perf_counter() - t

t = time.perf_counter()
pad = vtkImageConstantPad()
pad.SetInputConnection(th.GetOutputPort())
e = img.GetExtent()
pad.SetOutputWholeExtent(e[0] - 1, e[1] + 1, e[2] - 1, e[3] + 1, e[4] - 1, e[5] + 1)
pad.SetConstant(0)
fe = vtkDiscreteFlyingEdges3D()
fe.SetInputConnection(pad.GetOutputPort())
fe.SetValue(0, 1)
fe.ComputeGradientsOff()
fe.ComputeNormalsOff()
fe.ComputeScalarsOff()
fe.Update()
steps['extract'] = time.perf_counter() - t
port = fe.GetOutputPort()

if iters > 0:
    t = time.perf_counter()
    ws = vtkWindowedSincPolyDataFilter()
    ws.SetInputConnection(port)
    ws.SetNumberOfIterations(iters)
    ws.SetPassBand(0.01)
    ws.BoundarySmoothingOff()
    ws.FeatureEdgeSmoothingOff()
    ws.NonManifoldSmoothingOn()
    ws.NormalizeCoordinatesOn()
    ws.Update()
    steps['smooth'] = time.perf_counter() - t
    port = ws.GetOutputPort()

t = time.perf_counter()
nm = vtkPolyDataNormals()
nm.SetInputConnection(port)
nm.ConsistencyOn()
nm.SplittingOff()
nm.Update()
steps['normals'] = time.perf_counter() - t

t = time.perf_counter()
w = vtkSTLWriter()
w.SetInputConnection(nm.GetOutputPort())
w.SetFileName(out)
w.SetFileTypeToBinary()
w.Write()
steps['write'] = time.perf_counter() - t
print(json.dumps({'steps_s': {k: round(v, 3) for k, v in steps.items()}, 'triangles': nm.GetOutput().GetNumberOfPolys(),
                  'vtk': __import__('vtkmodules.vtkCommonCore', fromlist=['vtkVersion']).vtkVersion.GetVTKVersion(),
                  'threads': vtkMultiThreader.GetGlobalDefaultNumberOfThreads()}))
