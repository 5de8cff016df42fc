/**
 * The dotted paths under `root` (`querystring.q`, `body.student.name`) of the strings in `value`,
 * and of the object keys, that `matches`; at most `limit` of them. A key that matches is named
 * with NUL characters escaped (`\u0000`). Walks without recursion, so a deeply nested body cannot
 * overflow the stack; Buffers (raw bodies) are not inspected.
 */
export function fieldsMatching(root: string, value: unknown, matches: (text: string) => boolean, limit: number): string[] {
  const found: string[] = [];
  const pending: Array<[string, unknown]> = [[root, value]];
  while (pending.length > 0 && found.length < limit) {
    const [path, current] = pending.pop()!;
    if (typeof current === 'string') {
      if (matches(current)) found.push(path);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) pending.push([`${path}.${i}`, current[i]]);
    } else if (typeof current === 'object' && current !== null && !Buffer.isBuffer(current)) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i]!;
        if (matches(key)) found.push(`${path}.${key.replaceAll('\u0000', '\\u0000')}`);
        else pending.push([`${path}.${key}`, child]);
      }
    }
  }
  return found;
}
