export * from './transform';
export * from './generateTube';
export * from './prepareMesh';
export * from './measureFit';
export * from './fitDevice';
export * from './deviceContourOnPlane';
export { TriangleFeature, closestPointOnTriangle } from './closestPointOnTriangle';
export { buildTriangleBvh, BvhQuery, type TriangleBvh } from './triangleBvh';
