// Pricing facts per term, kept by the process: the registration's facts statement reads only
// their version (one index probe), and the facts themselves (tuition, bands, refund schedule,
// every fee) are read again only when that version changes. Reading them on every request was
// an eighth of PostgreSQL's CPU in the registration rush, for data that changes a few times a term.
import { loadTermBillingFacts, type BillingFacts, type Executor } from './billing.repo.ts';

/** Terms kept at once: a registration day touches one or two. */
const MAX_TERMS = 64;

export interface BillingFactsCache {
  /**
   * The term's pricing facts at `version` (as billingVersionSql read it), from memory or read
   * with `db` (the caller's transaction); undefined when the term has no tuition setup.
   */
  resolve(db: Executor, termId: string, version: string | null): Promise<BillingFacts | undefined>;
}

export function createBillingFactsCache(): BillingFactsCache {
  const kept = new Map<string, { version: string; facts: BillingFacts | undefined }>();
  return {
    async resolve(db, termId, version) {
      if (version === null) return undefined;
      const known = kept.get(termId);
      if (known?.version === version) return known.facts;
      // Read under the caller's transaction; a version newer than the one the caller saw means a
      // tuition change committed in between, and the newer facts are the ones to price with.
      const loaded = await loadTermBillingFacts(db, termId);
      if (loaded.version === null) return undefined;
      kept.delete(termId);
      kept.set(termId, { version: loaded.version, facts: loaded.facts });
      if (kept.size > MAX_TERMS) kept.delete(kept.keys().next().value!);
      return loaded.facts;
    },
  };
}
