// The signed-in frame: header with the brand and the user menu, role-aware navbar, page content.
// Below the `sm` breakpoint the navbar folds away behind a burger.
import {
  AppShell,
  Avatar,
  Badge,
  Burger,
  Container,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { BrandMark } from '../../components/BrandMark.tsx';
import { IconChevronDown, IconLogout, IconUser } from '../../components/icons.tsx';
import { describeError } from '../../lib/api.ts';
import { useLogOut } from '../../features/identity/api/logout.ts';
import { useMe } from '../../features/identity/api/me.ts';
import type { User } from '../../features/identity/api/types.ts';
import { navigationFor } from '../navigation.ts';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return `${first}${last}`.toUpperCase();
}

function UserMenu(props: { me: User }) {
  const { me } = props;
  const navigate = useNavigate();
  const logOut = useLogOut();

  const signOut = () => {
    logOut.mutate(undefined, {
      onSuccess: () => {
        notifications.show({ message: 'You have signed out.', color: 'brand' });
      },
      onError: (error) => {
        // The local session is cleared either way; say so if the server did not confirm.
        notifications.show({
          title: 'Signed out on this device',
          message: describeError(error),
          color: 'yellow',
        });
      },
      onSettled: () => {
        void navigate('/login', { replace: true });
      },
    });
  };

  return (
    <Menu position="bottom-end" width={240} shadow="md" withinPortal>
      <Menu.Target>
        <UnstyledButton
          aria-label={`Account menu for ${me.name}`}
          data-testid="user-menu"
          style={{ borderRadius: 'var(--mantine-radius-md)', padding: '4px 6px' }}
        >
          <Group gap={8} wrap="nowrap">
            <Avatar color="brand" radius="xl" size={34}>
              {initials(me.name)}
            </Avatar>
            <Stack gap={0} visibleFrom="sm" style={{ lineHeight: 1.2 }}>
              <Text size="sm" fw={600} lineClamp={1}>
                {me.name}
              </Text>
              <Text size="xs" c="dimmed" lineClamp={1}>
                {me.email}
              </Text>
            </Stack>
            <IconChevronDown size={16} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as {me.name}</Menu.Label>
        <Menu.Item component={Link} to="/profile" leftSection={<IconUser size={16} />}>
          Profile
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          onClick={signOut}
          disabled={logOut.isPending}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function AppLayout() {
  const me = useMe();
  const location = useLocation();
  const [navOpened, nav] = useDisclosure(false);
  // Below `sm` a closed navbar is only slid off screen; `inert` keeps it out of the tab order
  // and away from screen readers too.
  const isPhone = useMediaQuery('(max-width: 47.99em)');
  const navHidden = Boolean(isPhone) && !navOpened;

  // On a phone the navbar covers the page: close it once the route changes (by any link).
  const [shownPath, setShownPath] = useState(location.pathname);
  if (shownPath !== location.pathname) {
    setShownPath(location.pathname);
    if (navOpened) nav.close();
  }

  // RequireSignedIn renders this layout only once /me has answered with a user.
  const user = me.data;
  if (!user) return null;
  const sections = navigationFor(user.roles);

  return (
    <AppShell
      header={{ height: 64 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding={{ base: 'md', sm: 'xl' }}
    >
      <AppShell.Header>
        <a href="#main-content" className="skip-link">
          Skip to content
        </a>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
              aria-controls="app-navigation"
              aria-expanded={navOpened}
            />
            <UnstyledButton component={Link} to="/" aria-label="OpenRegistrar home">
              <BrandMark />
            </UnstyledButton>
          </Group>
          <UserMenu me={user} />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar
        id="app-navigation"
        p="sm"
        aria-label="Main navigation"
        inert={navHidden}
        data-testid="app-navbar"
      >
        <AppShell.Section grow component={ScrollArea}>
          <nav>
            <Stack gap="md">
              {sections.map((section) => (
                <Stack gap={2} key={section.title ?? 'general'}>
                  {section.title && (
                    <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4} lts={0.6}>
                      {section.title}
                    </Text>
                  )}
                  {section.items.map((item) => (
                    <NavLink
                      key={item.to}
                      component={RouterNavLink}
                      to={item.to}
                      end={item.to === '/'}
                      label={item.label}
                      leftSection={<item.icon size={18} />}
                      active={
                        item.to === '/'
                          ? location.pathname === '/'
                          : location.pathname.startsWith(item.to)
                      }
                      variant="light"
                      style={{ borderRadius: 'var(--mantine-radius-md)' }}
                    />
                  ))}
                </Stack>
              ))}
            </Stack>
          </nav>
        </AppShell.Section>
        <AppShell.Section pt="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
          <Group gap={6} px="sm" pb={4}>
            <VisuallyHidden>Your roles:</VisuallyHidden>
            {user.roles.map((role) => (
              <Badge key={role} variant="light" size="sm" tt="capitalize">
                {role}
              </Badge>
            ))}
          </Group>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main-content" tabIndex={-1}>
        <Container size="lg" px={0}>
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
