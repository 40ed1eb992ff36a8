// Admin form to create an account with any roles (POST /api/v1/users).
import { Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useRef } from 'react';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { isApiError } from '../../../lib/api.ts';
import {
  applyServerFieldErrors,
  focusFirstInvalid,
  validateEmail,
  validateNewPassword,
} from '../../../lib/forms.ts';
import { ALL_ROLES, type Role } from '../api/types.ts';
import { useCreateUser } from '../api/user-create.ts';
import { roleLabel } from './labels.ts';

const FIELDS = ['name', 'email', 'roles', 'password'] as const;

interface Values {
  name: string;
  email: string;
  roles: Role[];
  password: string;
}

export function CreateUserModal(props: { opened: boolean; onClose: () => void }) {
  const create = useCreateUser();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: { name: '', email: '', roles: ['student'], password: '' },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter the full name'),
      email: validateEmail,
      roles: (value) => (value.length > 0 ? null : 'Choose at least one role'),
      password: (value, values) => (value ? validateNewPassword(value, values.email) : null),
    },
  });

  const close = () => {
    form.reset();
    create.reset();
    props.onClose();
  };

  const handleSubmit = form.onSubmit(
    (values) => {
      create.mutate(
        {
          name: values.name.trim(),
          email: values.email.trim(),
          roles: values.roles,
          ...(values.password ? { password: values.password } : {}),
        },
        {
          onSuccess: ({ user }) => {
            notifications.show({
              title: 'User created',
              message: `${user.name} can now sign in.`,
              color: 'teal',
            });
            close();
          },
          onError: (error) => {
            if (isApiError(error) && error.code === 'email_taken') {
              form.setFieldError('email', 'An account with this email already exists');
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

  return (
    <Modal opened={props.opened} onClose={close} title="Create user" size="md" centered>
      <form ref={formRef} onSubmit={handleSubmit} noValidate aria-label="Create user">
        <FormAlert
          error={create.error}
          show={create.isError && Object.keys(form.errors).length === 0}
          title="Could not create the user"
        />
        <Stack gap="md">
          <TextInput
            label="Full name"
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Email"
            type="email"
            required
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <Checkbox.Group
            label="Roles"
            required
            key={form.key('roles')}
            {...form.getInputProps('roles')}
          >
            <Group gap="lg" mt={6}>
              {ALL_ROLES.map((role) => (
                <Checkbox key={role} value={role} label={roleLabel(role)} />
              ))}
            </Group>
          </Checkbox.Group>
          <PasswordField
            label="Initial password"
            description="Optional. Without one, they get an email with a link to choose their own."
            autoComplete="new-password"
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
