/**
 * Stripe's request encoding for the local Stripe stand-in: `a[b][0][c]=v` form/query pairs
 * into a nested tree (arrays come out as objects keyed '0', '1' …), and typed readers.
 */

export type FormValue = string | FormTree;
export interface FormTree {
  [key: string]: FormValue;
}

/** Parses an `application/x-www-form-urlencoded` body or query string. */
export function parseForm(text: string): FormTree {
  const root: FormTree = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const path = name.replace(/\]/g, '').split('[');
    let node = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (typeof next === 'object') node = next;
      else node = node[part] = {};
    });
  }
  return root;
}

/** Thrown for a malformed parameter; the stand-in answers 400 like Stripe. */
export class FormError extends Error {
  constructor(readonly param: string) {
    super(`Invalid value for ${param}`);
  }
}

export const str = (tree: FormTree, key: string): string | undefined => {
  const v = tree[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new FormError(key);
  return v;
};

export const requiredStr = (tree: FormTree, key: string): string => {
  const v = str(tree, key);
  if (v === undefined) throw new FormError(key);
  return v;
};

export const num = (tree: FormTree, key: string): number | undefined => {
  const v = str(tree, key);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new FormError(key);
  return Number(v);
};

export const sub = (tree: FormTree, key: string): FormTree => {
  const v = tree[key];
  if (v === undefined) return {};
  if (typeof v === 'string') throw new FormError(key);
  return v;
};

/** `metadata[k]=v` pairs as a string record. */
export const metadata = (tree: FormTree): Record<string, string> | undefined => {
  const v = tree.metadata;
  if (v === undefined || typeof v === 'string') return undefined;
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
};

/** `expand[0]=latest_charge` … as a list. */
export const expand = (tree: FormTree): string[] => Object.values(sub(tree, 'expand')).filter((v): v is string => typeof v === 'string');
