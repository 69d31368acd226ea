import type { Mesh } from '../mesh/types';
import { measureFit, type FitOptions, type FitResult } from './measureFit';
import { prepareAnatomy, prepareDevice } from './prepareMesh';
import type { Transform4 } from './transform';

/**
 * One-off fit check (the CLI's): prepares both meshes and measures once. For a device that moves,
 * prepare once with prepareAnatomy / prepareDevice and call measureFit per placement.
 */
export function fitDevice(anatomy: Mesh, device: Mesh, transform: Transform4, options: FitOptions = {}): FitResult {
  return measureFit(prepareAnatomy(anatomy), prepareDevice(device), transform, options);
}
