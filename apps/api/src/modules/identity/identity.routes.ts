// Identity HTTP routes: sign-up, login, tokens, password reset, users and student profiles.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app.ts';

export const identityRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {
  // Routes arrive with the identity module.
};
