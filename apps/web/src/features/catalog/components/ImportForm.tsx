// Upload a catalog: format, term, the files, and the term's details should the import create it.
// Checked as you go (the server checks everything again); its field problems land on the fields.
import {
  Button,
  Fieldset,
  FileInput,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useMemo, useRef } from 'react';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { focusFirstInvalid } from '../../../lib/forms.ts';
import { useCreateImport } from '../api/imports.ts';
import { useTerms } from '../api/terms.ts';
import { ALL_CATALOG_FORMATS, type CatalogFormat, type CatalogImport } from '../api/types.ts';
import { showServerErrors } from './form-errors.ts';
import { FORMAT_INFO, MAX_IMPORT_FILE_BYTES, MAX_IMPORT_FILES } from './import-formats.ts';

interface Values {
  format: string | null;
  termCode: string;
  termName: string;
  timeZone: string | null;
  startsOn: string | null;
  endsOn: string | null;
  defaultCapacity: number | string;
  dryRun: boolean;
  files: File[];
}

const FIELDS = [
  'format',
  'termCode',
  'termName',
  'timeZone',
  'startsOn',
  'endsOn',
  'defaultCapacity',
  'dryRun',
  'files',
] as const;

// As the server checks it (interop.service.ts).
const TERM_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/;

function isCatalogFormat(value: string | null): value is CatalogFormat {
  return (ALL_CATALOG_FORMATS as readonly (string | null)[]).includes(value);
}

function checkFiles(files: File[]): string | null {
  if (files.length === 0) return 'Choose at least one catalog file';
  if (files.length > MAX_IMPORT_FILES) return `Choose at most ${MAX_IMPORT_FILES} files per import`;
  const large = files.find((file) => file.size > MAX_IMPORT_FILE_BYTES);
  if (large) return `${large.name} is larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB`;
  const empty = files.find((file) => file.size === 0);
  if (empty) return `${empty.name} is empty`;
  return null;
}

export function ImportForm(props: { onStarted: (started: CatalogImport) => void }) {
  const create = useCreateImport();
  const terms = useTerms();
  const formRef = useRef<HTMLFormElement>(null);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const form = useForm<Values>({
    initialValues: {
      format: null,
      termCode: '',
      termName: '',
      timeZone: null,
      startsOn: null,
      endsOn: null,
      defaultCapacity: '',
      dryRun: false,
      files: [],
    },
    validateInputOnBlur: ['termCode', 'termName', 'defaultCapacity'],
    validate: {
      format: (v) => (isCatalogFormat(v) ? null : 'Choose the format of the files'),
      termCode: (v) =>
        !v.trim()
          ? 'Enter the term code'
          : TERM_CODE_RE.test(v.trim())
            ? null
            : 'Use up to 40 letters, digits, spaces, dots, dashes or underscores (e.g. 202508)',
      termName: (v) => (v.trim().length > 100 ? 'Keep the name to 100 characters' : null),
      timeZone: (v) =>
        v === null || zones.includes(v) ? null : 'Choose a time zone from the list',
      endsOn: (v, values) =>
        v && values.startsOn && v < values.startsOn
          ? 'The term must end on or after the day it starts'
          : null,
      defaultCapacity: (v) =>
        v === '' || (Number.isInteger(Number(v)) && Number(v) >= 0 && Number(v) <= 100_000)
          ? null
          : 'Enter a whole number from 0 to 100000',
      files: checkFiles,
    },
  });

  const format = isCatalogFormat(form.values.format) ? form.values.format : null;
  const info = format ? FORMAT_INFO[format] : null;
  const termCode = form.values.termCode.trim();
  const existing = (terms.data?.items ?? []).find((term) => term.code === termCode);

  const handleSubmit = form.onSubmit(
    (values) => {
      create.mutate(
        {
          format: values.format as CatalogFormat,
          termCode: values.termCode,
          termName: values.termName,
          timeZone: values.timeZone ?? undefined,
          startsOn: values.startsOn ?? undefined,
          endsOn: values.endsOn ?? undefined,
          defaultCapacity:
            values.defaultCapacity === '' ? undefined : Number(values.defaultCapacity),
          dryRun: values.dryRun,
          files: values.files,
        },
        {
          onSuccess: (started) => {
            // After a dry run the same files are usually imported next: keep them.
            if (!values.dryRun) form.reset();
            props.onStarted(started);
          },
          onError: (error) => {
            const known = (field: string) =>
              (FIELDS as readonly string[]).includes(field) ? field : '';
            if (showServerErrors(form, error, known)) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  return (
    <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Catalog import">
      <FormAlert
        error={create.error}
        show={create.isError && Object.keys(form.errors).length === 0}
        title="Could not start the import"
      />
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Format"
            required
            placeholder="Where the files come from"
            data={ALL_CATALOG_FORMATS.map((value) => ({
              value,
              label: FORMAT_INFO[value].label,
            }))}
            allowDeselect={false}
            data-testid="import-format"
            {...form.getInputProps('format')}
          />
          <TextInput
            label="Term code"
            required
            placeholder="202508"
            description={
              !termCode
                ? 'The term the sections belong to'
                : existing
                  ? `Updates ${existing.name}`
                  : 'A new term: created by the import'
            }
            {...form.getInputProps('termCode')}
          />
        </SimpleGrid>
        <FileInput
          label="Catalog files"
          required
          multiple
          clearable
          placeholder="Choose files"
          description={info ? info.files : 'Choose the format first to see which files it reads'}
          accept={info?.accept}
          {...form.getInputProps('files')}
        />
        <Fieldset
          legend={existing ? `${existing.name} exists` : 'New term (optional)'}
          variant="filled"
        >
          <Text size="xs" c="dimmed" mb="xs">
            {existing
              ? 'Its name, time zone and dates stay as they are.'
              : 'Used only when the import creates the term; left empty, they come from the files (dates by season for UIUC).'}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="Term name"
              placeholder="Fall 2025"
              disabled={existing !== undefined}
              {...form.getInputProps('termName')}
            />
            <Select
              label="Time zone"
              searchable
              clearable
              placeholder={info?.defaultTimeZone ?? 'The format’s default'}
              data={zones}
              disabled={existing !== undefined}
              {...form.getInputProps('timeZone')}
            />
            <DatePickerInput
              label="Classes start"
              valueFormat="YYYY-MM-DD"
              placeholder="From the files"
              clearable
              disabled={existing !== undefined}
              {...form.getInputProps('startsOn')}
            />
            <DatePickerInput
              label="Classes end"
              valueFormat="YYYY-MM-DD"
              placeholder="From the files"
              clearable
              disabled={existing !== undefined}
              {...form.getInputProps('endsOn')}
            />
          </SimpleGrid>
        </Fieldset>
        <NumberInput
          label="Default capacity"
          description="Seats for new sections whose file gives none"
          placeholder="30"
          min={0}
          max={100_000}
          allowDecimal={false}
          allowNegative={false}
          maw={260}
          {...form.getInputProps('defaultCapacity')}
        />
        <Group justify="space-between" align="center" gap="sm">
          <Switch
            label="Dry run (check only, write nothing)"
            {...form.getInputProps('dryRun', { type: 'checkbox' })}
          />
          <Button type="submit" loading={create.isPending}>
            {form.values.dryRun ? 'Check the files' : 'Import catalog'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
