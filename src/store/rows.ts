// Rows are checked where they leave SQLite: a value the domain cannot hold (an unknown state, a float
// where an id belongs, tags that are not a JSON array of strings) is a corrupt database, and throws.

export class CorruptRowError extends Error {
  override name = 'CorruptRowError';
}

export interface RowReader {
  int(column: string): number;
  intOrNull(column: string): number | null;
  text(column: string): string;
  textOrNull(column: string): string | null;
  oneOf<T extends string>(column: string, values: readonly T[]): T;
  oneOfOrNull<T extends string>(column: string, values: readonly T[]): T | null;
  strings(column: string): string[];
}

export function readRow(table: string, value: unknown): RowReader {
  if (typeof value !== 'object' || value === null) throw new CorruptRowError(`${table}: expected a row`);
  const row = value as Record<string, unknown>;
  const fail = (column: string, expected: string): never => {
    throw new CorruptRowError(`${table}.${column}: expected ${expected}, found ${String(row[column])}`);
  };
  const nullable =
    <T>(read: (column: string) => T) =>
    (column: string): T | null =>
      row[column] === null ? null : read(column);

  const int = (column: string): number => {
    const v = row[column];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : fail(column, 'an integer');
  };
  const text = (column: string): string => {
    const v = row[column];
    return typeof v === 'string' ? v : fail(column, 'text');
  };
  const oneOf = <T extends string>(column: string, values: readonly T[]): T => {
    const v = row[column];
    return values.includes(v as T) ? (v as T) : fail(column, `one of ${values.join(', ')}`);
  };
  const strings = (column: string): string[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text(column));
    } catch {
      return fail(column, 'a JSON array');
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      return fail(column, 'a JSON array of strings');
    }
    return parsed;
  };

  return {
    int,
    intOrNull: nullable(int),
    text,
    textOrNull: nullable(text),
    oneOf,
    oneOfOrNull: <T extends string>(column: string, values: readonly T[]) =>
      row[column] === null ? null : oneOf(column, values),
    strings,
  };
}
