// Download a term's catalog as CSV (one row per meeting) or JSON.
import { Button, Paper, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { DownloadButton } from '../../../components/DownloadButton.tsx';
import { fetchCatalogExport } from '../api/catalog-export.ts';
import { useTerms } from '../api/terms.ts';
import { ALL_EXPORT_FORMATS, type ExportFormat } from '../api/types.ts';

const EXPORT_LABELS: Record<ExportFormat, string> = { csv: 'CSV', json: 'JSON' };

export function CatalogExportCard() {
  const terms = useTerms();
  const [termCode, setTermCode] = useState<string | null>(null);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const items = terms.data?.items ?? [];
  return (
    <Paper withBorder p={{ base: 'sm', sm: 'md' }} h="100%">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="lg">
            Export
          </Title>
          <Text size="sm" c="dimmed">
            A term’s courses and sections: CSV has one row per meeting; JSON keeps everything.
          </Text>
        </div>
        <Select
          label="Term"
          placeholder={terms.isPending ? 'Loading terms…' : 'Choose a term'}
          searchable
          data={items.map((term) => ({ value: term.code, label: `${term.name} (${term.code})` }))}
          value={termCode}
          onChange={setTermCode}
          nothingFoundMessage="No such term"
          data-testid="export-term"
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="export-format-label">
            File type
          </Text>
          <SegmentedControl
            aria-labelledby="export-format-label"
            data={ALL_EXPORT_FORMATS.map((value) => ({ value, label: EXPORT_LABELS[value] }))}
            value={format}
            onChange={setFormat}
          />
        </div>
        {termCode ? (
          <DownloadButton file={() => fetchCatalogExport(termCode, format)} variant="light">
            Download {EXPORT_LABELS[format]}
          </DownloadButton>
        ) : (
          <Button variant="light" disabled>
            Download
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
