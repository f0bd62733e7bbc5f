import type { HttpRoute } from "../app/http";

export interface RouteMatch {
  route: HttpRoute;
  params: Record<string, string>;
}

interface CompiledRoute {
  route: HttpRoute;
  pattern: RegExp;
  names: string[];
}

/**
 * Matches request paths against Functions route templates (`incidents/{incidentKey}/thread`), as
 * the Functions host does: `{name}` is one path segment, `{*name}` the rest of the path, and
 * literal segments compare case-insensitively.
 */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: HttpRoute[], private readonly prefix = "api") {
    this.compiled = routes.map((route) => compile(route));
  }

  /**
   * Returns the route for `method` and `path`, or undefined. When only the method differs it
   * returns `{ allowed }` with the path's methods, and `invalid-path` when a parameter is not valid
   * percent-encoding. A GET route serves HEAD too, as HTTP requires.
   */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | "invalid-path" | undefined {
    const prefix = `/${this.prefix}/`;
    if (!path.toLowerCase().startsWith(prefix)) return undefined;
    const rest = path.slice(prefix.length).replace(/\/+$/, "");
    const requested = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
    const allowed = new Set<string>();
    for (const candidate of this.compiled) {
      const found = candidate.pattern.exec(rest);
      if (!found) continue;
      if (!candidate.route.methods.includes(requested as never)) {
        candidate.route.methods.forEach((name) => allowed.add(name));
        continue;
      }
      const params: Record<string, string> = {};
      try {
        candidate.names.forEach((name, index) => {
          params[name] = decodeURIComponent(found[index + 1]);
        });
      } catch {
        return "invalid-path";
      }
      return { route: candidate.route, params };
    }
    if (allowed.size === 0) return undefined;
    if (allowed.has("GET")) allowed.add("HEAD");
    return { allowed: [...allowed].sort() };
  }
}

function compile(route: HttpRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.route
    .split("/")
    .map((segment) => {
      const parameter = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(parameter[2]);
      return parameter[1] === "*" ? "(.+)" : "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}$`, "i"), names };
}
