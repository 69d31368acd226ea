// Node-only parts of stack/ (file system, worker_threads). Import from '@imagestack/core/node'
// or platform/core/src/node; never from browser code.
export { readStack, inspectStack, type ReadStackOptions } from './readStack';
export { defaultWorkers, meshWorkerScript, spawnMeshWorkers } from './meshWorkers';
export { listInputs, probeFiles, fileTargets, type ListedFile } from './listInputs';
export { spawnNodeWorker, nodeWorkerScript } from './spawnNodeWorker';
export { createFileReader } from './fileReader';
export { startMeshThreads, type MeshThreads } from './meshThreads';
export { extractStackSurface, type StackSurfaceOptions } from './meshStack';
