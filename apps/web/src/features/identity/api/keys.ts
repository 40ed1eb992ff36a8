// TanStack Query keys of the identity feature, so invalidations name exactly what they refresh.
export const identityKeys = {
  me: ['me'] as const,
  users: ['users'] as const,
  userList: (filters: { q: string; role: string | null }) => ['users', 'list', filters] as const,
  outbox: ['admin', 'outbox'] as const,
};
