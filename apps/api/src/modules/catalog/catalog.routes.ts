// Catalog HTTP routes: terms, subjects, programs, courses, sections and section search.
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app.ts';
import {
  CodeParams,
  Course,
  CourseCreate,
  CourseIdParams,
  CoursePage,
  CoursePatch,
  CourseQuery,
  CourseSectionsQuery,
  PageQuery,
  Program,
  ProgramCreate,
  ProgramPage,
  ProgramPatch,
  Section,
  SectionCreate,
  SectionIdParams,
  SectionPage,
  SectionPatch,
  SectionSearchQuery,
  Subject,
  SubjectCreate,
  SubjectPage,
  SubjectPatch,
  Term,
  TermCreate,
  TermIdParams,
  TermPage,
  TermPatch,
} from './catalog.schemas.ts';
import { createCatalogService, type SectionLifecycleHooks } from './catalog.service.ts';

const READ = { roles: [] } as const;
const ADMIN = { roles: ['admin'] } as const;
const tags = ['catalog'];

export interface CatalogRoutesOptions {
  deps: AppDeps;
  /** Registration's reactions to cancellations and capacity changes (see SectionLifecycleHooks). */
  sectionHooks?: SectionLifecycleHooks;
}

export const catalogRoutes: FastifyPluginAsync<CatalogRoutesOptions> = async (plugin, options) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const catalog = createCatalogService({
    db: options.deps.database.db,
    clock: options.deps.clock,
    hooks: options.sectionHooks,
  });

  // ---- terms
  app.get(
    '/terms',
    {
      config: READ,
      schema: {
        tags,
        summary: 'List terms, newest first',
        querystring: PageQuery,
        response: { 200: TermPage },
      },
    },
    async (request) => catalog.listTerms(request.query),
  );
  app.post(
    '/terms',
    {
      config: ADMIN,
      schema: { tags, summary: 'Create a term', body: TermCreate, response: { 201: Term } },
    },
    async (request, reply) => reply.code(201).send(await catalog.createTerm(request.body)),
  );
  app.get(
    '/terms/:termId',
    {
      config: READ,
      schema: { tags, summary: 'A term', params: TermIdParams, response: { 200: Term } },
    },
    async (request) => catalog.getTerm(request.params.termId),
  );
  app.patch(
    '/terms/:termId',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Change a term',
        params: TermIdParams,
        body: TermPatch,
        response: { 200: Term },
      },
    },
    async (request) => catalog.updateTerm(request.params.termId, request.body),
  );
  app.get(
    '/terms/:termId/sections',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Search the sections of a term',
        params: TermIdParams,
        querystring: SectionSearchQuery,
        response: { 200: SectionPage },
      },
    },
    async (request) => catalog.searchSections(request.params.termId, request.query),
  );

  // ---- subjects and programs
  app.get(
    '/subjects',
    {
      config: READ,
      schema: {
        tags,
        summary: 'List subjects',
        querystring: PageQuery,
        response: { 200: SubjectPage },
      },
    },
    async (request) => catalog.listSubjects(request.query),
  );
  app.post(
    '/subjects',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Create a subject',
        body: SubjectCreate,
        response: { 201: Subject },
      },
    },
    async (request, reply) => reply.code(201).send(await catalog.createSubject(request.body)),
  );
  app.patch(
    '/subjects/:code',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Rename a subject',
        params: CodeParams,
        body: SubjectPatch,
        response: { 200: Subject },
      },
    },
    async (request) => catalog.renameSubject(request.params.code, request.body.name),
  );
  app.get(
    '/programs',
    {
      config: READ,
      schema: {
        tags,
        summary: 'List programs',
        querystring: PageQuery,
        response: { 200: ProgramPage },
      },
    },
    async (request) => catalog.listPrograms(request.query),
  );
  app.post(
    '/programs',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Create a program',
        body: ProgramCreate,
        response: { 201: Program },
      },
    },
    async (request, reply) => reply.code(201).send(await catalog.createProgram(request.body)),
  );
  app.patch(
    '/programs/:code',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Change a program',
        params: CodeParams,
        body: ProgramPatch,
        response: { 200: Program },
      },
    },
    async (request) => catalog.updateProgram(request.params.code, request.body),
  );

  // ---- courses
  app.get(
    '/courses',
    {
      config: READ,
      schema: {
        tags,
        summary: 'List or search courses',
        querystring: CourseQuery,
        response: { 200: CoursePage },
      },
    },
    async (request) => catalog.listCourses(request.query),
  );
  app.post(
    '/courses',
    {
      config: ADMIN,
      schema: { tags, summary: 'Create a course', body: CourseCreate, response: { 201: Course } },
    },
    async (request, reply) => reply.code(201).send(await catalog.createCourse(request.body)),
  );
  app.get(
    '/courses/:courseId',
    {
      config: READ,
      schema: { tags, summary: 'A course', params: CourseIdParams, response: { 200: Course } },
    },
    async (request) => catalog.getCourse(request.params.courseId),
  );
  app.patch(
    '/courses/:courseId',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Change a course',
        params: CourseIdParams,
        body: CoursePatch,
        response: { 200: Course },
      },
    },
    async (request) => catalog.updateCourse(request.params.courseId, request.body),
  );
  app.get(
    '/courses/:courseId/sections',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Sections of a course, optionally in one term',
        params: CourseIdParams,
        querystring: CourseSectionsQuery,
        response: { 200: SectionPage },
      },
    },
    async (request) => catalog.listCourseSections(request.params.courseId, request.query),
  );

  // ---- sections
  app.post(
    '/sections',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Create a section',
        body: SectionCreate,
        response: { 201: Section },
      },
    },
    async (request, reply) => reply.code(201).send(await catalog.createSection(request.body)),
  );
  app.get(
    '/sections/:sectionId',
    {
      config: READ,
      schema: {
        tags,
        summary: 'A section with seats',
        params: SectionIdParams,
        response: { 200: Section },
      },
    },
    async (request) => catalog.getSection(request.params.sectionId),
  );
  app.patch(
    '/sections/:sectionId',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Change a section',
        params: SectionIdParams,
        body: SectionPatch,
        response: { 200: Section },
      },
    },
    async (request) => catalog.updateSection(request.params.sectionId, request.body),
  );
  app.delete(
    '/sections/:sectionId',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Cancel a section (it stays, with status cancelled)',
        params: SectionIdParams,
        response: { 200: Section },
      },
    },
    async (request) => catalog.cancelSection(request.params.sectionId),
  );
};
