// The Node-only entry of @imagestack/core (`import { readStack } from '@imagestack/core/node'`):
// file system and worker_threads. Browser code imports '@imagestack/core' only.
export * from './stack/node';
