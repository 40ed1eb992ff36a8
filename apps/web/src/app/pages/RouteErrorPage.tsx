// Last line of defence: a page that crashed while rendering still leaves the user a way out.
import { Button, Code, Container, Stack, Text, Title } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { BrandMark } from '../../components/BrandMark.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

/** A lazily loaded page whose file is gone: the app was rebuilt since this tab loaded it. */
function isStaleChunkError(message: string): boolean {
  return /dynamically imported module|Importing a module script failed/i.test(message);
}

export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const message = error instanceof Error ? error.message : 'Unknown error';
  if (isStaleChunkError(message)) {
    return (
      <Container size="sm" py={64}>
        <Stack gap="md">
          <BrandMark />
          <Title order={1} fz={24}>
            OpenRegistrar has been updated
          </Title>
          <Text c="dimmed">Reload the page to get the new version.</Text>
          <Button onClick={() => window.location.reload()} w="fit-content">
            Reload
          </Button>
        </Stack>
      </Container>
    );
  }
  return (
    <Container size="sm" py={64}>
      <Stack gap="md">
        <BrandMark />
        <Title order={1} fz={24}>
          This page ran into a problem
        </Title>
        <Text c="dimmed">
          Reload the page to try again. If it keeps happening, tell the registrar’s office what you
          were doing and quote the message below.
        </Text>
        <Code block>{message}</Code>
        <Button onClick={() => window.location.reload()} w="fit-content">
          Reload
        </Button>
      </Stack>
    </Container>
  );
}
