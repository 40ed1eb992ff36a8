// Catalog facts kept by the process: the term's dates, credit limits and time-ticket rules, and
// each section's meetings, instructors and linked siblings. The registration's facts statement
// reads only their version (catalog_version, bumped by trigger with every change to them), and a
// process reads the term's facts again, all its sections at once, only when that version differs
// from the one it keeps. These subqueries were about a fifth of the facts statement's work on
// every request, for data that changes a few times a term. What changes during registration
// (seats, capacity, status, prerequisites, reserved seats, permits) is still read by the facts
// statement itself.
import {
  loadCatalogFacts,
  type CatalogFacts,
  type Executor,
  type SectionCatalogFacts,
} from './registration.repo.ts';

/** Terms kept at once: a registration day touches one or two. */
const MAX_TERMS = 8;

export interface CatalogFactsCache {
  /**
   * The term's and the sections' facts at `version` (as the facts statement read it), from memory,
   * or read with `db` (the caller's transaction) at the version current then.
   */
  resolve(
    db: Executor,
    version: string,
    termId: string,
    sectionIds: Iterable<string>,
  ): Promise<CatalogFacts>;
}

type KeptTerm = CatalogFacts & { version: string };

export function createCatalogFactsCache(): CatalogFactsCache {
  const kept = new Map<string, KeptTerm>();
  /** One whole-term read at a time per term: the opening minute's requests all miss at once. */
  const reading = new Map<string, Promise<KeptTerm>>();

  function readTerm(db: Executor, termId: string): Promise<KeptTerm> {
    const read = loadCatalogFacts(db, termId, 'whole term').then((facts) => {
      kept.delete(termId);
      kept.set(termId, facts);
      if (kept.size > MAX_TERMS) kept.delete(kept.keys().next().value!);
      return facts;
    });
    reading.set(termId, read);
    const forget = () => {
      if (reading.get(termId) === read) reading.delete(termId);
    };
    read.then(forget, forget);
    return read;
  }

  async function termAt(db: Executor, version: string, termId: string): Promise<KeptTerm> {
    const known = kept.get(termId);
    if (known?.version === version) return known;
    // Another request's read serves only if it read the same version; it ran in that request's
    // transaction, which may hold changes this one cannot see.
    const shared = await reading.get(termId)?.catch(() => undefined);
    if (shared?.version === version) return shared;
    // Read under the caller's transaction. A version newer than the one the caller saw means a
    // catalog change committed in between, and the newer facts are the ones to judge with; an
    // older or rolled-back one is simply replaced at the next read.
    return readTerm(db, termId);
  }

  return {
    async resolve(db, version, termId, sectionIds) {
      const term = await termAt(db, version, termId);
      const sections = new Map<string, SectionCatalogFacts>();
      const elsewhere: string[] = [];
      for (const id of sectionIds) {
        const facts = term.sections.get(id);
        if (facts) sections.set(id, facts);
        else elsewhere.push(id);
      }
      // A section of another term (the request is refused for it later) is read on its own.
      if (elsewhere.length > 0) {
        const other = await loadCatalogFacts(db, termId, elsewhere);
        for (const [id, facts] of other.sections) sections.set(id, facts);
      }
      return { term: term.term, ticketRules: term.ticketRules, sections };
    },
  };
}
