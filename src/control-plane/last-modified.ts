// Lambda prints LastModified as ISO-8601 with milliseconds and a `+0000` offset,
// e.g. `2026-11-22T10:15:30.123+0000` (FunctionConfiguration in the Lambda API reference).
export function formatLastModified(date: Date): string {
  return date.toISOString().replace(/Z$/, '+0000');
}
