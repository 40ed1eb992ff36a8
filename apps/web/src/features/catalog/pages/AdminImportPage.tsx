// The registrar's catalog import: upload a real catalog (UIUC CSV, gt-scheduler, QuACS), watch it
// run, read what it changed; recent imports and a term's export. The open import is in the URL
// (?import=), so a reload or a shared link shows the same one; it sits on top, where the eye goes
// after submitting or opening one from the list.
import { Grid, Paper, Stack, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { CatalogExportCard } from '../components/CatalogExportCard.tsx';
import { ImportForm } from '../components/ImportForm.tsx';
import { ImportHistory } from '../components/ImportHistory.tsx';
import { ImportStatus } from '../components/ImportStatus.tsx';

export function AdminImportPage() {
  const [params, setParams] = useSearchParams();
  const importId = params.get('import');
  const statusRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (importId) statusRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [importId]);

  const open = (id: string) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set('import', id);
        return next;
      },
      { replace: true },
    );

  return (
    <>
      <PageHeader
        title="Catalog import"
        description="Load a term’s courses and sections from a real catalog file; a re-import updates what changed."
      />
      <Stack gap="lg">
        {importId && (
          <div ref={statusRef} style={{ scrollMarginTop: 80 }}>
            <ImportStatus key={importId} importId={importId} />
          </div>
        )}
        <Grid gap="md" align="stretch">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
              <Title order={2} fz="lg" mb="sm">
                Upload
              </Title>
              <ImportForm onStarted={(started) => open(started.id)} />
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <CatalogExportCard />
          </Grid.Col>
        </Grid>
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Recent imports
          </Title>
          <ImportHistory selectedId={importId} onOpen={open} />
        </Paper>
      </Stack>
    </>
  );
}
