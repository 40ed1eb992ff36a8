// Choose a new password with the one-time token from the emailed link (/reset-password?token=…).
import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../../app/layout/AuthLayout.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { FormAlert } from '../../../components/FormAlert.tsx';
import {
  applyServerFieldErrors,
  focusFirstInvalid,
  MIN_PASSWORD_LENGTH,
  validateNewPassword,
} from '../../../lib/forms.ts';
import { useConfirmPasswordReset } from '../api/password-reset-confirm.ts';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const confirm = useConfirmPasswordReset();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { password: '', confirmPassword: '' },
    validate: {
      password: (value) => validateNewPassword(value),
      confirmPassword: (value, values) =>
        value === values.password ? null : 'The passwords do not match',
    },
  });

  if (!token) {
    return (
      <AuthCard title="Reset link missing">
        <Stack gap="md">
          <Text size="sm">
            This page needs the link from your reset email. Open the link again, or ask for a new
            one.
          </Text>
          <Button component={Link} to="/forgot-password" variant="light">
            Ask for a new link
          </Button>
        </Stack>
      </AuthCard>
    );
  }

  const handleSubmit = form.onSubmit(
    (values) => {
      confirm.mutate(
        { token, newPassword: values.password },
        {
          onSuccess: () => {
            void navigate('/login?reset=done', { replace: true });
          },
          onError: (error) => {
            if (applyServerFieldErrors(form, error, ['password'], { newPassword: 'password' }))
              focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  const showAlert = confirm.isError && Object.keys(form.errors).length === 0;

  return (
    <AuthCard title="Choose a new password">
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Choose a new password">
        <FormAlert error={confirm.error} show={showAlert} title="Could not change the password" />
        <Stack gap="md">
          <PasswordField
            label="New password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters; not a common password or your email.`}
            autoComplete="new-password"
            autoFocus
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <PasswordField
            label="Confirm new password"
            autoComplete="new-password"
            required
            key={form.key('confirmPassword')}
            {...form.getInputProps('confirmPassword')}
          />
          <Button type="submit" fullWidth size="md" loading={confirm.isPending}>
            Change password
          </Button>
          <Text size="sm" ta="center">
            <Anchor component={Link} to="/forgot-password">
              Ask for a new link
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
