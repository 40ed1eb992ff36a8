// Picks the course (catalog search) or the section (this term's sections) a fee applies to.
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiRequest } from '../../../lib/api.ts';

interface Option {
  value: string;
  label: string;
}

async function searchTargets(
  scope: 'course' | 'section',
  termId: string,
  q: string,
  signal: AbortSignal,
): Promise<Option[]> {
  if (scope === 'course') {
    const page = await apiRequest<{ items: { id: string; code: string; title: string }[] }>(
      '/api/v1/courses',
      { query: { q, limit: 20 }, signal },
    );
    return page.items.map((c) => ({ value: c.id, label: `${c.code} — ${c.title}` }));
  }
  const page = await apiRequest<{ items: { id: string; code: string; title: string }[] }>(
    `/api/v1/terms/${encodeURIComponent(termId)}/sections`,
    { query: { q, limit: 20 }, signal },
  );
  return page.items.map((s) => ({ value: s.id, label: `${s.code} — ${s.title}` }));
}

export function FeeTargetPicker(props: {
  scope: 'course' | 'section';
  termId: string;
  value: string | null;
  /** How the current value reads (from the saved setup), shown before any search. */
  currentLabel: string | null;
  onChange: (value: string | null, label: string | null) => void;
  error?: string | undefined;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const results = useQuery({
    queryKey: ['billing', 'fee-targets', props.scope, props.termId, q],
    queryFn: ({ signal }) => searchTargets(props.scope, props.termId, q, signal),
    enabled: q.trim().length >= 2,
  });
  const options = [...(results.data ?? [])];
  if (props.value && !options.some((o) => o.value === props.value)) {
    options.unshift({ value: props.value, label: props.currentLabel ?? props.value });
  }
  return (
    <Select
      label={props.scope === 'course' ? 'Course' : 'Section'}
      placeholder={props.scope === 'course' ? 'Search courses, e.g. CHEM 101' : 'Search sections'}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      data={options}
      value={props.value}
      onChange={(value, option) => props.onChange(value, option?.label ?? null)}
      filter={({ options: all }) => all}
      nothingFoundMessage={q.trim().length >= 2 ? 'Nothing found' : 'Type at least 2 characters'}
      error={props.error}
      required
    />
  );
}
