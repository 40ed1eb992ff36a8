// The registrar's catalog editors: terms, courses, a term's sections (create, edit, cancel), and
// the subject and program codes.
import {
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { IconBook, IconPlus, IconSearch } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { describeError } from '../../../lib/api.ts';
import { LiveUpdatesProvider } from '../../registration/components/LiveUpdates.tsx';
import { TermPicker, useSelectedTerm } from '../../registration/components/TermPicker.tsx';
import { useCourses } from '../api/courses.ts';
import { useCancelSection, useSectionSearch } from '../api/sections.ts';
import { useCreateProgram, useCreateSubject } from '../api/subject-create.ts';
import { usePrograms, useSubjects } from '../api/subjects.ts';
import { useTerms } from '../api/terms.ts';
import type { Course, Section, Term } from '../api/types.ts';
import { CourseFormModal } from '../components/CourseFormModal.tsx';
import { showServerErrors } from '../components/form-errors.ts';
import { formatCredits, formatDate, formatInstant } from '../components/format.ts';
import { SectionFormModal } from '../components/SectionFormModal.tsx';
import { SectionsTable } from '../components/SectionsTable.tsx';
import { TermFormModal } from '../components/TermFormModal.tsx';

function TermsTab() {
  const terms = useTerms();
  const [editing, setEditing] = useState<Term | undefined>();
  const [opened, modal] = useDisclosure(false);
  const open = (term?: Term) => {
    setEditing(term);
    modal.open();
  };
  return (
    <Stack gap="sm">
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => open()}>
          New term
        </Button>
      </Group>
      <TermFormModal
        key={editing?.id ?? 'new'}
        opened={opened}
        term={editing}
        onClose={modal.close}
      />
      {terms.isError && <ProblemAlert error={terms.error} />}
      {terms.isPending ? (
        <Skeleton h={120} />
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover aria-label="Terms">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Term</Table.Th>
                <Table.Th>Classes</Table.Th>
                <Table.Th>Registration</Table.Th>
                <Table.Th>Deadlines</Table.Th>
                <Table.Th>Credits</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(terms.data?.items ?? []).map((term) => (
                <Table.Tr key={term.id}>
                  <Table.Td>
                    <Text fw={600}>{term.name}</Text>
                    <Text size="xs" c="dimmed">
                      {term.code} · {term.timeZone}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {formatDate(term.startsOn)} – {formatDate(term.endsOn)}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatInstant(term.registrationOpensAt, term.timeZone)}</Text>
                    <Text size="sm">
                      to {formatInstant(term.registrationClosesAt, term.timeZone)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      Add/drop {formatInstant(term.addDropDeadline, term.timeZone)}
                    </Text>
                    <Text size="sm">
                      Withdraw {formatInstant(term.withdrawDeadline, term.timeZone)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {term.minCredits}–{term.maxCredits}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => open(term)}>
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function CoursesTab() {
  const [search, setSearch] = useState('');
  const [subject, setSubject] = useState<string | null>(null);
  const [q] = useDebouncedValue(search, 300);
  const subjects = useSubjects();
  const courses = useCourses({ q, subject });
  const rows = courses.data?.pages.flatMap((page) => page.items) ?? [];
  const [editing, setEditing] = useState<Course | undefined>();
  const [opened, modal] = useDisclosure(false);
  const open = (course?: Course) => {
    setEditing(course);
    modal.open();
  };
  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Code or title"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          style={{ flex: '1 1 240px' }}
          type="search"
        />
        <Select
          label="Subject"
          placeholder="All"
          clearable
          searchable
          data={(subjects.data?.items ?? []).map((s) => s.code)}
          value={subject}
          onChange={setSubject}
          w={160}
        />
        <Button leftSection={<IconPlus size={16} />} onClick={() => open()}>
          New course
        </Button>
      </Group>
      <CourseFormModal
        key={editing?.id ?? 'new'}
        opened={opened}
        course={editing}
        onClose={modal.close}
      />
      {courses.isError && <ProblemAlert error={courses.error} />}
      {courses.isPending ? (
        <Skeleton h={160} />
      ) : rows.length === 0 ? (
        <EmptyState
          py="lg"
          icon={<IconBook size={24} />}
          variant="light"
          title="No courses found"
        />
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table highlightOnHover aria-label="Courses">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Course</Table.Th>
                <Table.Th>Credits</Table.Th>
                <Table.Th>Prerequisites</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((course) => (
                <Table.Tr key={course.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/catalog/courses/${course.id}`} fw={600}>
                      {course.code}
                    </Anchor>
                    <Text size="sm">{course.title}</Text>
                  </Table.Td>
                  <Table.Td>{formatCredits(course.credits)}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {course.prerequisites ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => open(course)}>
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {courses.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={courses.isFetchingNextPage}
            onClick={() => void courses.fetchNextPage()}
          >
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function SectionsTab() {
  const selected = useSelectedTerm();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const filters: Record<string, string> = { includeCancelled: 'true', ...(q ? { q } : {}) };
  const sections = useSectionSearch(selected.termId, filters);
  const rows = sections.data?.pages.flatMap((page) => page.items) ?? [];
  const cancel = useCancelSection();
  const [editing, setEditing] = useState<Section | undefined>();
  const [opened, modal] = useDisclosure(false);
  const open = (section?: Section) => {
    setEditing(section);
    modal.open();
  };
  const [cancelling, setCancelling] = useState<Section | undefined>();
  const confirmCancel = () => {
    const section = cancelling!;
    cancel.mutate(section.id, {
      onSuccess: () => {
        notifications.show({ color: 'teal', message: `${section.code} cancelled.` });
        setCancelling(undefined);
      },
      onError: (error) => notifications.show({ color: 'red', message: describeError(error) }),
    });
  };
  return (
    <LiveUpdatesProvider termId={selected.termId}>
      <Stack gap="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TermPicker selected={selected} />
          <TextInput
            label="Search"
            placeholder="Code, title or CRN"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            style={{ flex: '1 1 240px' }}
            type="search"
          />
          <Button
            leftSection={<IconPlus size={16} />}
            disabled={!selected.term}
            onClick={() => open()}
          >
            New section
          </Button>
        </Group>
        {selected.term && (
          <SectionFormModal
            key={editing?.id ?? `new-${selected.term.id}`}
            opened={opened}
            term={selected.term}
            section={editing}
            onClose={modal.close}
          />
        )}
        <Modal
          opened={cancelling !== undefined}
          onClose={() => setCancelling(undefined)}
          title={`Cancel ${cancelling?.code ?? ''}?`}
          centered
        >
          <Text size="sm" mb="md">
            The section stays in the catalog as cancelled. Students registered in it are released
            and told; it cannot be edited afterwards.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCancelling(undefined)}>
              Keep it
            </Button>
            <Button color="red" loading={cancel.isPending} onClick={confirmCancel}>
              Cancel the section
            </Button>
          </Group>
        </Modal>
        {sections.isError && <ProblemAlert error={sections.error} />}
        {sections.isPending ? (
          <Skeleton h={160} />
        ) : (
          <SectionsTable
            sections={rows}
            label="Sections of the term"
            action={(section) =>
              section.status === 'cancelled' ? (
                <Badge color="gray" variant="outline">
                  Cancelled
                </Badge>
              ) : (
                <Group gap={4} wrap="nowrap">
                  <Button size="xs" variant="light" onClick={() => open(section)}>
                    Edit
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => setCancelling(section)}
                  >
                    Cancel
                  </Button>
                </Group>
              )
            }
          />
        )}
        {sections.hasNextPage && (
          <Group justify="center">
            <Button
              variant="default"
              loading={sections.isFetchingNextPage}
              onClick={() => void sections.fetchNextPage()}
            >
              Show more
            </Button>
          </Group>
        )}
      </Stack>
    </LiveUpdatesProvider>
  );
}

function CodesTab() {
  const subjects = useSubjects();
  const programs = usePrograms();
  const createSubject = useCreateSubject();
  const createProgram = useCreateProgram();
  const subjectForm = useForm({ initialValues: { code: '', name: '' } });
  const programForm = useForm({ initialValues: { code: '', name: '', degree: '' } });
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder p="md">
        <Text fw={600} mb="xs">
          Subjects
        </Text>
        <form
          onSubmit={subjectForm.onSubmit((values) =>
            createSubject.mutate(values, {
              onSuccess: () => subjectForm.reset(),
              onError: (error) => showServerErrors(subjectForm, error),
            }),
          )}
          aria-label="New subject"
        >
          <FormAlert
            error={createSubject.error}
            show={createSubject.isError && Object.keys(subjectForm.errors).length === 0}
            title="Could not add the subject"
          />
          <Group align="flex-end" gap="xs" mb="sm">
            <TextInput
              label="Code"
              placeholder="CS"
              w={100}
              {...subjectForm.getInputProps('code')}
            />
            <TextInput
              label="Name"
              placeholder="Computer Science"
              style={{ flex: 1 }}
              {...subjectForm.getInputProps('name')}
            />
            <Button type="submit" loading={createSubject.isPending}>
              Add
            </Button>
          </Group>
        </form>
        <Text size="sm">
          {(subjects.data?.items ?? []).map((s) => `${s.code} ${s.name}`).join(' · ')}
        </Text>
      </Paper>
      <Paper withBorder p="md">
        <Text fw={600} mb="xs">
          Programs
        </Text>
        <form
          onSubmit={programForm.onSubmit((values) =>
            createProgram.mutate(
              { code: values.code, name: values.name, degree: values.degree || null },
              {
                onSuccess: () => programForm.reset(),
                onError: (error) => showServerErrors(programForm, error),
              },
            ),
          )}
          aria-label="New program"
        >
          <FormAlert
            error={createProgram.error}
            show={createProgram.isError && Object.keys(programForm.errors).length === 0}
            title="Could not add the program"
          />
          <Group align="flex-end" gap="xs" mb="sm">
            <TextInput
              label="Code"
              placeholder="CS-BS"
              w={110}
              {...programForm.getInputProps('code')}
            />
            <TextInput label="Name" style={{ flex: 1 }} {...programForm.getInputProps('name')} />
            <TextInput
              label="Degree"
              placeholder="BS"
              w={80}
              {...programForm.getInputProps('degree')}
            />
            <Button type="submit" loading={createProgram.isPending}>
              Add
            </Button>
          </Group>
        </form>
        <Text size="sm">
          {(programs.data?.items ?? []).map((p) => `${p.code} ${p.name}`).join(' · ')}
        </Text>
      </Paper>
    </SimpleGrid>
  );
}

const TABS = ['terms', 'courses', 'sections', 'codes'] as const;

export function AdminCatalogPage() {
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'sections';
  return (
    <>
      <PageHeader
        title="Terms & catalog"
        description="Terms, courses and sections students register for."
      />
      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(
            (previous) => {
              const next = new URLSearchParams(previous);
              next.set('tab', value ?? 'sections');
              return next;
            },
            { replace: true },
          )
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="sections">Sections</Tabs.Tab>
          <Tabs.Tab value="courses">Courses</Tabs.Tab>
          <Tabs.Tab value="terms">Terms</Tabs.Tab>
          <Tabs.Tab value="codes">Subjects & programs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="sections">
          <SectionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="courses">
          <CoursesTab />
        </Tabs.Panel>
        <Tabs.Panel value="terms">
          <TermsTab />
        </Tabs.Panel>
        <Tabs.Panel value="codes">
          <CodesTab />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
