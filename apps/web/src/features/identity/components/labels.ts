// Words the UI uses for identity values.
import type { StudentSummary } from '../api/types.ts';

const CLASS_STANDING_LABELS: Record<StudentSummary['classStanding'], string> = {
  freshman: 'Freshman',
  sophomore: 'Sophomore',
  junior: 'Junior',
  senior: 'Senior',
  graduate: 'Graduate',
};

export function classStandingLabel(standing: StudentSummary['classStanding']): string {
  return CLASS_STANDING_LABELS[standing];
}

export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}
