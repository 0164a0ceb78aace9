// `export` lines a POSIX shell can `eval`. Values are left bare when they hold only characters
// no shell treats specially, and single-quoted otherwise (a single quote becomes '\'').

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function exportLine(name: string, value: string): string {
  return `export ${name}=${shellQuote(value)}`;
}
