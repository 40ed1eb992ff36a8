// Pure pieces of catalog search: text folding and prefix queries, day masks, opaque keyset cursors.

/** Letters that Unicode decomposition leaves alone but `unaccent` maps, so both sides fold alike. */
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lower-case without accents, as the database's catalog_fold() does for stored text. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (ch) => SPECIAL_FOLDS[ch] ?? ch);
}

/** Folded words of a query: runs of letters and digits, at most 8 of them. */
export function searchTokens(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 8);
}

/**
 * A to_tsquery('simple', …) text matching every word as a prefix ("cs 22" → `cs:* & 22:*`).
 * Tokens hold only letters and digits, so no tsquery operator can be smuggled in.
 */
export function prefixTsQuery(text: string): string | undefined {
  const tokens = searchTokens(text);
  return tokens.length === 0 ? undefined : tokens.map((t) => `${t}:*`).join(' & ');
}

const DAY_LETTERS = 'MTWRFSU';

/** The bit mask of the catalog_days_mask() SQL function: M=1, T=2, W=4, R=8, F=16, S=32, U=64. */
export function daysMask(days: string): number {
  let mask = 0;
  for (const ch of days) {
    const index = DAY_LETTERS.indexOf(ch);
    if (index >= 0) mask |= 1 << index;
  }
  return mask;
}

/** Days in week order without repeats, or undefined when a letter is unknown or repeated. */
export function canonicalDays(days: string): string | undefined {
  if (!/^[MTWRFSU]+$/.test(days)) return undefined;
  const unique = new Set(days);
  if (unique.size !== days.length) return undefined;
  return [...DAY_LETTERS].filter((d) => unique.has(d)).join('');
}

export type SortKeyValue = string | number;

export interface CursorPayload {
  sort: string;
  keys: SortKeyValue[];
  id: string;
}

/** Opaque to clients: the sort and the last row's key, so the next page starts right after it. */
export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify([1, payload.sort, payload.keys, payload.id])).toString(
    'base64url',
  );
}

/** Undefined when the cursor is not one we made for this sort (then the caller answers 400). */
export function decodeCursor(
  cursor: string,
  sort: string,
  keyCount: number,
): CursorPayload | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 1) return undefined;
    const [, cursorSort, keys, id] = parsed as [unknown, unknown, unknown, unknown];
    if (cursorSort !== sort || typeof id !== 'string' || !Array.isArray(keys)) return undefined;
    if (keys.length !== keyCount) return undefined;
    if (!keys.every((k) => typeof k === 'string' || typeof k === 'number')) return undefined;
    return { sort, keys: keys, id };
  } catch {
    return undefined;
  }
}
