/**
 * Union–find over the integers 0..n−1 in one Int32Array (`parent[a] === a` for a root), with
 * path halving; the one implementation the labelmap components and the mesh topology share.
 */
export function findRoot(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

/** Joins the sets of a and b; the smaller root index becomes the root (order-independent results). */
export function unite(parent: Int32Array, a: number, b: number): void {
  const ra = findRoot(parent, a);
  const rb = findRoot(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** Every element its own set: parent[i] = i for i < n (in an array at least n long). */
export function singletons(parent: Int32Array, from = 0, to = parent.length): Int32Array {
  for (let i = from; i < to; i++) parent[i] = i;
  return parent;
}
