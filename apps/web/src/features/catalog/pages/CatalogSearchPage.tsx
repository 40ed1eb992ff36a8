// The course catalog: find sections of a term by text and filters, with live seat badges; students
// can put a section in their cart from here.
import {
  ActionIcon,
  Button,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBook, IconPlus } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { describeError } from '../../../lib/api.ts';
import { useMe } from '../../identity/api/me.ts';
import { useAddToCart } from '../../registration/api/cart.ts';
import { LiveUpdatesProvider } from '../../registration/components/LiveUpdates.tsx';
import { TermPicker, useSelectedTerm } from '../../registration/components/TermPicker.tsx';
import { useSectionSearch } from '../api/sections.ts';
import type { Section } from '../api/types.ts';
import { SearchFilters, useSearchFilters } from '../components/SearchFilters.tsx';
import { SectionsTable } from '../components/SectionsTable.tsx';

function AddToCartButton(props: { section: Section; termId: string }) {
  const add = useAddToCart(props.termId);
  return (
    <Tooltip label="Add to cart">
      <ActionIcon
        variant="light"
        aria-label={`Add ${props.section.code} to cart`}
        loading={add.isPending}
        disabled={props.section.status === 'cancelled'}
        onClick={() =>
          add.mutate(props.section.id, {
            onSuccess: () =>
              notifications.show({
                color: 'teal',
                message: `${props.section.code} is in your cart.`,
              }),
            onError: (error) => notifications.show({ color: 'red', message: describeError(error) }),
          })
        }
      >
        <IconPlus size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

export function CatalogSearchPage() {
  const selected = useSelectedTerm();
  const filters = useSearchFilters();
  const me = useMe();
  const search = useSectionSearch(selected.termId, filters);
  const rows = search.data?.pages.flatMap((page) => page.items) ?? [];
  const isStudent = me.data?.roles.includes('student') ?? false;
  const termId = selected.termId;

  return (
    <LiveUpdatesProvider termId={termId}>
      <PageHeader
        title="Course catalog"
        description="Search a term's sections; seat counts update as students register."
        actions={<TermPicker selected={selected} />}
      />
      <Paper withBorder p={{ base: 'sm', sm: 'md' }} mb="md">
        <SearchFilters />
      </Paper>
      {selected.terms.isError && <ProblemAlert error={selected.terms.error} />}
      {search.isError && (
        <ProblemAlert error={search.error} onRetry={() => void search.refetch()} />
      )}
      <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
        {search.isPending ? (
          <Stack gap="xs" aria-busy="true" aria-label="Loading sections">
            {Array.from({ length: 6 }, (_, index) => (
              <Skeleton key={index} h={44} />
            ))}
          </Stack>
        ) : rows.length === 0 ? (
          <EmptyState
            py="xl"
            icon={<IconBook size={28} />}
            variant="light"
            title="No sections match"
            description="Try fewer words, another subject or a wider time window."
          />
        ) : (
          <Stack gap="sm">
            <Text size="sm" c="dimmed" data-testid="catalog-count">
              {rows.length}
              {search.hasNextPage ? '+' : ''} section{rows.length === 1 ? '' : 's'}
            </Text>
            <SectionsTable
              sections={rows}
              busy={search.isFetching}
              label="Matching sections"
              action={
                isStudent && termId
                  ? (section) => <AddToCartButton section={section} termId={termId} />
                  : undefined
              }
            />
            {search.hasNextPage && (
              <Group justify="center">
                <Button
                  variant="default"
                  loading={search.isFetchingNextPage}
                  onClick={() => void search.fetchNextPage()}
                >
                  Show more
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </Paper>
    </LiveUpdatesProvider>
  );
}
