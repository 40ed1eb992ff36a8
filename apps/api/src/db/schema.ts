// The database as Kysely sees it: each domain keeps its row types in db/tables/<domain>.ts.
import type { BillingTables } from './tables/billing.ts';
import type { CalendarTables } from './tables/calendar.ts';
import type { CatalogTables } from './tables/catalog.ts';
import type { IdentityTables } from './tables/identity.ts';
import type { InteropTables } from './tables/interop.ts';
import type { RegistrationTables } from './tables/registration.ts';

export interface DB
  extends
    IdentityTables,
    CatalogTables,
    BillingTables,
    RegistrationTables,
    InteropTables,
    CalendarTables {}
