// My week: a Monday-to-Sunday grid of classes with overlaps marked, the calendar download and
// the private subscription URL for Google, Apple or Outlook calendars.
import {
  Alert,
  Button,
  CopyButton,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DownloadButton } from '../../../components/DownloadButton.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { PageLoader } from '../../../components/PageLoader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import {
  fetchScheduleIcs,
  useCalendarFeed,
  useRegenerateFeed,
  useSchedule,
} from '../api/schedule.ts';
import { formatCredits } from '../components/format.ts';
import { LiveUpdatesProvider } from '../components/LiveUpdates.tsx';
import { TermPicker, useSelectedTerm } from '../components/TermPicker.tsx';
import { WeekGrid } from '../components/WeekGrid.tsx';

export function SchedulePage() {
  const selected = useSelectedTerm();
  const { termId } = selected;
  const schedule = useSchedule(termId);
  const feed = useCalendarFeed(true);
  const regenerate = useRegenerateFeed();
  const arranged = (schedule.data?.items ?? []).filter((item) =>
    item.meetings.every((m) => !m.days || !m.startTime),
  );

  if (selected.terms.isPending) return <PageLoader label="Loading terms…" />;
  return (
    <LiveUpdatesProvider termId={termId}>
      <PageHeader
        title="Schedule"
        description={
          schedule.data
            ? `${formatCredits(schedule.data.enrolledCredits)} · times in ${schedule.data.term.timeZone}`
            : 'Your classes week by week.'
        }
        actions={
          <>
            {termId && (
              <DownloadButton file={() => fetchScheduleIcs(termId)} variant="default">
                Download calendar (.ics)
              </DownloadButton>
            )}
            <TermPicker selected={selected} />
          </>
        }
      />
      {schedule.isError && <ProblemAlert error={schedule.error} />}
      <Stack gap="md">
        {(schedule.data?.conflicts ?? []).map((conflict) => (
          <Alert
            key={conflict.sectionIds.join('-')}
            color="red"
            variant="light"
            title="Time conflict"
          >
            {conflict.message}
          </Alert>
        ))}
        {schedule.data && <WeekGrid items={schedule.data.items} />}
        {arranged.length > 0 && (
          <Text size="sm" c="dimmed">
            Arranged (no fixed time): {arranged.map((a) => a.code).join(', ')}
          </Text>
        )}
        <Paper withBorder radius="md" p="md">
          <Title order={2} size="h4" mb={4}>
            Subscribe in your calendar app
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            This private address keeps your calendar in step with your registrations. Anyone with it
            can see your classes: if it leaks, make a new one.
          </Text>
          {feed.isError && <ProblemAlert error={feed.error} />}
          {feed.data && (
            <Group align="flex-end" gap="sm">
              <TextInput
                readOnly
                value={feed.data.url}
                label="Calendar address"
                style={{ flex: 1, minWidth: 280 }}
                onFocus={(event) => event.currentTarget.select()}
                data-testid="feed-url"
              />
              <CopyButton value={feed.data.url}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'light' : 'default'} onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button component="a" href={feed.data.webcalUrl} variant="default">
                Open in calendar app
              </Button>
              <Button
                color="red"
                variant="subtle"
                loading={regenerate.isPending}
                onClick={() => regenerate.mutate()}
              >
                Make a new address
              </Button>
            </Group>
          )}
        </Paper>
      </Stack>
    </LiveUpdatesProvider>
  );
}
