// A course: what it is about, what it requires (in words), who may take it, and its sections in a term.
import {
  Anchor,
  Badge,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { Link, useParams } from 'react-router';
import { IconBook } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { LiveUpdatesProvider } from '../../registration/components/LiveUpdates.tsx';
import { TermPicker, useSelectedTerm } from '../../registration/components/TermPicker.tsx';
import { useCourse, useCourseSections } from '../api/courses.ts';
import { SectionsTable } from '../components/SectionsTable.tsx';
import { formatCredits } from '../components/format.ts';

const STANDING_WORDS: Record<string, string> = {
  freshman: 'first-year',
  sophomore: 'sophomore',
  junior: 'junior',
  senior: 'senior',
  graduate: 'graduate',
};

export function CoursePage() {
  const { courseId } = useParams();
  const course = useCourse(courseId);
  const selected = useSelectedTerm();
  const sections = useCourseSections(courseId, selected.termId);

  if (course.isPending) return <Skeleton h={240} aria-label="Loading course" />;
  if (course.isError) return <ProblemAlert error={course.error} />;
  const c = course.data;
  const standings = c.restrictions.classStandings ?? [];
  const programs = c.restrictions.programs ?? [];

  return (
    <LiveUpdatesProvider termId={selected.termId}>
      <Anchor component={Link} to="/catalog" size="sm">
        ← Catalog
      </Anchor>
      <PageHeader
        title={`${c.code}: ${c.title}`}
        description={<Badge variant="light">{formatCredits(c.credits)}</Badge>}
      />
      <Paper withBorder p={{ base: 'sm', sm: 'md' }} mb="md">
        <Stack gap="md">
          <Text style={{ whiteSpace: 'pre-wrap' }}>{c.description || 'No description yet.'}</Text>
          <div>
            <Title order={2} fz="md" mb={4}>
              Prerequisites
            </Title>
            {c.prerequisites ? (
              <>
                <Text data-testid="course-prerequisites">
                  {c.prerequisitesDescription ?? c.prerequisites}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {c.prerequisites}
                </Text>
              </>
            ) : (
              <Text c="dimmed">None</Text>
            )}
          </div>
          {c.corequisites && (
            <div>
              <Title order={2} fz="md" mb={4}>
                Corequisites
              </Title>
              <Text>{c.corequisitesDescription ?? c.corequisites}</Text>
            </div>
          )}
          {(standings.length > 0 || programs.length > 0) && (
            <div>
              <Title order={2} fz="md" mb={4}>
                Who may register
              </Title>
              {standings.length > 0 && (
                <Text>
                  Students with {standings.map((s) => STANDING_WORDS[s] ?? s).join(' or ')}{' '}
                  standing.
                </Text>
              )}
              {programs.length > 0 && <Text>Students in {programs.join(', ')}.</Text>}
            </div>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
        <Group justify="space-between" align="flex-end" mb="sm">
          <Title order={2} fz="lg">
            Sections
          </Title>
          <TermPicker selected={selected} />
        </Group>
        {sections.isError && <ProblemAlert error={sections.error} />}
        {sections.isPending ? (
          <Skeleton h={120} />
        ) : (sections.data?.items.length ?? 0) === 0 ? (
          <EmptyState
            py="lg"
            icon={<IconBook size={24} />}
            variant="light"
            title="Not offered this term"
            description="Pick another term to see its sections."
          />
        ) : (
          <SectionsTable sections={sections.data?.items ?? []} showTitle={false} />
        )}
      </Paper>
    </LiveUpdatesProvider>
  );
}
