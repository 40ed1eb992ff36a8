// The signed-in landing page: a greeting, the student's standing at a glance, and shortcuts.
import {
  Badge,
  Card,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { Link } from 'react-router';
import { useMe } from '../../features/identity/api/me.ts';
import { classStandingLabel } from '../../features/identity/components/labels.ts';
import { navigationFor } from '../navigation.ts';

function greeting(now: Date): string {
  const hour = now.getHours();
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export function HomePage() {
  const me = useMe();
  const user = me.data;
  if (!user) return null;
  const shortcuts = navigationFor(user.roles)
    .flatMap((section) => section.items)
    .filter((item) => item.to !== '/');
  const firstName = user.name.split(/\s+/)[0] ?? user.name;

  return (
    <Stack gap="xl">
      <Stack gap={4}>
        <Title order={1} fz={{ base: 24, sm: 30 }} data-testid="home-greeting">
          {greeting(new Date())}, {firstName}
        </Title>
        <Group gap={6}>
          <Text c="dimmed" size="sm">
            Signed in as {user.email}
          </Text>
          {user.roles.map((role) => (
            <Badge key={role} variant="light" size="sm" tt="capitalize">
              {role}
            </Badge>
          ))}
        </Group>
      </Stack>

      {user.student && (
        <Paper withBorder p="lg">
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="lg">
            <Stat label="Student number" value={user.student.studentNumber} />
            <Stat label="Program" value={user.student.program ?? 'Undeclared'} />
            <Stat label="Class standing" value={classStandingLabel(user.student.classStanding)} />
            <Stat label="Credits earned" value={String(user.student.creditsEarned)} />
          </SimpleGrid>
        </Paper>
      )}

      <Stack gap="sm">
        <Title order={2} fz="lg">
          Go to
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="md">
          {shortcuts.map((item) => (
            <Card
              key={item.to}
              component={Link}
              to={item.to}
              withBorder
              padding="lg"
              style={{ textDecoration: 'none' }}
            >
              <Group gap="md" wrap="nowrap">
                <ThemeIcon variant="light" size={44} radius="md">
                  <item.icon size={22} />
                </ThemeIcon>
                <Text fw={600}>{item.label}</Text>
              </Group>
            </Card>
          ))}
        </SimpleGrid>
      </Stack>
    </Stack>
  );
}

function Stat(props: { label: string; value: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.5}>
        {props.label}
      </Text>
      <Text fw={600} fz="lg">
        {props.value}
      </Text>
    </Stack>
  );
}
