// One import as it runs: its phase and a progress bar while queued or running (polled), then its
// summary, or why it failed.
import { Alert, Badge, Group, Paper, Progress, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { IconAlert } from '../../../components/icons.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { isImportActive, useImport } from '../api/imports.ts';
import { catalogKeys } from '../api/keys.ts';
import type { CatalogImport } from '../api/types.ts';
import { FORMAT_INFO } from './import-formats.ts';
import { ImportSummary } from './ImportSummary.tsx';

const PHASES: Record<string, string> = {
  queued: 'Waiting to start',
  reading: 'Reading the files',
  courses: 'Saving subjects and courses',
  sections: 'Saving sections',
  done: 'Finishing',
  failed: 'Stopped',
};

export const STATUS_COLORS: Record<CatalogImport['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
};

export const STATUS_LABELS: Record<CatalogImport['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

export function formatLabel(format: string): string {
  return format in FORMAT_INFO ? FORMAT_INFO[format as keyof typeof FORMAT_INFO].label : format;
}

function phaseLabel(item: CatalogImport): string {
  const phase = item.progress.phase ?? item.status;
  return PHASES[phase] ?? phase;
}

function LiveProgress(props: { item: CatalogImport }) {
  const { item } = props;
  const { percent, done, total } = item.progress;
  return (
    <Stack gap={6}>
      <Group justify="space-between" gap="xs">
        {/* Announced when the phase changes, not on every percent. */}
        <Text size="sm" fw={500} data-testid="import-phase" aria-live="polite">
          {phaseLabel(item)}…
        </Text>
        <Text size="sm" c="dimmed">
          {total > 0 ? `${done.toLocaleString()} of ${total.toLocaleString()} · ` : ''}
          {percent}%
        </Text>
      </Group>
      <Progress
        value={percent}
        size="lg"
        striped
        animated
        aria-label="Import progress"
        data-testid="import-progress"
      />
    </Stack>
  );
}

function Failure(props: { item: CatalogImport }) {
  const { item } = props;
  const partial = item.summary !== null && item.summary.files.length > 0;
  return (
    <Stack gap="md">
      <Alert
        color="red"
        variant="light"
        title="The import failed"
        icon={<IconAlert />}
        data-testid="import-error"
      >
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {item.error?.message ?? 'The import stopped without a reason.'}
        </Text>
        <Text size="sm" mt={6} fw={500}>
          {partial
            ? 'The files listed below were imported before it stopped; nothing from the file that failed was written.'
            : 'Nothing was imported.'}
        </Text>
        {item.error && (
          <Text size="xs" c="dimmed" mt={6}>
            Code: {item.error.code}
          </Text>
        )}
      </Alert>
      {partial && item.summary && <ImportSummary report={item.summary} />}
    </Stack>
  );
}

export function ImportStatus(props: { importId: string }) {
  const query = useImport(props.importId);
  const client = useQueryClient();
  const item = query.data;
  const status = item?.status;
  const wasActive = useRef<boolean | undefined>(undefined);

  // When a watched import finishes, the catalog pages and the history show what it wrote.
  useEffect(() => {
    if (!status) return;
    const active = status === 'queued' || status === 'running';
    if (wasActive.current === true && !active) {
      void client.invalidateQueries({ queryKey: catalogKeys.all });
      void client.invalidateQueries({ queryKey: ['registration'] });
    }
    wasActive.current = active;
  }, [status, client]);

  if (query.isError)
    return <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (!item) return <Skeleton h={120} aria-label="Loading the import" />;
  const files = item.files.map((f) => f.name).join(', ');
  return (
    <Paper withBorder p={{ base: 'sm', sm: 'md' }} data-testid="import-status">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
          <div style={{ minWidth: 0 }}>
            <Title order={2} fz="lg">
              {formatLabel(item.format)} → term {item.termCode}
            </Title>
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {files}
            </Text>
          </div>
          <Group gap={6}>
            {item.summary?.dryRun && (
              <Badge color="yellow" variant="light">
                Dry run
              </Badge>
            )}
            <div role="status" aria-label={`Import ${STATUS_LABELS[item.status].toLowerCase()}`}>
              <Badge color={STATUS_COLORS[item.status]} data-testid="import-state">
                {STATUS_LABELS[item.status]}
              </Badge>
            </div>
          </Group>
        </Group>
        {isImportActive(item) && <LiveProgress item={item} />}
        {item.status === 'succeeded' && item.summary && <ImportSummary report={item.summary} />}
        {item.status === 'failed' && <Failure item={item} />}
      </Stack>
    </Paper>
  );
}
