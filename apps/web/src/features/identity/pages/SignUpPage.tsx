// Student self sign-up; on success the new student is signed in straight away.
import { Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useRef } from 'react';
import { Link, useNavigate } from 'react-router';
import { AuthCard } from '../../../app/layout/AuthLayout.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { isApiError } from '../../../lib/api.ts';
import {
  applyServerFieldErrors,
  focusFirstInvalid,
  MIN_PASSWORD_LENGTH,
  validateEmail,
  validateNewPassword,
} from '../../../lib/forms.ts';
import { useLogIn } from '../api/login.ts';
import { useSignUp } from '../api/signup.ts';

const FIELDS = ['name', 'email', 'password'] as const;

export function SignUpPage() {
  const navigate = useNavigate();
  const signUp = useSignUp();
  const logIn = useLogIn();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', email: '', password: '', confirmPassword: '' },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter your full name'),
      email: validateEmail,
      password: (value, values) => validateNewPassword(value, values.email),
      confirmPassword: (value, values) =>
        value === values.password ? null : 'The passwords do not match',
    },
  });

  const handleSubmit = form.onSubmit(
    (values) => {
      signUp.reset();
      const email = values.email.trim();
      signUp.mutate(
        { name: values.name.trim(), email, password: values.password },
        {
          onSuccess: () => {
            logIn.mutate(
              { login: email, password: values.password },
              {
                onSuccess: () => {
                  notifications.show({
                    title: 'Welcome to OpenRegistrar',
                    message: 'Your account is ready.',
                    color: 'teal',
                  });
                  void navigate('/', { replace: true });
                },
                onError: () => {
                  notifications.show({
                    message: 'Your account is ready. Sign in to continue.',
                    color: 'teal',
                  });
                  void navigate('/login', { replace: true });
                },
              },
            );
          },
          onError: (error) => {
            if (isApiError(error) && error.code === 'email_taken') {
              form.setFieldError(
                'email',
                'An account with this email already exists. Sign in instead?',
              );
              focusFirstInvalid(formRef.current);
            } else if (applyServerFieldErrors(form, error, FIELDS)) {
              focusFirstInvalid(formRef.current);
            }
          },
        },
      );
    },
    () => focusFirstInvalid(formRef.current),
  );

  const showAlert = signUp.isError && Object.keys(form.errors).length === 0;

  return (
    <AuthCard title="Create your account" description="For students joining the university.">
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Create your account">
        <FormAlert error={signUp.error} show={showAlert} title="Could not create the account" />
        <Stack gap="md">
          <TextInput
            label="Full name"
            autoComplete="name"
            autoFocus
            required
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <PasswordField
            label="Password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters; not a common password or your email.`}
            autoComplete="new-password"
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <PasswordField
            label="Confirm password"
            autoComplete="new-password"
            required
            key={form.key('confirmPassword')}
            {...form.getInputProps('confirmPassword')}
          />
          <Button type="submit" fullWidth size="md" loading={signUp.isPending || logIn.isPending}>
            Create account
          </Button>
          <Text size="sm" ta="center" c="dimmed">
            Already have an account?{' '}
            <Anchor component={Link} to="/login" fw={600}>
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
