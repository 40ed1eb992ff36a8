// The student's account: balance, what is due when, the ledger, payments, statements, and Pay.
import { Alert, Button, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import { DownloadButton } from '../../../components/DownloadButton.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useAccount } from '../api/account.ts';
import { fetchStatement } from '../api/ledger.ts';
import type { Account } from '../api/types.ts';
import { AccountSummary, AccountSummarySkeleton } from '../components/AccountSummary.tsx';
import { IconCreditCard, IconDownload, IconReceipt } from '../components/billing-icons.tsx';
import { LedgerTable } from '../components/LedgerTable.tsx';
import { PaymentResult } from '../components/PaymentResult.tsx';
import { PaymentsTable } from '../components/PaymentsTable.tsx';
import { PayModal } from '../components/PayModal.tsx';

const holdFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Pay-to-enrol seats are kept only if paid in time: say which, and until when. */
function HeldSeats(props: { seats: Account['heldSeats'] }) {
  if (props.seats.length === 0) return null;
  return (
    <Alert color="orange" variant="light" title="Seats held until you pay" data-testid="held-seats">
      <Text size="sm" mb={4}>
        Pay your balance to keep these seats; a seat not paid for in time goes to the next student.
      </Text>
      <List size="sm">
        {props.seats.map((seat) => (
          <List.Item key={seat.registrationId}>
            {seat.code}
            {seat.expiresAt ? ` — until ${holdFormat.format(new Date(seat.expiresAt))}` : ''}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function StudentAccountPage() {
  const account = useAccount(null);
  const [payOpened, payModal] = useDisclosure(false);
  const [params, setParams] = useSearchParams();
  const paymentId = params.get('payment');
  const result = params.get('result');
  const owed = account.data && account.data.balance > 0;

  return (
    <>
      <PageHeader
        title="Account & payments"
        description="Tuition and fees, what you have paid, and what is due when."
        actions={
          <>
            <DownloadButton
              file={() => fetchStatement(null, 'csv')}
              variant="default"
              leftSection={<IconDownload size={18} />}
            >
              Statement (CSV)
            </DownloadButton>
            <DownloadButton
              file={() => fetchStatement(null, 'html')}
              openInNewTab
              variant="default"
              leftSection={<IconReceipt size={18} />}
            >
              Printable statement
            </DownloadButton>
            <Button
              leftSection={<IconCreditCard size={18} />}
              onClick={payModal.open}
              disabled={!owed}
              data-testid="pay-button"
            >
              Pay
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        {paymentId && result && (
          <PaymentResult
            paymentId={paymentId}
            result={result}
            onDismiss={() => setParams({}, { replace: true })}
          />
        )}
        {account.isError && (
          <ProblemAlert error={account.error} onRetry={() => void account.refetch()} />
        )}
        {account.data && <HeldSeats seats={account.data.heldSeats} />}
        {account.isPending ? (
          <AccountSummarySkeleton />
        ) : (
          account.data && <AccountSummary account={account.data} />
        )}
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Activity
          </Title>
          <LedgerTable studentId={null} />
        </Paper>
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Payments and refunds
          </Title>
          <PaymentsTable studentId={null} />
        </Paper>
      </Stack>
      {account.data && payOpened && (
        <PayModal
          opened={payOpened}
          onClose={payModal.close}
          balance={account.data.balance}
          currency={account.data.currency}
          testMode={account.data.testMode}
        />
      )}
    </>
  );
}
