// Tuition setup per term: per-credit rate, flat-rate bands, fees, refund schedule, due date,
// pay-to-enrol and overdue rules. The whole setup is saved at once (PUT).
import '@mantine/dates/styles.css';
import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { IconPlus } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { applyServerFieldErrors, focusFirstInvalid } from '../../../lib/forms.ts';
import { useSaveTuition, useTerms, useTuition } from '../api/tuition.ts';
import type { TuitionSetup, TuitionSetupInput } from '../api/types.ts';
import { FeeTargetPicker } from '../components/FeeTargetPicker.tsx';
import {
  currencyExponent,
  currencySymbol,
  toMajorUnits,
  toMinorUnits,
} from '../components/money.ts';

type Num = number | string;

interface FeeValues {
  id: string | null;
  scope: 'term' | 'course' | 'section';
  targetId: string | null;
  targetLabel: string | null;
  description: string;
  amount: Num;
  refundable: boolean;
}

interface Values {
  currency: string;
  perCredit: Num;
  bands: { minCredits: Num; maxCredits: Num; amount: Num }[];
  fees: FeeValues[];
  refundSchedule: { until: string | null; percent: Num }[];
  dueDate: string | null;
  payToEnrol: boolean;
  paymentHoldMinutes: Num;
  financialHoldWhenOverdue: boolean;
  reminderDaysBefore: string[];
}

const EMPTY: Values = {
  currency: 'USD',
  perCredit: '',
  bands: [],
  fees: [],
  refundSchedule: [],
  dueDate: null,
  payToEnrol: false,
  paymentHoldMinutes: 30,
  financialHoldWhenOverdue: false,
  reminderDaysBefore: ['7', '1'],
};

function toValues(setup: TuitionSetup): Values {
  const c = setup.currency;
  return {
    currency: c,
    perCredit: toMajorUnits(setup.perCreditAmount, c),
    bands: setup.bands.map((b) => ({
      minCredits: b.minCredits,
      maxCredits: b.maxCredits,
      amount: toMajorUnits(b.amount, c),
    })),
    fees: setup.fees.map((f) => ({
      id: f.id,
      scope: f.scope,
      targetId: f.courseId ?? f.sectionId,
      targetLabel: f.target,
      description: f.description,
      amount: toMajorUnits(f.amount, c),
      refundable: f.refundable,
    })),
    refundSchedule: setup.refundSchedule.map((s) => ({ until: s.until, percent: s.percent })),
    dueDate: setup.dueDate,
    payToEnrol: setup.payToEnrol,
    paymentHoldMinutes: setup.paymentHoldMinutes,
    financialHoldWhenOverdue: setup.financialHoldWhenOverdue,
    reminderDaysBefore: setup.reminderDaysBefore.map(String),
  };
}

const num = (value: Num): number => (typeof value === 'number' ? value : Number(value));

function toInput(values: Values): TuitionSetupInput {
  const c = values.currency.trim().toUpperCase();
  return {
    currency: c,
    perCreditAmount: toMinorUnits(num(values.perCredit), c),
    bands: values.bands.map((b) => ({
      minCredits: num(b.minCredits),
      maxCredits: num(b.maxCredits),
      amount: toMinorUnits(num(b.amount), c),
    })),
    fees: values.fees.map((f) => ({
      ...(f.id ? { id: f.id } : {}),
      scope: f.scope,
      ...(f.scope === 'course' ? { courseId: f.targetId } : {}),
      ...(f.scope === 'section' ? { sectionId: f.targetId } : {}),
      description: f.description.trim(),
      amount: toMinorUnits(num(f.amount), c),
      refundable: f.refundable,
    })),
    refundSchedule: values.refundSchedule
      .filter((s) => s.until)
      .map((s) => ({ until: s.until!, percent: num(s.percent) })),
    dueDate: values.dueDate,
    payToEnrol: values.payToEnrol,
    paymentHoldMinutes: num(values.paymentHoldMinutes),
    financialHoldWhenOverdue: values.financialHoldWhenOverdue,
    reminderDaysBefore: values.reminderDaysBefore.map(Number),
  };
}

