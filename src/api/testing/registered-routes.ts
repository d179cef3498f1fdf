/** A route as Fastify registered it: one method and the URL pattern. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/**
 * Every route Fastify registered, read from `printRoutes({ commonPrefix: false })` (a tree whose lines add to
 * their parent's path). Tests that must cover every route — including routes other areas add later — start here.
 */
export function routesOf(tree: string): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[├└]── (\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = [...match[1]!].length / 4;
    const url = (parents[depth - 1] ?? '') + match[2]!;
    parents[depth] = url;
    parents.length = depth + 1;
    for (const method of match[3]!.split(',').map((m) => m.trim())) out.push({ method, url });
  }
  return out;
}
