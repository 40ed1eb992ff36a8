import { Center, Loader, Stack, Text } from '@mantine/core';

/** A whole-area loading state with a label screen readers announce. */
export function PageLoader(props: { label?: string }) {
  const label = props.label ?? 'Loading…';
  return (
    <Center mih={240} role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="md" aria-hidden="true" />
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}
