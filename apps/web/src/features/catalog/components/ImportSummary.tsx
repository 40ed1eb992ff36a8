// What an import did, file by file: created, updated and unchanged records, the rows it skipped
// (grouped by reason, with a few examples) and the importer's notes.
import {
  Alert,
  Badge,
  Divider,
  Group,
  List,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { FileSummary, ImportCounts, ImportReport } from '../api/types.ts';
import { formatDate } from './format.ts';

const ENTITIES = [
  { key: 'subjects', label: 'Subjects' },
  { key: 'courses', label: 'Courses' },
  { key: 'sections', label: 'Sections' },
] as const satisfies ReadonlyArray<{ key: keyof FileSummary; label: string }>;

const COUNTS = ['created', 'updated', 'unchanged'] as const satisfies ReadonlyArray<
  keyof ImportCounts
>;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

function CountsTable(props: { file: FileSummary }) {
  const { file } = props;
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table
        withTableBorder
        withColumnBorders
        striped
        aria-label={`Changes from ${file.file}`}
        data-testid="import-counts"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Records</Table.Th>
            <Table.Th scope="col" ta="right">
              Created
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Updated
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Unchanged
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ENTITIES.map(({ key, label }) => (
            <Table.Tr key={key}>
              <Table.Th scope="row" fw={500}>
                {label}
              </Table.Th>
              {COUNTS.map((count) => (
                <Table.Td key={count} ta="right" data-testid={`${key}-${count}`}>
                  {file[key][count].toLocaleString()}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Th scope="row" fw={500}>
              Skipped rows
            </Table.Th>
            <Table.Td colSpan={3} ta="right" data-testid="skipped-total">
              {file.skippedTotal.toLocaleString()}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function SkippedTable(props: { file: FileSummary }) {
  const { file } = props;
  if (file.skipped.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        Skipped rows, by reason
      </Text>
      {/* Examples under their reason: two columns fit a phone without scrolling. */}
      <Table withTableBorder aria-label={`Rows skipped in ${file.file}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Reason</Table.Th>
            <Table.Th scope="col" ta="right">
              Rows
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {file.skipped.map((group) => (
            <Table.Tr key={group.reason} data-testid="skip-reason">
              <Table.Td>
                <Text size="sm" data-testid="skip-reason-text">
                  {group.reason}
                </Text>
                {group.examples.length > 0 && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    e.g. {group.examples.join('; ')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" valign="top" data-testid="skip-reason-count">
                {group.count.toLocaleString()}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function TermLine(props: { file: FileSummary }) {
  const term = props.file.term;
  if (!term) {
    return props.file.hasSections ? null : (
      <Text size="sm">Course-level file: courses and descriptions only, no sections.</Text>
    );
  }
  return (
    <Group gap={6} wrap="wrap">
      <Text size="sm">
        Term <b>{term.name}</b> ({term.code}) · classes {formatDate(term.startsOn)} –{' '}
        {formatDate(term.endsOn)} · {term.timeZone}
      </Text>
      {term.created && (
        <Badge size="sm" variant="outline" color="teal">
          Created by this import
        </Badge>
      )}
    </Group>
  );
}

function FileCard(props: { file: FileSummary }) {
  const { file } = props;
  const facts = [
    file.prerequisites.trees > 0
      ? `${plural(file.prerequisites.trees, 'prerequisite rule')}: ${file.prerequisites.converted.toLocaleString()} converted, ${file.prerequisites.unconvertible.toLocaleString()} could not be.`
      : null,
    file.importedEnrolment
      ? `The file reports ${plural(file.importedEnrolment.students, 'student')} enrolled in ${plural(file.importedEnrolment.sections, 'section')}; kept for reference, not as seat counts.`
      : null,
    file.sectionsNotInFile > 0
      ? `${plural(file.sectionsNotInFile, 'section')} of the term ${file.sectionsNotInFile === 1 ? 'is' : 'are'} not in this file and ${file.sectionsNotInFile === 1 ? 'was' : 'were'} left as ${file.sectionsNotInFile === 1 ? 'it is' : 'they are'}.`
      : null,
    ...file.notes,
  ].filter((line): line is string => line !== null);
  return (
    <Stack gap="sm" data-testid={`file-summary-${file.file}`}>
      <Divider />
      <Group justify="space-between" gap="xs" wrap="wrap">
        <div style={{ minWidth: 0 }}>
          <Title order={3} fz="md" style={{ overflowWrap: 'anywhere' }}>
            {file.file}
          </Title>
          {file.companions.length > 0 && (
            <Text size="xs" c="dimmed">
              with {file.companions.join(', ')}
            </Text>
          )}
        </div>
        <Badge variant="light" color={file.changed ? 'blue' : 'gray'}>
          {file.changed ? 'Changes' : 'No changes'}
        </Badge>
      </Group>
      <TermLine file={file} />
      <SimpleGrid cols={{ base: 1, lg: file.skipped.length > 0 ? 2 : 1 }} spacing="md">
        <CountsTable file={file} />
        <SkippedTable file={file} />
      </SimpleGrid>
      {facts.length > 0 && (
        <List size="sm" spacing={2} c="dimmed">
          {facts.map((line) => (
            <List.Item key={line}>{line}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

export function ImportSummary(props: { report: ImportReport }) {
  const { report } = props;
  return (
    <Stack gap="md" data-testid="import-summary">
      {report.dryRun && (
        <Alert color="yellow" variant="light" title="Dry run: nothing was written">
          The counts say what an import of these files would change.
        </Alert>
      )}
      {!report.changed && !report.dryRun && (
        <Text size="sm">Everything in the files was already in the catalog as it is.</Text>
      )}
      {report.files.map((file) => (
        <FileCard key={file.file} file={file} />
      ))}
    </Stack>
  );
}