const isNumber = (value: Num) => value !== '' && Number.isFinite(num(value));

function TuitionForm(props: { termId: string; setup: TuitionSetup | null }) {
  const save = useSaveTuition(props.termId);
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<Values>({
    initialValues: props.setup ? toValues(props.setup) : EMPTY,
    validate: {
      currency: (v) => (/^[A-Za-z]{3}$/.test(v.trim()) ? null : 'Use a 3-letter code such as USD'),
      perCredit: (v) => (isNumber(v) && num(v) >= 0 ? null : 'Enter the price of one credit'),
      bands: {
        minCredits: (v) => (isNumber(v) && num(v) > 0 ? null : 'More than 0'),
        maxCredits: (v, values, path) => {
          const index = Number(path.split('.')[1]);
          const min = values.bands[index]?.minCredits ?? 0;
          return isNumber(v) && num(v) >= num(min) ? null : 'At least the minimum';
        },
        amount: (v) => (isNumber(v) && num(v) >= 0 ? null : 'Enter the flat price'),
      },
      fees: {
        description: (v) => (v.trim() ? null : 'Name the fee'),
        amount: (v) => (isNumber(v) && num(v) > 0 ? null : 'Enter the amount'),
        targetId: (v, values, path) => {
          const index = Number(path.split('.')[1]);
          const scope = values.fees[index]?.scope;
          return scope === 'term' || v ? null : `Choose the ${scope}`;
        },
      },
      refundSchedule: {
        until: (v) => (v ? null : 'Choose the last day'),
        percent: (v) => (isNumber(v) && num(v) >= 0 && num(v) <= 100 ? null : '0 to 100'),
      },
    },
  });
  const values = form.getValues();
  const currency = /^[A-Za-z]{3}$/.test(values.currency) ? values.currency.toUpperCase() : 'USD';
  const money = {
    prefix: `${currencySymbol(currency)} `,
    decimalScale: currencyExponent(currency),
    fixedDecimalScale: true,
    thousandSeparator: ',',
    min: 0,
  };

  const submit = form.onSubmit(
    (v) =>
      save.mutate(toInput(v), {
        onSuccess: (saved) => {
          form.setValues(toValues(saved));
          form.resetDirty(toValues(saved));
          notifications.show({
            color: 'teal',
            title: 'Tuition saved',
            message: 'New charges use this setup.',
          });
        },
        onError: (error) => {
          // Server paths are body.bands.1 etc.; the form's are the same without "body.".
          if (
            applyServerFieldErrors(
              form,
              error,
              Object.keys(form.getValues()).concat(listPaths(form.getValues())),
            )
          ) {
            focusFirstInvalid(formRef.current);
          }
        },
      }),
    () => focusFirstInvalid(formRef.current),
  );

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Tuition setup">
      <Stack gap="lg">
        <FormAlert
          error={save.error}
          show={save.isError}
          title="Could not save the tuition setup"
        />
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Tuition
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label="Currency"
              required
              maxLength={3}
              {...form.getInputProps('currency')}
            />
            <NumberInput
              label="Per credit"
              required
              {...money}
              {...form.getInputProps('perCredit')}
            />
            <DatePickerInput
              label="Payment due date"
              placeholder="None"
              clearable
              valueFormat="YYYY-MM-DD"
              {...form.getInputProps('dueDate')}
            />
          </SimpleGrid>
          <Divider
            my="md"
            label="Flat-rate bands: one price for any load inside the band"
            labelPosition="left"
          />
          <Stack gap="xs">
            {values.bands.map((_, index) => (
              <Group key={index} align="flex-start" gap="sm" wrap="wrap">
                <NumberInput
                  label="From credits"
                  min={0}
                  decimalScale={2}
                  w={130}
                  {...form.getInputProps(`bands.${index}.minCredits`)}
                />
                <NumberInput
                  label="To credits"
                  min={0}
                  decimalScale={2}
                  w={130}
                  {...form.getInputProps(`bands.${index}.maxCredits`)}
                />
                <NumberInput
                  label="Flat price"
                  {...money}
                  w={180}
                  {...form.getInputProps(`bands.${index}.amount`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={28}
                  aria-label={`Remove band ${index + 1}`}
                  onClick={() => form.removeListItem('bands', index)}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                leftSection={<IconPlus size={14} />}
                onClick={() =>
                  form.insertListItem('bands', { minCredits: 12, maxCredits: 18, amount: '' })
                }
              >
                Add a band
              </Button>
            </Group>
          </Stack>
        </Paper>

        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb={4}>
            Fees
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            A term fee is charged once with the first class; a course or section fee with that
            course or section.
          </Text>
          <Stack gap="md">
            {values.fees.map((fee, index) => (
              <Group key={index} align="flex-start" gap="sm" wrap="wrap">
                <Select
                  label="Applies to"
                  w={140}
                  allowDeselect={false}
                  data={[
                    { value: 'term', label: 'The term' },
                    { value: 'course', label: 'A course' },
                    { value: 'section', label: 'A section' },
                  ]}
                  {...form.getInputProps(`fees.${index}.scope`)}
                  onChange={(scope) => {
                    form.setFieldValue(
                      `fees.${index}.scope`,
                      (scope ?? 'term') as FeeValues['scope'],
                    );
                    form.setFieldValue(`fees.${index}.targetId`, null);
                    form.setFieldValue(`fees.${index}.targetLabel`, null);
                  }}
                />
                {fee.scope !== 'term' && (
                  <div style={{ flex: '1 1 220px' }}>
                    <FeeTargetPicker
                      scope={fee.scope}
                      termId={props.termId}
                      value={fee.targetId}
                      currentLabel={fee.targetLabel}
                      onChange={(id, label) => {
                        form.setFieldValue(`fees.${index}.targetId`, id);
                        form.setFieldValue(`fees.${index}.targetLabel`, label);
                      }}
                      error={form.errors[`fees.${index}.targetId`] as string | undefined}
                    />
                  </div>
                )}
                <TextInput
                  label="Description"
                  required
                  style={{ flex: '1 1 200px' }}
                  {...form.getInputProps(`fees.${index}.description`)}
                />
                <NumberInput
                  label="Amount"
                  required
                  {...money}
                  w={150}
                  {...form.getInputProps(`fees.${index}.amount`)}
                />
                <Checkbox
                  label="Refundable"
                  mt={32}
                  {...form.getInputProps(`fees.${index}.refundable`, { type: 'checkbox' })}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={28}
                  aria-label={`Remove fee ${index + 1}`}
                  onClick={() => form.removeListItem('fees', index)}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                leftSection={<IconPlus size={14} />}
                onClick={() =>
                  form.insertListItem('fees', {
                    id: null,
                    scope: 'term',
                    targetId: null,
                    targetLabel: null,
                    description: '',
                    amount: '',
                    refundable: true,
                  } satisfies FeeValues)
                }
              >
                Add a fee
              </Button>
            </Group>
          </Stack>
        </Paper>

        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb={4}>
            Refund schedule
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            A drop up to the end of each date (term time zone) gets that share back; after the last
            date, nothing. Without a schedule, drops are refunded in full.
          </Text>
          <Stack gap="xs">
            {values.refundSchedule.map((_, index) => (
              <Group key={index} align="flex-start" gap="sm">
                <DatePickerInput
                  label="Until"
                  valueFormat="YYYY-MM-DD"
                  w={180}
                  {...form.getInputProps(`refundSchedule.${index}.until`)}
                />
                <NumberInput
                  label="Refund"
                  suffix=" %"
                  min={0}
                  max={100}
                  w={120}
                  {...form.getInputProps(`refundSchedule.${index}.percent`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={28}
                  aria-label={`Remove step ${index + 1}`}
                  onClick={() => form.removeListItem('refundSchedule', index)}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                leftSection={<IconPlus size={14} />}
                onClick={() =>
                  form.insertListItem('refundSchedule', {
                    until: null,
                    percent: values.refundSchedule.length === 0 ? 100 : 50,
                  })
                }
              >
                Add a step
              </Button>
            </Group>
          </Stack>
        </Paper>

        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Payment rules
          </Title>
          <Stack gap="md">
            <Group align="flex-end" gap="lg" wrap="wrap">
              <Switch
                label="Pay to enrol (seats are held until paid)"
                {...form.getInputProps('payToEnrol', { type: 'checkbox' })}
              />
              <NumberInput
                label="Hold seats for (minutes)"
                min={1}
                max={10080}
                w={200}
                disabled={!values.payToEnrol}
                {...form.getInputProps('paymentHoldMinutes')}
              />
            </Group>
            <Switch
              label="Place a financial hold when the balance is past due"
              {...form.getInputProps('financialHoldWhenOverdue', { type: 'checkbox' })}
            />
            <TagsInput
              label="Reminders (days before the due date)"
              description="Press Enter after each number."
              w={{ base: '100%', sm: 360 }}
              {...form.getInputProps('reminderDaysBefore')}
              onChange={(tags) =>
                form.setFieldValue(
                  'reminderDaysBefore',
                  tags.filter((t) => /^\d{1,3}$/.test(t)),
                )
              }
            />
          </Stack>
        </Paper>

        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} data-testid="save-tuition">
            Save tuition setup
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Every list field path (bands.0.amount …) so server errors land on their inputs. */
function listPaths(values: Values): string[] {
  const paths: string[] = [];
  values.bands.forEach((_, i) =>
    paths.push(`bands.${i}`, `bands.${i}.minCredits`, `bands.${i}.maxCredits`, `bands.${i}.amount`),
  );
  values.fees.forEach((_, i) =>
    paths.push(
      `fees.${i}.courseId`,
      `fees.${i}.sectionId`,
      `fees.${i}.amount`,
      `fees.${i}.description`,
    ),
  );
  values.refundSchedule.forEach((_, i) =>
    paths.push(`refundSchedule.${i}.until`, `refundSchedule.${i}.percent`),
  );
  return paths;
}

export function AdminTuitionPage() {
  const terms = useTerms();
  const [params, setParams] = useSearchParams();
  const [termId, setTermId] = useState<string | null>(params.get('term'));
  const tuition = useTuition(termId);
  const items = terms.data?.items ?? [];

  useEffect(() => {
    if (!termId && items.length > 0) setTermId(items[0]!.id);
  }, [termId, items]);

  return (
    <>
      <PageHeader
        title="Tuition setup"
        description="Rates, fees, refunds and due dates for each term."
      />
      <Stack gap="lg">
        {terms.isError && <ProblemAlert error={terms.error} onRetry={() => void terms.refetch()} />}
        <Select
          label="Term"
          placeholder={terms.isPending ? 'Loading terms…' : 'Choose a term'}
          data={items.map((t) => ({ value: t.id, label: `${t.name} (${t.code})` }))}
          value={termId}
          onChange={(id) => {
            setTermId(id);
            if (id) setParams({ term: id }, { replace: true });
          }}
          searchable
          w={{ base: '100%', sm: 360 }}
        />
        {tuition.isError && (
          <ProblemAlert error={tuition.error} onRetry={() => void tuition.refetch()} />
        )}
        {termId && tuition.isPending && (
          <Skeleton h={240} aria-busy="true" aria-label="Loading the tuition setup" />
        )}
        {termId && tuition.isSuccess && (
          <>
            {tuition.data === null && (
              <Alert color="blue" variant="light" title="No tuition set for this term yet">
                Registrations in this term are not charged until you save a setup.
              </Alert>
            )}
            <TuitionForm key={termId} termId={termId} setup={tuition.data} />
          </>
        )}
      </Stack>
    </>
  );
}
