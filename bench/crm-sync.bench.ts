import { Client } from "@hubspot/api-client";
import { parseConfig } from "../src/config/env.js";
import { silentLogger } from "../src/log.js";
import type { Db } from "../src/store/db.js";
import { parseSyncConfig } from "../src/sync/config.js";
import { HubSpotSync } from "../src/sync/hubspot.js";
import { HubSpotStandIn } from "../test/sync/hubspot-stand-in.js";
import { type BenchRow, time } from "./harness.js";
import { benchStores } from "./stores.js";

// HubSpot sync through the local stand-in: a full first sync of 20k companies + 100k contacts + 20k
// renewal deals, then an incremental run after 1% of each changed. Baseline: fetching the same pages
// with the same client, writing nothing. BENCH_CRM_SCALE=0.1 runs a tenth of the book;
// BENCH_CRM_STORES=postgres runs one store only (the full size takes long on PGlite).

const SCALE = Number(process.env.BENCH_CRM_SCALE ?? 1);
const COMPANIES = Math.round(20_000 * SCALE);
const CONTACTS = Math.round(100_000 * SCALE);
const DEALS = Math.round(20_000 * SCALE);
const STORES = process.env.BENCH_CRM_STORES?.split(",").map((s) => s.trim());

function seed(hs: HubSpotStandIn) {
  hs.owners = Array.from({ length: 20 }, (_, i) => ({
    id: String(i + 1),
    email: `csm${i}@bench.example`,
    firstName: "C",
    lastName: `${i}`,
  }));
  for (let i = 1; i <= COMPANIES; i++)
    hs.put("companies", String(i), {
      name: `Company ${i}`,
      domain: `c${i}.example`,
      industry: "Software",
      hs_arr: String(1000 + i),
      country: "DE",
      hubspot_owner_id: String((i % 20) + 1),
    });
  for (let i = 1; i <= CONTACTS; i++)
    hs.put("contacts", String(1_000_000 + i), {
      firstname: "Pat",
      lastname: `P${i}`,
      email: `p${i}@c${(i % COMPANIES) + 1}.example`,
      jobtitle: "Ops",
      hs_buying_role: i % 7 ? "END_USER" : "CHAMPION",
      associatedcompanyid: String((i % COMPANIES) + 1),
    });
  for (let i = 1; i <= DEALS; i++)
    hs.put(
      "deals",
      String(2_000_000 + i),
      {
        amount: "12000",
        closedate: `2027-0${(i % 9) + 1}-15`,
        dealtype: "existingbusiness",
        hs_is_closed: "false",
        hs_is_closed_won: "false",
      },
      [String((i % COMPANIES) + 1)],
    );
}

/** The same requests the sync makes, results thrown away. */
async function fetchOnly(hs: HubSpotStandIn, search?: number) {
  const client = new Client({ accessToken: hs.token, basePath: hs.url, numberOfApiCallRetries: 0 });
  for (const type of ["companies", "contacts", "deals"] as const) {
    let after: string | undefined;
    do {
      const res = search
        ? await client.crm[type].searchApi.doSearch({
            filterGroups: [
              {
                filters: [
                  {
                    propertyName: type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate",
                    // biome-ignore lint/suspicious/noExplicitAny: the client's enum type
                    operator: "GTE" as any,
                    value: String(search),
                  },
                ],
              },
            ],
            limit: 100,
            after,
          })
        : await client.crm[type].basicApi.getPage(100, after);
      if (type === "deals")
        await client.crm.associations.v4.batchApi.getPage("deals", "companies", {
          inputs: res.results.map((r) => ({ id: r.id })),
        });
      after = res.paging?.next?.after;
    } while (after);
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const size = `${COMPANIES / 1000}k companies + ${CONTACTS / 1000}k contacts + ${DEALS / 1000}k deals`;
  for (const store of (await benchStores()).filter((s) => !STORES || STORES.includes(s.name))) {
    const hs = await new HubSpotStandIn().start();
    seed(hs);
    const db: Db = await store.open();
    try {
      const config = parseConfig({ TEND_DEMO: "off", HUBSPOT_ACCESS_TOKEN: hs.token, HUBSPOT_API_URL: hs.url });
      let clock = new Date("2026-12-01T00:00:00Z");
      const ctx = { config, log: silentLogger, db, now: () => clock };
      const settings = { ...parseSyncConfig({}).hubspot, requestsPer10s: 1_000_000 };
      settings.writeBack = { logs: false, riskTasks: false };
      const base = await time(() => fetchOnly(hs));
      const full = await time(() => new HubSpotSync(ctx, settings, { dryRun: false, full: false }).run());
      rows.push({
        bench: `crm sync: HubSpot first (full) sync, ${size}`,
        store: store.name,
        figure: `${(full.ms / 1000).toFixed(1)} s`,
        value: full.ms,
        unit: "ms",
        baseline: { label: "fetching the same pages", value: base.ms },
        better: "lower",
      });
      // 1% of each changes after the checkpoint.
      hs.setClock("2026-12-01T01:00:00Z");
      for (let i = 1; i <= COMPANIES; i += 100) hs.put("companies", String(i), { hs_arr: "5" });
      for (let i = 1; i <= CONTACTS; i += 100) hs.put("contacts", String(1_000_000 + i), { jobtitle: "VP" });
      for (let i = 1; i <= DEALS; i += 100) hs.put("deals", String(2_000_000 + i), { amount: "13000" });
      clock = new Date("2026-12-01T02:00:00Z");
      const since = Date.parse("2026-11-30T23:55:00Z");
      const ibase = await time(() => fetchOnly(hs, since));
      const inc = await time(() => new HubSpotSync(ctx, settings, { dryRun: false, full: false }).run());
      const changed = Object.values(inc.result.objects).reduce((s, c) => s + c.updated, 0);
      rows.push({
        bench: `crm sync: HubSpot incremental, 1% changed (${changed} rows updated)`,
        store: store.name,
        figure: `${(inc.ms / 1000).toFixed(2)} s`,
        value: inc.ms,
        unit: "ms",
        baseline: { label: "fetching the same pages", value: ibase.ms },
        better: "lower",
      });
    } finally {
      await db.close();
      await store.drop();
      await hs.stop();
    }
  }
  return rows;
}
