// The frame of the signed-out pages: a university-blue welcome panel beside a focused form.
// On a phone the panel shrinks to the brand above the form.
import { Anchor, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Outlet } from 'react-router';
import { BrandLogo, BrandMark } from '../../components/BrandMark.tsx';
import classes from './AuthLayout.module.css';

export function AuthLayout() {
  return (
    <div className={classes.root}>
      <aside className={classes.panel} aria-hidden="true">
        <Group gap={12}>
          <BrandLogo size={40} />
          <Text fw={700} fz={24} c="white">
            OpenRegistrar
          </Text>
        </Group>
        <Stack gap="md" maw={420}>
          <Title order={2} c="white" fz={34} lh={1.2}>
            Plan, register and follow your studies in one place.
          </Title>
          <Text c="brand.1" fz="md">
            Browse the catalog, build your schedule and keep track of your progress, from the first
            day of registration to graduation.
          </Text>
        </Stack>
        <Text c="brand.2" fz="xs">
          Open-source course registration for universities
        </Text>
      </aside>
      <main className={classes.content} id="main-content">
        <Center className={classes.center}>
          <Stack w="100%" maw={420} gap="lg">
            <Box hiddenFrom="md">
              <BrandMark size="lg" />
            </Box>
            <Outlet />
          </Stack>
        </Center>
        <Text c="dimmed" fz="xs" ta="center" pb="md">
          <Anchor href="/docs" c="dimmed" fz="xs">
            API documentation
          </Anchor>
        </Text>
      </main>
    </div>
  );
}

/** The card every signed-out page puts its form in. */
export function AuthCard(props: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }}>
      <Stack gap={4} mb="lg">
        <Title order={1} fz={26}>
          {props.title}
        </Title>
        {props.description && (
          <Text c="dimmed" size="sm">
            {props.description}
          </Text>
        )}
      </Stack>
      {props.children}
    </Paper>
  );
}
