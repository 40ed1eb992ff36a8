// Recent imports, newest first: status, format, term, files, when and by whom; each opens its summary.
import { Badge, Button, EmptyState, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useMe } from '../../identity/api/me.ts';
import { useRecentImports } from '../api/imports.ts';
import type { CatalogImport } from '../api/types.ts';
import { useUserName } from '../api/users.ts';
import { STATUS_COLORS, STATUS_LABELS, formatLabel } from './ImportStatus.tsx';

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function StartedBy(props: { userId: string | null }) {
  const me = useMe();
  const mine = props.userId !== null && me.data?.id === props.userId;
  const name = useUserName(mine ? null : props.userId);
  if (props.userId === null) return <Text size="sm">Command line</Text>;
  if (mine) return <Text size="sm">You</Text>;
  return <Text size="sm">{name.data ?? '—'}</Text>;
}

function Row(props: { item: CatalogImport; selected: boolean; onOpen: (id: string) => void }) {
  const { item } = props;
  return (
    <Table.Tr
      data-testid={`import-row-${item.id}`}
      bg={props.selected ? 'var(--mantine-color-blue-light)' : undefined}
    >
      <Table.Td>
        <Badge color={STATUS_COLORS[item.status]} variant="light" miw="max-content">
          {STATUS_LABELS[item.status]}
        </Badge>
      </Table.Td>
      <Table.Td>{formatLabel(item.format)}</Table.Td>
      <Table.Td>{item.termCode}</Table.Td>
      <Table.Td>
        <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
          {item.files.map((f) => f.name).join(', ')}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {WHEN.format(new Date(item.createdAt))}
        </Text>
      </Table.Td>
      <Table.Td>
        <StartedBy userId={item.createdBy} />
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant={props.selected ? 'filled' : 'light'}
          aria-label={`${props.selected ? 'Shown:' : 'Open'} the import of ${item.files[0]?.name ?? 'files'} into ${item.termCode}`}
          onClick={() => props.onOpen(item.id)}
        >
          {props.selected ? 'Shown' : 'Open'}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

export function ImportHistory(props: { selectedId: string | null; onOpen: (id: string) => void }) {
  const imports = useRecentImports();
  if (imports.isError)
    return <ProblemAlert error={imports.error} onRetry={() => void imports.refetch()} />;
  if (imports.isPending) return <Skeleton h={120} />;
  const items = imports.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <EmptyState py="md" variant="light" title="No imports yet" />;
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={760}>
        <Table highlightOnHover aria-label="Recent imports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Format</Table.Th>
              <Table.Th>Term</Table.Th>
              <Table.Th>Files</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Row
                key={item.id}
                item={item}
                selected={item.id === props.selectedId}
                onOpen={props.onOpen}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {imports.hasNextPage && (
        <Group justify="center">
          <Button
            variant="subtle"
            size="xs"
            loading={imports.isFetchingNextPage}
            onClick={() => void imports.fetchNextPage()}
          >
            Show older imports
          </Button>
        </Group>
      )}
    </Stack>
  );
}
