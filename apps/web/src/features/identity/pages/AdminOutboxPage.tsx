// Mail the system has sent or queued. Without SMTP this is where reset links can be read.
import {
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { Fragment, useState } from 'react';
import { IconMail } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useOutbox } from '../api/outbox-list.ts';
import type { OutboxMail } from '../api/types.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Plain-text mail with its links clickable (a reset link is the usual reason to come here). */
function MailText(props: { text: string }) {
  const parts = props.text.split(URL_PATTERN);
  return (
    <Text
      component="div"
      size="sm"
      style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
      data-testid="outbox-body"
    >
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <Anchor key={index} href={part}>
            {part}
          </Anchor>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </Text>
  );
}

function MailStatus(props: { mail: OutboxMail }) {
  const { mail } = props;
  if (mail.sentAt)
    return (
      <Badge color="teal" variant="dot" size="sm">
        Sent
      </Badge>
    );
  if (mail.lastError)
    return (
      <Tooltip label={`${mail.attempts} attempt(s): ${mail.lastError}`} multiline w={280}>
        <Badge color="red" variant="dot" size="sm" tabIndex={0}>
          Not delivered
        </Badge>
      </Tooltip>
    );
  return (
    <Badge color="gray" variant="dot" size="sm">
      Kept here
    </Badge>
  );
}

export function AdminOutboxPage() {
  const outbox = useOutbox();
  const [open, setOpen] = useState<OutboxMail | null>(null);
  const messages = outbox.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Outbox"
        description="Email sent by OpenRegistrar, newest first. Without an SMTP server, mail stays here."
      />
      <Modal
        opened={open !== null}
        onClose={() => setOpen(null)}
        title={open?.subject ?? ''}
        size="lg"
      >
        {open && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              To {open.to} · {timeFormat.format(new Date(open.createdAt))}
            </Text>
            <Paper withBorder p="md" bg="gray.0">
              <MailText text={open.text} />
            </Paper>
          </Stack>
        )}
      </Modal>

      <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
        {outbox.isError && (
          <ProblemAlert error={outbox.error} onRetry={() => void outbox.refetch()} />
        )}
        {outbox.isPending ? (
          <Stack gap="xs" aria-busy="true" aria-label="Loading mail">
            {Array.from({ length: 5 }, (_, index) => (
              <Skeleton key={index} h={36} />
            ))}
          </Stack>
        ) : messages.length === 0 && !outbox.isError ? (
          <EmptyState
            py="xl"
            icon={<IconMail size={28} />}
            variant="light"
            title="No mail yet"
            description="Password resets and notices will appear here."
          />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" aria-label="Outbox">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {messages.map((message) => (
                  <Table.Tr key={message.id}>
                    <Table.Td>{message.to}</Table.Td>
                    <Table.Td fw={500}>{message.subject}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {timeFormat.format(new Date(message.createdAt))}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <MailStatus mail={message} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => setOpen(message)}
                        aria-label={`Read “${message.subject}” to ${message.to}`}
                      >
                        Read
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {outbox.hasNextPage && (
          <Group justify="center" mt="md">
            <Button
              variant="default"
              onClick={() => void outbox.fetchNextPage()}
              loading={outbox.isFetchingNextPage}
            >
              Load more
            </Button>
          </Group>
        )}
      </Paper>
    </>
  );
}
