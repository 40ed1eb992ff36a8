// Catalog HTTP routes: terms, subjects, courses, sections and search.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app.ts';

export const catalogRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {
  // Routes arrive with the catalog module.
};
