// The cart: find sections, see every blocker of each one before trying, then check out item by
// item or all or nothing. Seat badges are live.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Paper,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { IconCheck } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { PageLoader } from '../../../components/PageLoader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useCart, useCartValidation, useCheckout, useRemoveFromCart } from '../api/cart.ts';
import { useMyRegistrations } from '../api/registrations.ts';
import type { CheckoutResult } from '../api/types.ts';
import { BlockerList } from '../components/BlockerList.tsx';
import { AdmissionStatus } from '../components/AdmissionStatus.tsx';
import { formatMeetings } from '../components/format.ts';
import { LiveUpdatesProvider } from '../components/LiveUpdates.tsx';
import { SeatBadge } from '../components/SeatBadge.tsx';
import { SectionSearch } from '../components/SectionSearch.tsx';
import { TermPicker, useSelectedTerm } from '../components/TermPicker.tsx';

export function CartPage() {
  const selected = useSelectedTerm();
  const { termId } = selected;
  const cart = useCart(termId);
  const items = cart.data?.items ?? [];
  const validation = useCartValidation(termId, items.length);
  const mine = useMyRegistrations(termId);
  const remove = useRemoveFromCart(termId);
  const checkout = useCheckout(termId);
  const [atomic, setAtomic] = useState(true);
  const [result, setResult] = useState<CheckoutResult | undefined>();

  const verdicts = new Map((validation.data?.items ?? []).map((v) => [v.sectionId, v]));
  const taken = new Set([
    ...items.map((i) => i.sectionId),
    ...(mine.data?.items ?? []).filter((r) => r.status !== 'dropped').map((r) => r.sectionId),
  ]);
  const blocked = [...verdicts.values()].filter((v) => !v.ok).length;

  if (selected.terms.isPending) return <PageLoader label="Loading terms…" />;
  return (
    <LiveUpdatesProvider termId={termId}>
      <PageHeader
        title="Registration cart"
        description="Collect sections, fix what blocks them, then register for all at once."
        actions={<TermPicker selected={selected} />}
      />
      {selected.terms.isError && <ProblemAlert error={selected.terms.error} />}
      {termId && (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper withBorder p="md" radius="md">
              <Title order={2} size="h4" mb="sm">
                Find sections
              </Title>
              <SectionSearch termId={termId} taken={taken} />
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder p="md" radius="md" data-testid="cart">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h4">
                  Your cart
                </Title>
                <Badge variant="light">
                  {items.length} section{items.length === 1 ? '' : 's'}
                </Badge>
              </Group>
              {cart.isError && <ProblemAlert error={cart.error} />}
              {items.length === 0 && cart.isSuccess && (
                <Text size="sm" c="dimmed">
                  Your cart is empty. Search for sections and add them with +.
                </Text>
              )}
              <Stack gap="sm">
                {items.map((item) => {
                  const verdict = verdicts.get(item.sectionId);
                  return (
                    <Card
                      key={item.id}
                      withBorder
                      padding="sm"
                      radius="md"
                      data-testid={`cart-item-${item.section.code}`}
                    >
                      <Group justify="space-between" align="flex-start" wrap="nowrap">
                        <div>
                          <Text fw={600} size="sm">
                            {item.section.code}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {item.section.title} · {formatMeetings(item.section.meetings)}
                          </Text>
                        </div>
                        <Group gap={6} wrap="nowrap">
                          <SeatBadge sectionId={item.sectionId} />
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-label={`Remove ${item.section.code} from cart`}
                            onClick={() => remove.mutate(item.id)}
                          >
                            ×
                          </ActionIcon>
                        </Group>
                      </Group>
                      {verdict && (
                        <Stack gap={6} mt="xs">
                          {verdict.ok ? (
                            <Badge
                              color={verdict.waitlist ? 'yellow' : 'teal'}
                              variant="light"
                              leftSection={<IconCheck size={12} />}
                            >
                              {verdict.waitlist ? 'Ready · joins the wait-list' : 'Ready'}
                            </Badge>
                          ) : (
                            <BlockerList blockers={verdict.errors} />
                          )}
                        </Stack>
                      )}
                    </Card>
                  );
                })}
              </Stack>
              {(validation.data?.warnings ?? []).map((warning) => (
                <Alert key={warning.code} color="yellow" variant="light" mt="sm">
                  {warning.message}
                </Alert>
              ))}
              {validation.isError && <ProblemAlert error={validation.error} />}
              {items.length > 0 && (
                <Stack mt="md" gap="xs">
                  <Switch
                    checked={atomic}
                    onChange={(event) => setAtomic(event.currentTarget.checked)}
                    label="All or nothing"
                    description="Register for every section or none of them."
                    data-testid="atomic-switch"
                  />
                  <Button
                    onClick={() =>
                      checkout.mutate(atomic, {
                        onSuccess: (data) => setResult(data),
                      })
                    }
                    loading={checkout.isPending}
                    data-testid="checkout"
                  >
                    Register for {items.length} section{items.length === 1 ? '' : 's'}
                    {blocked > 0 ? ` (${blocked} blocked)` : ''}
                  </Button>
                  <AdmissionStatus pending={checkout.isPending} retry={checkout.retry} />
                  {checkout.isError && <ProblemAlert error={checkout.error} />}
                </Stack>
              )}
              {result && <CheckoutSummary result={result} />}
            </Paper>
          </Grid.Col>
        </Grid>
      )}
    </LiveUpdatesProvider>
  );
}

function CheckoutSummary(props: { result: CheckoutResult }) {
  const { result } = props;
  const done = result.results.filter((r) => r.registration);
  return (
    <Alert
      mt="md"
      color={done.length === result.results.length ? 'teal' : 'yellow'}
      title={
        done.length === result.results.length
          ? 'Registered'
          : result.committed
            ? 'Partly registered'
            : 'Nothing was registered'
      }
      data-testid="checkout-result"
    >
      <Stack gap={6}>
        {result.results.map((r) => (
          <div key={r.sectionId}>
            {r.registration ? (
              <Text size="sm">
                {r.registration.section.code}:{' '}
                {r.registration.status === 'waitlisted'
                  ? `on the wait-list, position ${r.registration.waitlistPosition ?? '?'}`
                  : r.registration.status}
              </Text>
            ) : (
              <BlockerList blockers={r.errors ?? []} />
            )}
          </div>
        ))}
        <Text size="sm">
          <Link to="/registrations">See my registrations</Link>
        </Text>
      </Stack>
    </Alert>
  );
}
