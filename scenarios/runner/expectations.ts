/** Where `actual` differs from the subset `expected` asks for, as readable lines; empty when it matches. `null` expects absence. */
export function differences(actual: unknown, expected: unknown, path = ''): string[] {
  if (expected === null) return actual === null || actual === undefined ? [] : [`${path || 'value'}: expected none, got ${JSON.stringify(actual)}`];
  if (typeof expected !== 'object') {
    return Object.is(actual, expected) ? [] : [`${path || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${path || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((item, i) => differences(actual[i], item, `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object') return [`${path || 'value'}: expected an object like ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  return Object.entries(expected).flatMap(([key, value]) => differences((actual as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key));
}

/** `${name}` in every string of a step, from the values earlier steps saved. */
export function interpolate<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in vars)) throw new Error(`\${${name}} is used before a step saved it`);
      return vars[name]!;
    }) as T;
  }
  if (Array.isArray(value)) return (value as unknown[]).map((item) => interpolate(item, vars)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)])) as T;
  return value;
}

/** A value in a JSON answer by a dotted path (`userId`, `results.0.status`). */
export function pick(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value);
}
