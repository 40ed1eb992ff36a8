// The student's account: balance, what is due when, the ledger, payments, statements, and Pay.
import { Button, Paper, Stack, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useAccount } from '../api/account.ts';
import { statementUrl } from '../api/ledger.ts';
import { AccountSummary, AccountSummarySkeleton } from '../components/AccountSummary.tsx';
import { IconCreditCard, IconDownload, IconReceipt } from '../components/billing-icons.tsx';
import { LedgerTable } from '../components/LedgerTable.tsx';
import { PaymentResult } from '../components/PaymentResult.tsx';
import { PaymentsTable } from '../components/PaymentsTable.tsx';
import { PayModal } from '../components/PayModal.tsx';

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
            <Button
              component="a"
              href={statementUrl(null, 'csv')}
              download
              variant="default"
              leftSection={<IconDownload size={18} />}
            >
              Statement (CSV)
            </Button>
            <Button
              component="a"
              href={statementUrl(null, 'html')}
              target="_blank"
              rel="noopener"
              variant="default"
              leftSection={<IconReceipt size={18} />}
            >
              Printable statement
            </Button>
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
