// Every reason a registration would be refused, each with what to do about it.
import { List, Text, ThemeIcon } from '@mantine/core';
import { IconAlert } from '../../../components/icons.tsx';
import type { Blocker } from '../api/types.ts';

const LABELS: Record<string, string> = {
  not_in_window: 'Not in your registration window',
  hold: 'Hold on your record',
  prerequisite_not_met: 'Prerequisite not met',
  corequisite_missing: 'Corequisite missing',
  time_conflict: 'Time conflict',
  credit_limit_exceeded: 'Credit limit',
  already_registered: 'Already registered',
  duplicate_course: 'Same course twice',
  restriction_not_met: 'Restricted section',
  linked_section_required: 'Needs a linked section',
  section_full: 'Section full',
  section_cancelled: 'Section cancelled',
};

export function blockerLabel(code: string): string {
  return LABELS[code] ?? code.replace(/_/g, ' ');
}

export function BlockerList(props: { blockers: readonly Blocker[] }) {
  return (
    <List
      spacing={4}
      size="sm"
      icon={
        <ThemeIcon color="red" variant="light" size={18} radius="xl">
          <IconAlert size={12} />
        </ThemeIcon>
      }
      data-testid="blockers"
    >
      {props.blockers.map((blocker, index) => (
        <List.Item key={`${blocker.code}-${index}`} data-code={blocker.code}>
          <Text size="sm" fw={600} span>
            {blockerLabel(blocker.code)}:{' '}
          </Text>
          <Text size="sm" span>
            {blocker.message}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
