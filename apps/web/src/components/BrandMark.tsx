// The OpenRegistrar logo: a mortarboard on university blue, with the name beside it.
import { Group, Text } from '@mantine/core';

export function BrandLogo(props: { size?: number }) {
  const size = props.size ?? 32;
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="var(--mantine-color-brand-9)" />
      <path d="M8 11.5 16 7l8 4.5-8 4.5z" fill="#fff" />
      <path
        d="M11 15.2v4.6c0 1.7 2.3 3.2 5 3.2s5-1.5 5-3.2v-4.6L16 18z"
        fill="#fff"
        opacity=".85"
      />
    </svg>
  );
}

export function BrandMark(props: { size?: 'sm' | 'lg' }) {
  const large = props.size === 'lg';
  return (
    <Group gap={large ? 12 : 10} wrap="nowrap">
      <BrandLogo size={large ? 40 : 32} />
      <Text
        component="span"
        fw={700}
        fz={large ? 24 : 19}
        c="brand.9"
        style={{ letterSpacing: '-0.01em', whiteSpace: 'nowrap' }}
      >
        OpenRegistrar
      </Text>
    </Group>
  );
}
