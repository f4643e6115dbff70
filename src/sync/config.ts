import { readFile } from "node:fs/promises";
import { z } from "zod";

// The CRM mapping (TEND_SYNC_CONFIG, one JSON file): which CRM property or field gives each Tend
// field, per CRM. Anything left out takes the documented default below (docs/crm.md); `null`
// turns a default off. Validated with zod at load: a wrong file stops the sync with the path named.

/** A CRM property, optionally with a table from its values to Tend's (tier, stage, contact role). */
const Field = z.union([
  z.string().min(1),
  z.object({ property: z.string().min(1), values: z.record(z.string(), z.string()).optional() }).strict(),
]);
export type Field = z.infer<typeof Field>;

export const ACCOUNT_FIELDS = [
  "name",
  "domain",
  "arr",
  "currency",
  "tier",
  "industry",
  "region",
  "stage",
  "goLiveDate",
  "renewalDate",
  "contractStart",
  "seats",
  /** A property holding the id the account has in Tend already (the CSV's account_external_id). */
  "matchId",
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

const CrmMapping = z
  .object({
    accounts: z.partialRecord(z.enum(ACCOUNT_FIELDS), Field.nullable()).optional(),
    contacts: z.object({ role: Field.nullable(), title: Field.nullable() }).partial().strict().optional(),
    renewals: z
      .object({
        /** Only deals / opportunities of this pipeline (HubSpot pipeline id); null: any. */
        pipeline: z.string().nullable(),
        /** Only of this type (HubSpot dealtype, Salesforce Opportunity.Type); null: any. */
        type: z.string().nullable(),
      })
      .partial()
      .strict()
      .optional(),
    writeBack: z
      .object({
        /** `log` (and logged visits) become a note (HubSpot) / a completed task (Salesforce). */
        logs: z.boolean(),
        /** `risk raise` becomes an open task on the company / account. */
        riskTasks: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    /** HubSpot: requests per rolling 10 seconds (private apps: 100 or 190 by tier). */
    requestsPer10s: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const SyncConfigSchema = z
  .object({ hubspot: CrmMapping.optional(), salesforce: CrmMapping.optional() })
  .strict();
export type SyncConfigFile = z.infer<typeof SyncConfigSchema>;

export interface CrmSettings {
  accounts: Partial<Record<AccountField, Field>>;
  contacts: { role?: Field; title?: Field };
  renewals: { pipeline: string | null; type: string | null };
  writeBack: { logs: boolean; riskTasks: boolean };
  requestsPer10s: number;
}

/** HubSpot's buying roles (contact property hs_buying_role) as Tend contact roles. */
const HUBSPOT_ROLES = {
  CHAMPION: "champion",
  DECISION_MAKER: "decision_maker",
  BUDGET_HOLDER: "finance",
  EXECUTIVE_SPONSOR: "executive",
  END_USER: "user",
  INFLUENCER: "user",
  BLOCKER: "user",
  LEGAL_AND_COMPLIANCE: "user",
  OTHER: "user",
};

export const DEFAULTS: { hubspot: CrmSettings; salesforce: CrmSettings } = {
  hubspot: {
    accounts: {
      name: "name",
      domain: "domain",
      industry: "industry",
      arr: "hs_arr",
      region: "country",
    },
    contacts: { role: { property: "hs_buying_role", values: HUBSPOT_ROLES }, title: "jobtitle" },
    renewals: { pipeline: null, type: "existingbusiness" },
    writeBack: { logs: true, riskTasks: false },
    requestsPer10s: 100,
  },
  salesforce: {
    accounts: {
      name: "Name",
      domain: "Website",
      industry: "Industry",
      arr: "AnnualRevenue",
      region: "BillingCountry",
      seats: "NumberOfEmployees",
    },
    contacts: { title: "Title" },
    renewals: { pipeline: null, type: "Renewal" },
    writeBack: { logs: true, riskTasks: false },
    requestsPer10s: 100,
  },
};

function merge(defaults: CrmSettings, file: z.infer<typeof CrmMapping> | undefined): CrmSettings {
  const drop = <T>(o: Record<string, T | null | undefined>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Record<string, T>;
  return {
    accounts: drop({ ...defaults.accounts, ...file?.accounts }),
    contacts: drop({ ...defaults.contacts, ...file?.contacts }),
    renewals: { ...defaults.renewals, ...file?.renewals },
    writeBack: { ...defaults.writeBack, ...file?.writeBack },
    requestsPer10s: file?.requestsPer10s ?? defaults.requestsPer10s,
  };
}

export class SyncConfigError extends Error {}

export function parseSyncConfig(raw: unknown): { hubspot: CrmSettings; salesforce: CrmSettings } {
  const parsed = SyncConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new SyncConfigError(`TEND_SYNC_CONFIG is not a valid mapping:\n${lines.join("\n")}`);
  }
  return {
    hubspot: merge(DEFAULTS.hubspot, parsed.data.hubspot),
    salesforce: merge(DEFAULTS.salesforce, parsed.data.salesforce),
  };
}

export async function loadSyncConfig(file: string | undefined) {
  if (!file) return parseSyncConfig({});
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new SyncConfigError(`TEND_SYNC_CONFIG: cannot read ${file} (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SyncConfigError(`TEND_SYNC_CONFIG: ${file} is not JSON (${(err as Error).message})`);
  }
  return parseSyncConfig(json);
}

export const fieldProperty = (f: Field) => (typeof f === "string" ? f : f.property);
