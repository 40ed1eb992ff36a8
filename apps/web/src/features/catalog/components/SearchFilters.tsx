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
import { useState } from 'react';
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

/** The filters in the URL, as the search API takes them. */
export function useSearchFilters(): Record<string, string> {
  const [params] = useSearchParams();
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

export function SearchFilters() {
  const [params, setParams] = useSearchParams();
  const subjects = useSubjects();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [instructor, setInstructor] = useState(params.get('instructor') ?? '');

  const set = (key: string, value: string | null) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const setLater = useDebouncedCallback(set, 300);
  const days = params.get('days') ?? '';
  const hasFilters = FILTER_KEYS.some((key) => key !== 'sort' && params.has(key));

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
          value={params.get('subject')}
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
          value={params.get('kind')}
          onChange={(value) => set('kind', value)}
        />
        <NumberInput
          label="Credits"
          placeholder="Any"
          min={0}
          max={20}
          value={params.get('credits') ?? ''}
          onChange={(value) => set('credits', value === '' ? null : String(value))}
        />
      </SimpleGrid>
      <div>
        <Text size="sm" fw={500} mb={4}>
          Meets only on
        </Text>
        <Chip.Group
          multiple
          value={[...days]}
          onChange={(value) => set('days', DAY_LETTERS.filter((d) => value.includes(d)).join(''))}
        >
          <Group gap={6} data-testid="catalog-days">
            {DAY_LETTERS.map((d) => (
              <Chip key={d} value={d} size="sm" variant="outline">
                {DAY_NAMES[d]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      </div>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TimeInput
          label="Starts at or after"
          value={params.get('startAfter') ?? ''}
          onChange={(event) => set('startAfter', event.currentTarget.value)}
          w={160}
          data-testid="catalog-start-after"
        />
        <TimeInput
          label="Ends by"
          value={params.get('endBefore') ?? ''}
          onChange={(event) => set('endBefore', event.currentTarget.value)}
          w={160}
          data-testid="catalog-end-before"
        />
        <Select
          label="Sort by"
          data={ALL_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
          value={params.get('sort') ?? 'code'}
          onChange={(value) => set('sort', value === 'code' ? null : value)}
          allowDeselect={false}
          w={180}
        />
        <Switch
          label="Open seats only"
          checked={params.get('open') === 'true'}
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
              setParams(
                (previous) => {
                  const next = new URLSearchParams(previous);
                  for (const key of FILTER_KEYS) next.delete(key);
                  return next;
                },
                { replace: true },
              );
            }}
          >
            Clear filters
          </Button>
        )}
      </Group>
    </Stack>
  );
}
