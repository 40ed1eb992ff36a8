// Create or edit a section of a term: code, kind, capacity and wait-list, meetings (or arranged),
// instructors, seats reserved for a group until a date, and the linked group it is taken with.
import {
  ActionIcon,
  Button,
  Chip,
  Divider,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { DatePickerInput, DateTimePicker, TimeInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useRef, useState } from 'react';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { IconPlus } from '../../../components/icons.tsx';
import { focusFirstInvalid } from '../../../lib/forms.ts';
import { useCourses } from '../api/courses.ts';
import { useSaveSection } from '../api/sections.ts';
import { usePrograms } from '../api/subjects.ts';
import {
  ALL_KINDS,
  ALL_STANDINGS,
  type Section,
  type SectionCreate,
  type SectionKind,
  type Term,
} from '../api/types.ts';
import { showServerErrors } from './form-errors.ts';
import { DAY_LETTERS, DAY_NAMES, fromWallTime, KIND_LABELS, toWallTime } from './format.ts';

type GroupKind = 'class_standing' | 'program' | 'cohort';

interface MeetingValues {
  days: string[];
  startTime: string;
  endTime: string;
  location: string;
  startDate: string | null;
  endDate: string | null;
}

interface ReservedValues {
  kind: GroupKind;
  value: string;
  seats: number | string;
  until: string | null;
  label: string;
}

interface Values {
  courseId: string | null;
  crn: string;
  sectionCode: string;
  kind: SectionKind;
  title: string;
  credits: number | string;
  capacity: number | string;
  waitlistCapacity: number | string;
  waitlistMode: 'auto' | 'claim';
  linkedGroup: string;
  instructors: Array<{ name: string; userId: string | null }>;
  meetings: MeetingValues[];
  reservedSeats: ReservedValues[];
}

const EMPTY_MEETING: MeetingValues = {
  days: [],
  startTime: '',
  endTime: '',
  location: '',
  startDate: null,
  endDate: null,
};

function initialValues(section: Section | undefined, term: Term): Values {
  if (!section) {
    return {
      courseId: null,
      crn: '',
      sectionCode: '',
      kind: 'lecture',
      title: '',
      credits: '',
      capacity: 30,
      waitlistCapacity: 5,
      waitlistMode: 'auto',
      linkedGroup: '',
      instructors: [],
      meetings: [{ ...EMPTY_MEETING }],
      reservedSeats: [],
    };
  }
  return {
    courseId: section.courseId,
    crn: section.crn,
    sectionCode: section.sectionCode,
    kind: section.kind,
    title: '',
    credits: '',
    capacity: section.capacity,
    waitlistCapacity: section.waitlistCapacity,
    waitlistMode: section.waitlistMode,
    linkedGroup: section.linkedGroup ?? '',
    instructors: section.instructors.map((i) => ({ name: i.name, userId: i.userId })),
    meetings: section.meetings.map((m) => ({
      days: m.days ? [...m.days] : [],
      startTime: m.startTime ?? '',
      endTime: m.endTime ?? '',
      location: m.location ?? '',
      startDate: m.startDate ?? null,
      endDate: m.endDate ?? null,
    })),
    reservedSeats: section.reservedSeats.map((r) => {
      const [kind, ...rest] = r.group.split(':');
      return {
        kind: kind as GroupKind,
        value: rest.join(':'),
        seats: r.seats,
        until: r.until ? toWallTime(r.until, term.timeZone) : null,
        label: r.label,
      };
    }),
  };
}

/** API paths to this form's fields (a reserved group's problem shows on its value). */
function sectionField(path: string): string {
  const reserved = /^reservedSeats\.(\d+)\.group$/.exec(path);
  if (reserved) return `reservedSeats.${reserved[1]}.value`;
  const instructor = /^instructors\.(\d+)(\.userId)?$/.exec(path);
  if (instructor) return `instructors.${instructor[1]}.name`;
  return path;
}

function toBody(values: Values, term: Term): SectionCreate {
  const number = (v: number | string) => (v === '' ? undefined : Number(v));
  return {
    termId: term.id,
    courseId: values.courseId!,
    ...(values.crn.trim() ? { crn: values.crn.trim() } : {}),
    sectionCode: values.sectionCode.trim(),
    kind: values.kind,
    ...(values.title.trim() ? { title: values.title.trim() } : {}),
    ...(number(values.credits) !== undefined ? { credits: number(values.credits)! } : {}),
    capacity: Number(values.capacity),
    waitlistCapacity: Number(values.waitlistCapacity || 0),
    waitlistMode: values.waitlistMode,
    linkedGroup: values.linkedGroup.trim() || null,
    instructors: values.instructors
      .filter((i) => i.name.trim() || i.userId)
      .map((i) => ({ name: i.name.trim(), ...(i.userId ? { userId: i.userId } : {}) })),
    meetings: values.meetings.map((m) => {
      const arranged = m.days.length === 0 && !m.startTime && !m.endTime;
      return {
        days: arranged ? null : DAY_LETTERS.filter((d) => m.days.includes(d)).join(''),
        startTime: arranged ? null : m.startTime,
        endTime: arranged ? null : m.endTime,
        location: m.location.trim() || null,
        startDate: m.startDate,
        endDate: m.endDate,
      };
    }),
    reservedSeats: values.reservedSeats.map((r) => ({
      group: `${r.kind}:${r.value.trim()}`,
      seats: Number(r.seats),
      until: r.until ? fromWallTime(r.until, term.timeZone) : null,
      ...(r.label.trim() ? { label: r.label.trim() } : {}),
    })),
  };
}

function CoursePicker(props: {
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string | undefined;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const courses = useCourses({ q, subject: null });
  const options = (courses.data?.pages[0]?.items ?? []).map((c) => ({
    value: c.id,
    label: `${c.code} · ${c.title}`,
  }));
  return (
    <Select
      label="Course"
      required
      searchable
      placeholder="Type a code or title"
      data={options}
      value={props.value}
      onChange={props.onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={courses.isFetching ? 'Searching…' : 'No course matches'}
      error={props.error}
      data-testid="section-course"
    />
  );
}

export function SectionFormModal(props: {
  opened: boolean;
  term: Term;
  section?: Section | undefined;
  onClose: () => void;
}) {
  const { term, section } = props;
  const save = useSaveSection();
  const programs = usePrograms();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<Values>({
    initialValues: initialValues(section, term),
    validateInputOnBlur: true,
    validate: {
      courseId: (v) => (v ? null : 'Choose the course'),
      sectionCode: (v) => (v.trim() ? null : 'Enter the section code (e.g. AL1)'),
      crn: (v) => (!v || /^[A-Za-z0-9]{1,10}$/.test(v.trim()) ? null : 'Letters and digits only'),
      capacity: (v) => (v === '' || Number(v) < 0 ? 'Enter the number of seats' : null),
      meetings: {
        days: (v, values, path) => {
          const m = values.meetings[Number(path.split('.')[1])]!;
          const given = [v.length > 0, Boolean(m.startTime), Boolean(m.endTime)].filter(Boolean);
          return given.length === 0 || given.length === 3
            ? null
            : 'Give days, start and end together, or none for an arranged meeting';
        },
        endTime: (v, values, path) => {
          const m = values.meetings[Number(path.split('.')[1])]!;
          return m.startTime && v && v <= m.startTime ? 'A meeting must end after it starts' : null;
        },
        endDate: (v, values, path) => {
          const m = values.meetings[Number(path.split('.')[1])]!;
          return m.startDate && v && v < m.startDate ? 'The dates end before they start' : null;
        },
      },
      reservedSeats: {
        value: (v, values, path) => {
          const r = values.reservedSeats[Number(path.split('.')[1])]!;
          return v.trim() ? null : r.kind === 'cohort' ? 'Name the cohort' : 'Choose who';
        },
        seats: (v) => (Number(v) >= 1 ? null : 'At least 1 seat'),
      },
    },
  });

  const close = () => {
    form.reset();
    save.reset();
    props.onClose();
  };

  const handleSubmit = form.onSubmit(
    (values) => {
      const reserved = values.reservedSeats.reduce((sum, r) => sum + Number(r.seats || 0), 0);
      if (reserved > Number(values.capacity)) {
        form.setFieldError(
          'reservedSeats',
          `Reserved seats (${reserved}) exceed the capacity (${values.capacity}).`,
        );
        return;
      }
      save.mutate(
        { sectionId: section?.id, body: toBody(values, term) },
        {
          onSuccess: (saved) => {
            notifications.show({ color: 'teal', message: `${saved.code} saved.` });
            close();
          },
          onError: (error) => {
            if (showServerErrors(form, error, sectionField)) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  const { values } = form;
  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={section ? `Edit ${section.code}` : `New section in ${term.name}`}
      size="xl"
      centered
    >
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Section">
        <FormAlert
          error={save.error}
          show={save.isError && Object.keys(form.errors).length === 0}
          title="Could not save the section"
        />
        <Stack gap="md">
          {section ? (
            <Text fw={600}>{section.code.replace(` ${section.sectionCode}`, '')}</Text>
          ) : (
            <CoursePicker
              value={values.courseId}
              onChange={(v) => form.setFieldValue('courseId', v)}
              error={form.errors.courseId as string | undefined}
            />
          )}
          <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="sm">
            <TextInput
              label="Section code"
              required
              placeholder="AL1"
              {...form.getInputProps('sectionCode')}
            />
            <TextInput label="CRN" placeholder="Next free" {...form.getInputProps('crn')} />
            <Select
              label="Kind"
              data={ALL_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
              allowDeselect={false}
              {...form.getInputProps('kind')}
            />
            <TextInput
              label="Linked group"
              placeholder="None"
              description="Taken together with sections of the same group"
              {...form.getInputProps('linkedGroup')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="sm">
            <NumberInput label="Capacity" required min={0} {...form.getInputProps('capacity')} />
            <NumberInput
              label="Wait-list capacity"
              min={0}
              {...form.getInputProps('waitlistCapacity')}
            />
            <Select
              label="Wait-list"
              data={[
                { value: 'auto', label: 'Enrol automatically' },
                { value: 'claim', label: 'Offer the seat to claim' },
              ]}
              allowDeselect={false}
              {...form.getInputProps('waitlistMode')}
            />
            <NumberInput
              label="Credits"
              placeholder="As the course"
              min={0}
              max={99}
              {...form.getInputProps('credits')}
            />
          </SimpleGrid>
          {!section && (
            <TextInput
              label="Section title"
              placeholder="As the course"
              {...form.getInputProps('title')}
            />
          )}

          <Divider
            label="Meetings (leave days and times empty for an arranged meeting)"
            labelPosition="left"
          />
          {values.meetings.map((_, index) => (
            <Paper key={index} withBorder p="sm" data-testid={`meeting-${index}`}>
              <Stack gap="xs">
                <Chip.Group multiple {...form.getInputProps(`meetings.${index}.days`)}>
                  <Group gap={6}>
                    {DAY_LETTERS.map((d) => (
                      <Chip key={d} value={d} size="xs" variant="outline">
                        {DAY_NAMES[d]}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
                {form.errors[`meetings.${index}.days`] && (
                  <Text size="xs" c="red">
                    {form.errors[`meetings.${index}.days`]}
                  </Text>
                )}
                {form.errors[`meetings.${index}`] && (
                  <Text size="xs" c="red">
                    {form.errors[`meetings.${index}`]}
                  </Text>
                )}
                <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs">
                  <TimeInput
                    label="Starts"
                    {...form.getInputProps(`meetings.${index}.startTime`)}
                  />
                  <TimeInput label="Ends" {...form.getInputProps(`meetings.${index}.endTime`)} />
                  <TextInput label="Room" {...form.getInputProps(`meetings.${index}.location`)} />
                  <DatePickerInput
                    label="From"
                    placeholder="Term start"
                    clearable
                    valueFormat="YYYY-MM-DD"
                    {...form.getInputProps(`meetings.${index}.startDate`)}
                  />
                  <DatePickerInput
                    label="Until"
                    placeholder="Term end"
                    clearable
                    valueFormat="YYYY-MM-DD"
                    {...form.getInputProps(`meetings.${index}.endDate`)}
                  />
                </SimpleGrid>
                <Group justify="flex-end">
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => form.removeListItem('meetings', index)}
                  >
                    Remove meeting
                  </Button>
                </Group>
              </Stack>
            </Paper>
          ))}
          <Group>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() => form.insertListItem('meetings', { ...EMPTY_MEETING })}
            >
              Add meeting
            </Button>
          </Group>

          <Divider label="Instructors" labelPosition="left" />
          {values.instructors.map((instructor, index) => (
            <Group key={index} gap="xs" align="flex-end">
              <TextInput
                label={index === 0 ? 'Name' : undefined}
                style={{ flex: 1 }}
                description={instructor.userId ? 'Linked to an instructor account' : undefined}
                {...form.getInputProps(`instructors.${index}.name`)}
              />
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() => form.removeListItem('instructors', index)}
              >
                Remove
              </Button>
            </Group>
          ))}
          <Group>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() => form.insertListItem('instructors', { name: '', userId: null })}
            >
              Add instructor
            </Button>
          </Group>

          <Divider label="Reserved seats" labelPosition="left" />
          {values.reservedSeats.map((reserved, index) => (
            <SimpleGrid key={index} cols={{ base: 1, sm: 5 }} spacing="xs">
              <Select
                label="Held for"
                data={[
                  { value: 'class_standing', label: 'Class standing' },
                  { value: 'program', label: 'Program' },
                  { value: 'cohort', label: 'Cohort' },
                ]}
                allowDeselect={false}
                {...form.getInputProps(`reservedSeats.${index}.kind`)}
              />
              {reserved.kind === 'cohort' ? (
                <TextInput
                  label="Cohort"
                  placeholder="Honors"
                  {...form.getInputProps(`reservedSeats.${index}.value`)}
                />
              ) : (
                <Select
                  label={reserved.kind === 'program' ? 'Program' : 'Standing'}
                  searchable
                  data={
                    reserved.kind === 'program'
                      ? (programs.data?.items ?? []).map((p) => ({ value: p.code, label: p.code }))
                      : ALL_STANDINGS.map((s) => ({ value: s, label: s }))
                  }
                  {...form.getInputProps(`reservedSeats.${index}.value`)}
                />
              )}
              <NumberInput
                label="Seats"
                min={1}
                {...form.getInputProps(`reservedSeats.${index}.seats`)}
              />
              <DateTimePicker
                label="Until"
                placeholder="Whole term"
                clearable
                valueFormat="YYYY-MM-DD HH:mm"
                {...form.getInputProps(`reservedSeats.${index}.until`)}
              />
              <Group gap={4} align="flex-end">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label="Remove reserved seats"
                  onClick={() => form.removeListItem('reservedSeats', index)}
                  mb={4}
                >
                  ×
                </ActionIcon>
              </Group>
            </SimpleGrid>
          ))}
          {form.errors.reservedSeats && (
            <Text size="xs" c="red" data-testid="reserved-error">
              {form.errors.reservedSeats}
            </Text>
          )}
          <Group>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() =>
                form.insertListItem('reservedSeats', {
                  kind: 'class_standing',
                  value: 'freshman',
                  seats: 5,
                  until: null,
                  label: '',
                })
              }
            >
              Reserve seats
            </Button>
            <Text size="xs" c="dimmed">
              Times in {term.timeZone}.
            </Text>
          </Group>

          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save section
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
