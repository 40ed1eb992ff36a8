// The term a registration page shows, kept in the URL (?termId=) so links and reloads keep it.
import { Select } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useTerms } from '../api/catalog.ts';
import type { Term } from '../api/types.ts';

/** The chosen term; by default the one whose registration is open now, else the newest. */
export function useSelectedTerm() {
  const terms = useTerms();
  const [params, setParams] = useSearchParams();
  const items = terms.data?.items ?? [];
  const now = Date.now();
  const open = items.find(
    (t) => Date.parse(t.registrationOpensAt) <= now && now < Date.parse(t.registrationClosesAt),
  );
  const fallback = open ?? [...items].sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
  const requested = params.get('termId');
  const term: Term | undefined = items.find((t) => t.id === requested) ?? fallback;
  return {
    terms,
    term,
    termId: term?.id ?? null,
    setTermId: (id: string) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          next.set('termId', id);
          return next;
        },
        { replace: true },
      ),
  };
}

export function TermPicker(props: { selected: ReturnType<typeof useSelectedTerm> }) {
  const { terms, term, setTermId } = props.selected;
  return (
    <Select
      label="Term"
      w={220}
      data={(terms.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))}
      value={term?.id ?? null}
      onChange={(value) => value && setTermId(value)}
      allowDeselect={false}
      disabled={terms.isPending}
      data-testid="term-picker"
    />
  );
}
