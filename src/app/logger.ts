/**
 * Logging interface of the app's modules. `InvocationContext` from `@azure/functions` satisfies
 * it, so the Functions logger (and Application Insights in Azure) receives every line. The local
 * host passes a console-backed logger of the same shape.
 */
export interface Logger {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A logger that writes nothing, for code paths that have no invocation context. */
export const silentLogger: Logger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Creates a console-backed logger with a prefix, for the local host and command-line tools. */
export function consoleLogger(prefix = ""): Logger {
  const tag = prefix ? `[${prefix}] ` : "";
  return {
    log: (...args) => console.log(tag + format(args)),
    warn: (...args) => console.warn(tag + format(args)),
    error: (...args) => console.error(tag + format(args)),
  };
}

function format(args: unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === "string") return arg;
      if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
      try {
        return JSON.stringify(arg);
      } catch {
        return String(arg);
      }
    })
    .join(" ");
}
