import { z } from 'zod';

/**
 * `shape` as an object schema that refuses keys it does not know, each named in its own issue at
 * its own path (`body.photos: is not …`), where a strict object would name only the object.
 * `what` completes the message: "is not <what>".
 */
export function objectOfKnownKeys<Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  const known = new Set(Object.keys(shape));
  return z.looseObject(shape).transform((value, ctx) => {
    const unknown = Object.keys(value).filter((key) => !known.has(key));
    for (const key of unknown) ctx.addIssue({ code: 'custom', path: [key], message: `is not ${what} (known: ${[...known].join(', ')})` });
    if (unknown.length > 0) return z.NEVER;
    return Object.fromEntries(Object.entries(value).filter(([key]) => known.has(key))) as z.infer<z.ZodObject<Shape>>;
  });
}
