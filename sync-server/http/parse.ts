// The one way untrusted input becomes typed data: parse(schema, input) at the boundary.
import type { z } from 'zod';

export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.output<S> } | { ok: false; code: 'request.invalid' } {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, code: 'request.invalid' };
}
