// The admin's user directory: search by name or email, filter by role, create accounts.
import {
  Badge,
  Button,
  EmptyState,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { IconPlus, IconSearch, IconUsers } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { ALL_ROLES, type Role } from '../api/types.ts';
import { useUsers } from '../api/users-list.ts';
import { CreateUserModal } from '../components/CreateUserModal.tsx';
import { roleLabel } from '../components/labels.ts';

const ROLE_OPTIONS = ALL_ROLES.map((role) => ({ value: role, label: roleLabel(role) }));

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function AdminUsersPage() {
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | null>(null);
  const [q] = useDebouncedValue(search, 300);
  const [createOpened, createModal] = useDisclosure(false);
  const users = useUsers({ q, role });
  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Users"
        description="Every account in the system: students, instructors, advisors and staff."
        actions={
          <Button leftSection={<IconPlus size={18} />} onClick={createModal.open}>
            Create user
          </Button>
        }
      />
      <CreateUserModal opened={createOpened} onClose={createModal.close} />

      <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
        <Stack gap="md">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label="Search"
              placeholder="Name, email, username or student number"
              leftSection={<IconSearch size={16} />}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
              style={{ flex: '1 1 240px' }}
              type="search"
            />
            <Select
              label="Role"
              placeholder="All roles"
              data={ROLE_OPTIONS}
              value={role}
              onChange={setRole}
              clearable
              w={{ base: '100%', xs: 200 }}
            />
          </Group>

          {users.isError && (
            <ProblemAlert error={users.error} onRetry={() => void users.refetch()} />
          )}

          {users.isPending ? (
            <Stack gap="xs" aria-busy="true" aria-label="Loading users">
              {Array.from({ length: 6 }, (_, index) => (
                <Skeleton key={index} h={36} />
              ))}
            </Stack>
          ) : rows.length === 0 && !users.isError ? (
            <EmptyState
              py="xl"
              icon={<IconUsers size={28} />}
              variant="light"
              title="No users found"
              description={
                q || role
                  ? 'Try another search or clear the role filter.'
                  : 'Create the first user.'
              }
            />
          ) : (
            <Table.ScrollContainer minWidth={680}>
              <Table
                striped
                highlightOnHover
                verticalSpacing="sm"
                aria-busy={users.isFetching}
                aria-label="Users"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Username</Table.Th>
                    <Table.Th>Roles</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((user) => (
                    <Table.Tr key={user.id}>
                      <Table.Td fw={500}>{user.name}</Table.Td>
                      <Table.Td>{user.email}</Table.Td>
                      <Table.Td c={user.username ? undefined : 'dimmed'}>
                        {user.username ?? '—'}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {user.roles.map((r) => (
                            <Badge key={r} variant="light" size="sm" tt="capitalize">
                              {r}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {user.disabled ? (
                          <Badge color="gray" variant="outline" size="sm">
                            Disabled
                          </Badge>
                        ) : (
                          <Badge color="teal" variant="dot" size="sm">
                            Active
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {user.createdAt ? dateFormat.format(new Date(user.createdAt)) : '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}

          {users.hasNextPage && (
            <Group justify="center">
              <Button
                variant="default"
                onClick={() => void users.fetchNextPage()}
                loading={users.isFetchingNextPage}
              >
                Load more
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>
    </>
  );
}
