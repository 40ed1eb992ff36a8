// The signed-in user's own record (GET /me) and the parts they may change (PATCH /me).
import {
  Badge,
  Button,
  DataList,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useRef, type ReactNode } from 'react';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { applyServerFieldErrors, focusFirstInvalid } from '../../../lib/forms.ts';
import { useMe } from '../api/me.ts';
import { classStandingLabel } from '../components/labels.ts';
import type { User } from '../api/types.ts';
import { useUpdateMe } from '../api/update-me.ts';

// Long values (an email address) wrap inside the card instead of overflowing on a phone.
const DATA_LIST_STYLES = {
  itemValue: { minWidth: 0, overflowWrap: 'anywhere' },
} as const;

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }}>
      <Title order={2} fz="lg" mb="md">
        {props.title}
      </Title>
      {props.children}
    </Paper>
  );
}

function EditProfileForm(props: { me: User }) {
  const update = useUpdateMe();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: props.me.name },
    validate: { name: (value) => (value.trim() ? null : 'Enter your full name') },
  });

  const handleSubmit = form.onSubmit(
    (values) => {
      update.mutate(
        { name: values.name.trim() },
        {
          onSuccess: () => {
            form.resetDirty();
            notifications.show({ message: 'Your profile is saved.', color: 'teal' });
          },
          onError: (error) => {
            if (applyServerFieldErrors(form, error, ['name'])) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  return (
    <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Edit profile">
      <FormAlert
        error={update.error}
        show={update.isError && Object.keys(form.errors).length === 0}
        title="Could not save your profile"
      />
      <Stack gap="md">
        <TextInput
          label="Full name"
          autoComplete="name"
          required
          key={form.key('name')}
          {...form.getInputProps('name')}
        />
        <TextInput
          label="Email"
          value={props.me.email}
          readOnly
          disabled
          description="Ask the registrar’s office to change your email address."
        />
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ProfilePage() {
  const me = useMe();

  if (me.isPending) {
    return (
      <Stack gap="lg" aria-busy="true" aria-label="Loading your profile">
        <Skeleton h={36} w={220} />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Skeleton h={220} />
          <Skeleton h={220} />
        </SimpleGrid>
      </Stack>
    );
  }
  if (me.isError) return <ProblemAlert error={me.error} onRetry={() => void me.refetch()} />;
  const user = me.data;
  if (!user) return null;

  return (
    <>
      <PageHeader
        title="Profile"
        description="Your account and, for students, your academic record."
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Section title="Account">
          <DataList withDivider labelWidth={130} styles={DATA_LIST_STYLES}>
            <DataList.Item>
              <DataList.ItemLabel>Name</DataList.ItemLabel>
              <DataList.ItemValue data-testid="profile-name">{user.name}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Email</DataList.ItemLabel>
              <DataList.ItemValue data-testid="profile-email">{user.email}</DataList.ItemValue>
            </DataList.Item>
            {user.username && (
              <DataList.Item>
                <DataList.ItemLabel>Username</DataList.ItemLabel>
                <DataList.ItemValue>{user.username}</DataList.ItemValue>
              </DataList.Item>
            )}
            <DataList.Item>
              <DataList.ItemLabel>Roles</DataList.ItemLabel>
              <DataList.ItemValue>
                <Group gap={6}>
                  {user.roles.map((role) => (
                    <Badge key={role} variant="light" tt="capitalize">
                      {role}
                    </Badge>
                  ))}
                </Group>
              </DataList.ItemValue>
            </DataList.Item>
          </DataList>
        </Section>
        {user.student && (
          <Section title="Student record">
            <DataList withDivider labelWidth={130} styles={DATA_LIST_STYLES}>
              <DataList.Item>
                <DataList.ItemLabel>Student number</DataList.ItemLabel>
                <DataList.ItemValue data-testid="profile-student-number">
                  {user.student.studentNumber}
                </DataList.ItemValue>
              </DataList.Item>
              <DataList.Item>
                <DataList.ItemLabel>Program</DataList.ItemLabel>
                <DataList.ItemValue>{user.student.program ?? 'Undeclared'}</DataList.ItemValue>
              </DataList.Item>
              <DataList.Item>
                <DataList.ItemLabel>Class standing</DataList.ItemLabel>
                <DataList.ItemValue>
                  {classStandingLabel(user.student.classStanding)}
                </DataList.ItemValue>
              </DataList.Item>
              <DataList.Item>
                <DataList.ItemLabel>Credits earned</DataList.ItemLabel>
                <DataList.ItemValue>{user.student.creditsEarned}</DataList.ItemValue>
              </DataList.Item>
            </DataList>
          </Section>
        )}
        <Section title="Edit profile">
          <EditProfileForm me={user} />
        </Section>
      </SimpleGrid>
    </>
  );
}
