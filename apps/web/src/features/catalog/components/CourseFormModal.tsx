// Create or edit a course. Prerequisites are written as expressions (CS 125 (C) and (CS 173 or
// MATH 213)); a mistake comes back from the server with the position it was found at.
import {
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useRef } from 'react';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { focusFirstInvalid } from '../../../lib/forms.ts';
import { useSaveCourse } from '../api/courses.ts';
import { usePrograms, useSubjects } from '../api/subjects.ts';
import { ALL_STANDINGS, type ClassStanding, type Course } from '../api/types.ts';
import { showServerErrors } from './form-errors.ts';

interface Values {
  subject: string | null;
  number: string;
  title: string;
  description: string;
  creditsMin: number | string;
  creditsMax: number | string;
  prerequisites: string;
  corequisites: string;
  classStandings: string[];
  programs: string[];
}

/** API paths (credits.max, restrictions.programs.0) to this form's fields. */
function courseField(path: string): string {
  if (path.startsWith('credits.')) return path === 'credits.max' ? 'creditsMax' : 'creditsMin';
  if (path.startsWith('restrictions.programs')) return 'programs';
  if (path.startsWith('restrictions.classStandings')) return 'classStandings';
  return path;
}

const MONOSPACE_INPUT = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

const EXPRESSION_HINT =
  'e.g. CS 125 (C) and (CS 173 or MATH 213); add [concurrent] after a course that may be taken at the same time';

export function CourseFormModal(props: {
  opened: boolean;
  course?: Course | undefined;
  onClose: () => void;
}) {
  const { course } = props;
  const save = useSaveCourse();
  const subjects = useSubjects();
  const programs = usePrograms();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<Values>({
    initialValues: {
      subject: course?.subject ?? null,
      number: course?.number ?? '',
      title: course?.title ?? '',
      description: course?.description ?? '',
      creditsMin: course?.credits.min ?? 3,
      creditsMax: course?.credits.max ?? 3,
      prerequisites: course?.prerequisites ?? '',
      corequisites: course?.corequisites ?? '',
      classStandings: course?.restrictions.classStandings ?? [],
      programs: course?.restrictions.programs ?? [],
    },
    validateInputOnBlur: true,
    validate: {
      subject: (v) => (v ? null : 'Choose the subject'),
      number: (v) =>
        /^[0-9][0-9Xx]{0,5}[A-Za-z]?$/.test(v.trim()) ? null : 'A number such as 225 or 1107L',
      title: (v) => (v.trim() ? null : 'Enter the title'),
      creditsMax: (v, values) =>
        Number(v) < Number(values.creditsMin) ? 'The maximum cannot be below the minimum' : null,
    },
  });

  const close = () => {
    form.reset();
    save.reset();
    props.onClose();
  };

  const handleSubmit = form.onSubmit(
    (values) => {
      save.mutate(
        {
          courseId: course?.id,
          body: {
            subject: values.subject!,
            number: values.number.trim(),
            title: values.title.trim(),
            description: values.description.trim(),
            credits: { min: Number(values.creditsMin), max: Number(values.creditsMax) },
            prerequisites: values.prerequisites.trim() || null,
            corequisites: values.corequisites.trim() || null,
            restrictions: {
              ...(values.classStandings.length
                ? { classStandings: values.classStandings as ClassStanding[] }
                : {}),
              ...(values.programs.length ? { programs: values.programs } : {}),
            },
          },
        },
        {
          onSuccess: (saved) => {
            notifications.show({ color: 'teal', message: `${saved.code} saved.` });
            close();
          },
          onError: (error) => {
            if (showServerErrors(form, error, courseField)) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={course ? `Edit ${course.code}` : 'New course'}
      size="lg"
      centered
    >
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Course">
        <FormAlert
          error={save.error}
          show={save.isError && Object.keys(form.errors).length === 0}
          title="Could not save the course"
        />
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label="Subject"
              required
              searchable
              disabled={course !== undefined}
              data-testid="course-subject"
              data={(subjects.data?.items ?? []).map((s) => ({
                value: s.code,
                label: `${s.code} · ${s.name}`,
              }))}
              {...form.getInputProps('subject')}
            />
            <TextInput
              label="Number"
              required
              placeholder="225"
              disabled={course !== undefined}
              {...form.getInputProps('number')}
            />
            <Group grow gap="xs">
              <NumberInput
                label="Credits from"
                min={0}
                max={99}
                {...form.getInputProps('creditsMin')}
              />
              <NumberInput label="to" min={0} max={99} {...form.getInputProps('creditsMax')} />
            </Group>
          </SimpleGrid>
          <TextInput label="Title" required {...form.getInputProps('title')} />
          <Textarea
            label="Description"
            autosize
            minRows={3}
            maxRows={10}
            {...form.getInputProps('description')}
          />
          <TextInput
            label="Prerequisites"
            description={EXPRESSION_HINT}
            styles={MONOSPACE_INPUT}
            {...form.getInputProps('prerequisites')}
          />
          <TextInput
            label="Corequisites"
            description="Courses to take at the same time, e.g. PHYS 211 [concurrent]"
            styles={MONOSPACE_INPUT}
            {...form.getInputProps('corequisites')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <MultiSelect
              label="Only these class standings"
              placeholder="Anyone"
              data={ALL_STANDINGS.map((s) => ({
                value: s,
                label: s[0]!.toUpperCase() + s.slice(1),
              }))}
              {...form.getInputProps('classStandings')}
            />
            <MultiSelect
              label="Only these programs"
              placeholder="Any program"
              searchable
              data={(programs.data?.items ?? []).map((p) => ({
                value: p.code,
                label: `${p.code} · ${p.name}`,
              }))}
              {...form.getInputProps('programs')}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save course
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
