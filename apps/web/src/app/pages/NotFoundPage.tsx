import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack align="center" gap="sm" py={64} ta="center">
      <Text fw={700} fz={48} c="brand.8" lh={1}>
        404
      </Text>
      <Title order={1} fz={24}>
        Page not found
      </Title>
      <Text c="dimmed" maw={420}>
        The address may be mistyped, or the page may have moved.
      </Text>
      <Button component={Link} to="/" variant="light" mt="sm">
        Back to home
      </Button>
    </Stack>
  );
}
