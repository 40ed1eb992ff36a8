// The catalog search form. Every filter lives in the URL (?q=&subject=&days=…), so a search can be
// bookmarked, shared and reloaded; text fields update it after a short pause in typing.
import {
  Button,
  Chip,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { IconSearch } from '../../../components/icons.tsx';
import { useSubjects } from '../api/subjects.ts';
import { ALL_KINDS, ALL_SORTS, type SearchSort } from '../api/types.ts';
import { DAY_LETTERS, DAY_NAMES, KIND_LABELS } from './format.ts';

export const FILTER_KEYS = [
  'q',
  'subject',
  'days',
  'startAfter',
  'endBefore',
  'open',
  'credits',
  'instructor',
  'kind',
  'sort',
] as const;

const SORT_LABELS: Record<SearchSort, string> = {
  code: 'Course code',
  title: 'Title',
  available: 'Most seats left',
  startTime: 'Earliest start',
};

function readFilters(params: URLSearchParams): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** The filters in the URL, as the search API takes them. */
export function useSearchFilters(): Record<string, string> {
  const [params] = useSearchParams();
  return readFilters(params);
}

export function SearchFilters() {
  const [params, setParams] = useSearchParams();
  const subjects = useSubjects();
  // The form's own state is the source of truth while it is open: URL updates land a render
  // later, so quick clicks (Mon, Wed, Fri) would otherwise each start from a stale URL.
  const [filters, setFilters] = useState(() => readFilters(params));
  const [q, setQ] = useState(filters.q ?? '');
  const [instructor, setInstructor] = useState(filters.instructor ?? '');

  useEffect(() => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const key of FILTER_KEYS) {
          const value = filters[key];
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
    // Only a change of the filters writes the URL (setParams changes with every URL change).
  }, [filters]);

  const set = (key: string, value: string | null) =>
    setFilters((current) => {
      const next = { ...current };
      if (value) next[key] = value;
      else delete next[key];
      return next;
    });
  const setLater = useDebouncedCallback(set, 300);
  const days = filters.days ?? '';
  const toggleDay = (day: string) =>
    setFilters((current) => {
      const chosen = new Set(current.days ?? '');
      if (chosen.has(day)) chosen.delete(day);
      else chosen.add(day);
      const next: Record<string, string> = { ...current };
      const value = DAY_LETTERS.filter((d) => chosen.has(d)).join('');
      if (value) next.days = value;
      else delete next.days;
      return next;
    });
  const hasFilters = FILTER_KEYS.some((key) => key !== 'sort' && key in filters);

  return (
    <Stack gap="sm">
      <TextInput
        label="Search"
        placeholder="Course code, title or words of the description (e.g. CS 225, calculus)"
        leftSection={<IconSearch size={16} />}
        type="search"
        value={q}
        onChange={(event) => {
          setQ(event.currentTarget.value);
          setLater('q', event.currentTarget.value.trim());
        }}
        data-testid="catalog-q"
      />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <Select
          label="Subject"
          placeholder="All subjects"
          searchable
          clearable
          data={(subjects.data?.items ?? []).map((s) => ({
            value: s.code,
            label: `${s.code} · ${s.name}`,
          }))}
          value={filters.subject ?? null}
          onChange={(value) => set('subject', value)}
          data-testid="catalog-subject"
        />
        <TextInput
          label="Instructor"
          placeholder="Name"
          value={instructor}
          onChange={(event) => {
            setInstructor(event.currentTarget.value);
            setLater('instructor', event.currentTarget.value.trim());
          }}
        />
        <Select
          label="Kind"
          placeholder="Any kind"
          clearable
          data={ALL_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          value={filters.kind ?? null}
          onChange={(value) => set('kind', value)}
        />
        <NumberInput
          label="Credits"
          placeholder="Any"
          min={0}
          max={20}
          value={filters.credits ?? ''}
          onChange={(value) => set('credits', value === '' ? null : String(value))}
        />
      </SimpleGrid>
      <div>
        <Text size="sm" fw={500} mb={4}>
          Meets only on
        </Text>
        <Group gap={6} data-testid="catalog-days">
          {DAY_LETTERS.map((d) => (
            <Chip
              key={d}
              size="sm"
              variant="outline"
              checked={days.includes(d)}
              onChange={() => toggleDay(d)}
            >
              {DAY_NAMES[d]}
            </Chip>
          ))}
        </Group>
      </div>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TimeInput
          label="Starts at or after"
          value={filters.startAfter ?? ''}
          onChange={(event) => set('startAfter', event.currentTarget.value)}
          w={160}
          data-testid="catalog-start-after"
        />
        <TimeInput
          label="Ends by"
          value={filters.endBefore ?? ''}
          onChange={(event) => set('endBefore', event.currentTarget.value)}
          w={160}
          data-testid="catalog-end-before"
        />
        <Select
          label="Sort by"
          data={ALL_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
          value={filters.sort ?? 'code'}
          onChange={(value) => set('sort', value === 'code' ? null : value)}
          allowDeselect={false}
          w={180}
        />
        <Switch
          label="Open seats only"
          checked={filters.open === 'true'}
          onChange={(event) => set('open', event.currentTarget.checked ? 'true' : null)}
          mb={8}
          data-testid="catalog-open"
        />
        {hasFilters && (
          <Button
            variant="subtle"
            onClick={() => {
              setQ('');
              setInstructor('');
              setFilters((current) => {
                const next: Record<string, string> = {};
                if (current.sort) next.sort = current.sort;
                return next;
              });
            }}
          >
            Clear filters
          </Button>
        )}
      </Group>
    </Stack>
  );
}
