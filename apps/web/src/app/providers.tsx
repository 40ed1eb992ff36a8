// Everything every page needs: theme, notifications and the query cache.
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { theme } from './theme.ts';

export function AppProviders(props: {
  queryClient: QueryClient;
  children: ReactNode;
  /** 'test' turns off transitions and portals (component tests). */
  env?: 'default' | 'test';
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" env={props.env ?? 'default'}>
      <Notifications position="bottom-right" limit={4} />
      <QueryClientProvider client={props.queryClient}>{props.children}</QueryClientProvider>
    </MantineProvider>
  );
}
