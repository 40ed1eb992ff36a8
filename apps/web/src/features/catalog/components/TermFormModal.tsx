// Create or edit a term. Dates are checked in order as you type (the server checks them again);
// instants are entered as wall-clock times in the term's own time zone.
import {
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { DatePickerInput, DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMemo, useRef } from 'react';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { focusFirstInvalid } from '../../../lib/forms.ts';
import { useSaveTerm } from '../api/terms.ts';
import type { Term } from '../api/types.ts';
import { showServerErrors } from './form-errors.ts';
import { fromWallTime, toWallTime } from './format.ts';

interface Values {
  code: string;
  name: string;
  timeZone: string;
  startsOn: string | null;
  endsOn: string | null;
  registrationOpensAt: string | null;
  registrationClosesAt: string | null;
  addDropDeadline: string | null;
  withdrawDeadline: string | null;
  minCredits: number | string;
  maxCredits: number | string;
  claimWindowHours: number | string;
}

const DEFAULT_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function initialValues(term: Term | undefined): Values {
  if (!term) {
    return {
      code: '',
      name: '',
      timeZone: DEFAULT_ZONE,
      startsOn: null,
      endsOn: null,
      registrationOpensAt: null,
      registrationClosesAt: null,
      addDropDeadline: null,
      withdrawDeadline: null,
      minCredits: 0,
      maxCredits: 18,
      claimWindowHours: '',
    };
  }
  const wall = (iso: string) => toWallTime(iso, term.timeZone);
  return {
    code: term.code,
    name: term.name,
    timeZone: term.timeZone,
    startsOn: term.startsOn,
    endsOn: term.endsOn,
    registrationOpensAt: wall(term.registrationOpensAt),
    registrationClosesAt: wall(term.registrationClosesAt),
    addDropDeadline: wall(term.addDropDeadline),
    withdrawDeadline: wall(term.withdrawDeadline),
    minCredits: term.minCredits,
    maxCredits: term.maxCredits,
    claimWindowHours: term.claimWindowHours ?? '',
  };
}

const required = (label: string) => (value: string | null) => (value ? null : `Enter the ${label}`);

/** Wall-clock strings compare in time order; both in the same zone. */
const before = (a: string | null, b: string | null) => a !== null && b !== null && a < b;

export function TermFormModal(props: {
  opened: boolean;
  term?: Term | undefined;
  onClose: () => void;
}) {
  const save = useSaveTerm();
  const formRef = useRef<HTMLFormElement>(null);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const form = useForm<Values>({
    initialValues: initialValues(props.term),
    validateInputOnBlur: true,
    validate: {
      code: (v) =>
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/.test(v) ? null : 'Letters, digits, - or _ (e.g. FA2026)',
      name: (v) => (v.trim() ? null : 'Enter the name'),
      timeZone: (v) => (zones.includes(v) || v === 'UTC' ? null : 'Choose a time zone'),
      startsOn: required('first day of classes'),
      endsOn: (v, values) =>
        !v
          ? 'Enter the last day'
          : before(v, values.startsOn)
            ? 'The term must end on or after the day it starts'
            : null,
      registrationOpensAt: required('opening time'),
      registrationClosesAt: (v, values) =>
        !v
          ? 'Enter the closing time'
          : !before(values.registrationOpensAt, v)
            ? 'Registration must close after it opens'
            : values.endsOn && v.slice(0, 10) > values.endsOn
              ? 'Registration must close by the last day of the term'
              : null,
      addDropDeadline: (v, values) =>
        !v
          ? 'Enter the add/drop deadline'
          : !before(values.registrationOpensAt, v)
            ? 'The add/drop deadline must come after registration opens'
            : null,
      withdrawDeadline: (v, values) =>
        !v
          ? 'Enter the withdraw deadline'
          : before(v, values.addDropDeadline)
            ? 'The withdraw deadline cannot come before the add/drop deadline'
            : values.endsOn && v.slice(0, 10) > values.endsOn
              ? 'The withdraw deadline must fall on or before the last day of the term'
              : null,
      maxCredits: (v, values) =>
        Number(v) < Number(values.minCredits) ? 'The maximum cannot be below the minimum' : null,
    },
  });

  const close = () => {
    form.reset();
    save.reset();
    props.onClose();
  };

  const handleSubmit = form.onSubmit(
    (values) => {
      const zone = values.timeZone;
      const instant = (wall: string | null) => fromWallTime(wall!, zone);
      save.mutate(
        {
          termId: props.term?.id,
          body: {
            code: values.code.trim(),
            name: values.name.trim(),
            timeZone: zone,
            startsOn: values.startsOn!,
            endsOn: values.endsOn!,
            registrationOpensAt: instant(values.registrationOpensAt),
            registrationClosesAt: instant(values.registrationClosesAt),
            addDropDeadline: instant(values.addDropDeadline),
            withdrawDeadline: instant(values.withdrawDeadline),
            minCredits: Number(values.minCredits),
            maxCredits: Number(values.maxCredits),
            claimWindowHours:
              values.claimWindowHours === '' ? null : Number(values.claimWindowHours),
          },
        },
        {
          onSuccess: (term) => {
            notifications.show({ color: 'teal', message: `${term.name} saved.` });
            close();
          },
          onError: (error) => {
            if (showServerErrors(form, error)) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  const zone = form.values.timeZone;
  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={props.term ? `Edit ${props.term.name}` : 'New term'}
      size="lg"
      centered
    >
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Term">
        <FormAlert
          error={save.error}
          show={save.isError && Object.keys(form.errors).length === 0}
          title="Could not save the term"
        />
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput label="Code" required placeholder="FA2026" {...form.getInputProps('code')} />
            <TextInput
              label="Name"
              required
              placeholder="Fall 2026"
              {...form.getInputProps('name')}
            />
            <Select
              label="Time zone"
              required
              searchable
              data={zones}
              allowDeselect={false}
              {...form.getInputProps('timeZone')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DatePickerInput
              label="Classes start"
              required
              valueFormat="YYYY-MM-DD"
              {...form.getInputProps('startsOn')}
            />
            <DatePickerInput
              label="Classes end"
              required
              valueFormat="YYYY-MM-DD"
              {...form.getInputProps('endsOn')}
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            Times below are wall-clock times in {zone}.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DateTimePicker
              label="Registration opens"
              required
              valueFormat="YYYY-MM-DD HH:mm"
              {...form.getInputProps('registrationOpensAt')}
            />
            <DateTimePicker
              label="Registration closes"
              required
              valueFormat="YYYY-MM-DD HH:mm"
              {...form.getInputProps('registrationClosesAt')}
            />
            <DateTimePicker
              label="Add/drop deadline"
              required
              valueFormat="YYYY-MM-DD HH:mm"
              {...form.getInputProps('addDropDeadline')}
            />
            <DateTimePicker
              label="Withdraw deadline"
              required
              valueFormat="YYYY-MM-DD HH:mm"
              {...form.getInputProps('withdrawDeadline')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <NumberInput
              label="Minimum credits"
              min={0}
              max={99}
              {...form.getInputProps('minCredits')}
            />
            <NumberInput
              label="Maximum credits"
              min={0}
              max={99}
              {...form.getInputProps('maxCredits')}
            />
            <NumberInput
              label="Wait-list claim window (hours)"
              placeholder="Automatic"
              min={1}
              max={720}
              {...form.getInputProps('claimWindowHours')}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save term
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
