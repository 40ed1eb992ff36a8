// Ask for a reset link. The answer is the same whether or not the email has an account.
import { Alert, Anchor, Box, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useRef } from 'react';
import { Link } from 'react-router';
import { AuthCard } from '../../../app/layout/AuthLayout.tsx';
import { IconMail } from '../../../components/icons.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { applyServerFieldErrors, focusFirstInvalid, validateEmail } from '../../../lib/forms.ts';
import { useRequestPasswordReset } from '../api/password-reset-request.ts';

export function ForgotPasswordPage() {
  const request = useRequestPasswordReset();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '' },
    validate: { email: validateEmail },
  });

  const handleSubmit = form.onSubmit(
    (values) => {
      request.mutate(
        { email: values.email.trim() },
        {
          onError: (error) => {
            if (applyServerFieldErrors(form, error, ['email'])) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  return (
    <AuthCard
      title="Reset your password"
      description="Enter the email address of your account and we will send you a link to choose a new password."
    >
      <div aria-live="polite" aria-atomic="true">
        {request.isSuccess && (
          <Alert color="teal" variant="light" icon={<IconMail />} title="Check your email" mb="md">
            If an account uses {request.variables.email}, a reset link is on its way. The link works
            once, for 30 minutes.
          </Alert>
        )}
        {request.isError && Object.keys(form.errors).length === 0 && (
          <Box mb="md">
            <ProblemAlert error={request.error} />
          </Box>
        )}
      </div>
      <Stack gap="md">
        {!request.isSuccess && (
          <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Reset your password">
            <Stack gap="md">
              <TextInput
                label="Email"
                type="email"
                autoComplete="email"
                autoFocus
                required
                key={form.key('email')}
                {...form.getInputProps('email')}
              />
              <Button type="submit" fullWidth size="md" loading={request.isPending}>
                Send reset link
              </Button>
            </Stack>
          </form>
        )}
        <Text size="sm" ta="center">
          <Anchor component={Link} to="/login">
            Back to sign in
          </Anchor>
        </Text>
      </Stack>
    </AuthCard>
  );
}
