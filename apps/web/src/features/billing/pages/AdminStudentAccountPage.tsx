// One student's account as staff see it, with the bursar's actions.
import { Anchor, Breadcrumbs, Button, Paper, Stack, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, useParams } from 'react-router';
import { DownloadButton } from '../../../components/DownloadButton.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useAccount } from '../api/account.ts';
import { fetchStatement } from '../api/ledger.ts';
import { AccountSummary, AccountSummarySkeleton } from '../components/AccountSummary.tsx';
import { IconDownload, IconReceipt } from '../components/billing-icons.tsx';
import { LedgerTable } from '../components/LedgerTable.tsx';
import { PaymentsTable } from '../components/PaymentsTable.tsx';
import {
  AdjustmentModal,
  RecordPaymentModal,
  RefundModal,
} from '../components/StaffActionModals.tsx';

export function AdminStudentAccountPage() {
  const { studentId = '' } = useParams();
  const account = useAccount(studentId);
  const [paymentOpened, paymentModal] = useDisclosure(false);
  const [refundOpened, refundModal] = useDisclosure(false);
  const [adjustOpened, adjustModal] = useDisclosure(false);
  const data = account.data;

  return (
    <>
      <Breadcrumbs mb="sm">
        <Anchor component={Link} to="/admin/billing" size="sm">
          Student accounts
        </Anchor>
        <span>{data?.student.name ?? '…'}</span>
      </Breadcrumbs>
      <PageHeader
        title={data ? data.student.name : 'Student account'}
        description={data ? `${data.student.studentNumber} · ${data.student.email}` : undefined}
        actions={
          data && (
            <>
              <DownloadButton
                file={() => fetchStatement(studentId, 'csv')}
                variant="default"
                leftSection={<IconDownload size={18} />}
              >
                CSV
              </DownloadButton>
              <DownloadButton
                file={() => fetchStatement(studentId, 'html')}
                openInNewTab
                variant="default"
                leftSection={<IconReceipt size={18} />}
              >
                Statement
              </DownloadButton>
              <Button variant="default" onClick={adjustModal.open}>
                Adjustment
              </Button>
              <Button
                variant="light"
                color="grape"
                onClick={refundModal.open}
                disabled={data.balance >= 0}
              >
                Refund credit
              </Button>
              <Button onClick={paymentModal.open}>Record payment</Button>
            </>
          )
        }
      />
      <Stack gap="lg">
        {account.isError && (
          <ProblemAlert error={account.error} onRetry={() => void account.refetch()} />
        )}
        {account.isPending ? <AccountSummarySkeleton /> : data && <AccountSummary account={data} />}
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Ledger
          </Title>
          <LedgerTable studentId={studentId} />
        </Paper>
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Payments and refunds
          </Title>
          <PaymentsTable studentId={studentId} />
        </Paper>
      </Stack>
      {data && paymentOpened && (
        <RecordPaymentModal account={data} opened={paymentOpened} onClose={paymentModal.close} />
      )}
      {data && refundOpened && (
        <RefundModal account={data} opened={refundOpened} onClose={refundModal.close} />
      )}
      {data && adjustOpened && (
        <AdjustmentModal account={data} opened={adjustOpened} onClose={adjustModal.close} />
      )}
    </>
  );
}
