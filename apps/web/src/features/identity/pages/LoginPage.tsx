// Sign in with an email address or a username.
import { Alert, Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { safeNextPath } from '../../../app/guards.tsx';
import { AuthCard } from '../../../app/layout/AuthLayout.tsx';
import { IconCheck } from '../../../components/icons.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { applyServerFieldErrors, focusFirstInvalid } from '../../../lib/forms.ts';
import { useLogIn } from '../api/login.ts';

const FIELDS = ['login', 'password'] as const;

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const logIn = useLogIn();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { login: '', password: '' },
    validate: {
      login: (value) => (value.trim() ? null : 'Enter your email address or username'),
      password: (value) => (value ? null : 'Enter your password'),
    },
  });

  const handleSubmit = form.onSubmit(
    (values) => {
      logIn.reset();
      logIn.mutate(
        { login: values.login.trim(), password: values.password },
        {
          onSuccess: () => {
            void navigate(safeNextPath(params.get('next')), { replace: true });
          },
          onError: (error) => {
            if (applyServerFieldErrors(form, error, FIELDS)) focusFirstInvalid(formRef.current);
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  const showAlert = logIn.isError && Object.keys(form.errors).length === 0;

  return (
    <AuthCard title="Sign in" description="Use your university email address or your username.">
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Sign in">
        <FormAlert error={logIn.error} show={showAlert} title="Could not sign you in" />
        <Stack gap="md">
          {params.get('reset') === 'done' && (
            <Alert color="teal" variant="light" icon={<IconCheck />} title="Password changed">
              Sign in with your new password.
            </Alert>
          )}
          <TextInput
            label="Email or username"
            autoComplete="username"
            autoFocus
            required
            key={form.key('login')}
            {...form.getInputProps('login')}
          />
          <div>
            <PasswordField
              label="Password"
              autoComplete="current-password"
              required
              key={form.key('password')}
              {...form.getInputProps('password')}
            />
            <Group justify="flex-end" mt={6}>
              <Anchor component={Link} to="/forgot-password" size="sm">
                Forgot your password?
              </Anchor>
            </Group>
          </div>
          <Button type="submit" fullWidth size="md" loading={logIn.isPending}>
            Sign in
          </Button>
          <Text size="sm" ta="center" c="dimmed">
            New student?{' '}
            <Anchor component={Link} to="/signup" fw={600}>
              Create an account
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
