/** Maximum length of a handler's `titleRegex`. */
export const MAX_TITLE_REGEX_LENGTH = 500;

/** Flags every title regex is compiled with: titles compare case-insensitively. */
export const TITLE_REGEX_FLAGS = "i";

/**
 * Returns why `pattern` cannot be used as a title regex, or undefined when it can. The pattern
 * must compile as a JavaScript regular expression. It must not repeat a group that itself contains
 * an unbounded repeat, such as `(a+)+`, because such patterns can take exponential time.
 */
export function titleRegexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_TITLE_REGEX_LENGTH) {
    return `is ${pattern.length} characters long; the limit is ${MAX_TITLE_REGEX_LENGTH}`;
  }
  try {
    new RegExp(pattern, TITLE_REGEX_FLAGS);
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
  const nested = findNestedRepeat(pattern);
  if (nested !== undefined) {
    return (
      `repeats the group ending at character ${nested + 1} that itself repeats without bound, ` +
      "which can take exponential time; rewrite it without a repeated group such as (a+)+ or (\\w*)*"
    );
  }
  return undefined;
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 500;

/** Compiles a title regex that `titleRegexProblem` accepted; throws with the problem otherwise. */
export function compileTitleRegex(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;

  const problem = titleRegexProblem(pattern);
  if (problem) throw new Error(`titleRegex ${problem}.`);

  const regex = new RegExp(pattern, TITLE_REGEX_FLAGS);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, regex);
  return regex;
}

/**
 * Returns the index of the `)` of a group that contains an unbounded quantifier (`*`, `+`, `{n,}`)
 * and is itself followed by a repeating quantifier, or undefined when there is none.
 * NOTE: this catches nested repeats only; overlapping alternatives such as `(a|a)*` can still
 * backtrack heavily, which the length limits on titles and patterns keep small.
 */
function findNestedRepeat(pattern: string): number | undefined {
  const groups: boolean[] = [];
  let inClass = false;

  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];

    if (char === "\\") {
      index++;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }

    if (char === "[") {
      inClass = true;
    } else if (char === "(") {
      groups.push(false);
    } else if (char === ")") {
      const containsUnbounded = groups.pop() ?? false;
      const repeat = quantifierAt(pattern, index + 1);
      if (containsUnbounded && repeat.repeats) return index;
      if (groups.length > 0 && (containsUnbounded || repeat.unbounded)) groups[groups.length - 1] = true;
    } else if (groups.length > 0 && quantifierAt(pattern, index).unbounded) {
      groups[groups.length - 1] = true;
    }
  }
  return undefined;
}

/** Reads the quantifier starting at `index`, if any: whether it repeats more than once, and whether without bound. */
function quantifierAt(pattern: string, index: number): { repeats: boolean; unbounded: boolean } {
  const char = pattern[index];
  if (char === "*" || char === "+") return { repeats: true, unbounded: true };
  if (char !== "{") return { repeats: false, unbounded: false };

  const braces = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index));
  if (!braces) return { repeats: false, unbounded: false };
  if (braces[2] === undefined) return { repeats: Number(braces[1]) > 1, unbounded: false };
  if (braces[3] === "") return { repeats: true, unbounded: true };
  return { repeats: Number(braces[3]) > 1, unbounded: false };
}
