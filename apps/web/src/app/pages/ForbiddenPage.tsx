import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function ForbiddenPage() {
  return (
    <Stack align="center" gap="sm" py={64} ta="center">
      <Text fw={700} fz={48} c="brand.8" lh={1}>
        403
      </Text>
      <Title order={1} fz={24}>
        You do not have access to this page
      </Title>
      <Text c="dimmed" maw={420}>
        It belongs to another role. If you think you should have access, contact the registrar’s
        office.
      </Text>
      <Button component={Link} to="/" variant="light" mt="sm">
        Back to home
      </Button>
    </Stack>
  );
}
