import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORIES, demoEmail } from "../support/demo.js";
import { type Playground, startPlayground } from "./harness.js";

// The playground end to end in a real headless browser: Debian's chromium driven by playwright-core
// (no browser download). On failure a screenshot of the page lands in test-artifacts/.

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.resolve("test-artifacts");
const STEP_TIMEOUT = 240_000;
// CI installs chromium (.ci/run), so there a missing browser is a failure, not a skip.
const available = existsSync(CHROMIUM) || process.env.CI === "true";

describe.skipIf(!available)("the playground in a browser", () => {
  let p: Playground;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    p = await startPlayground();
    profile = await mkdtemp(path.join(os.tmpdir(), "tend-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    // Generous waits: CI shares two CPUs with other test files; nothing here measures speed.
    page.setDefaultTimeout(60_000);
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error") pageErrors.push(msg.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await p?.close();
  });

  /** Runs a step; on failure saves a screenshot named after it, then fails. */
  async function step(name: string, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (err) {
      await mkdir(ARTIFACTS, { recursive: true });
      await page
        ?.screenshot({ path: path.join(ARTIFACTS, `playground-${name}.png`), fullPage: true })
        .catch(() => undefined);
      throw err;
    }
  }

  const log = () => page.getByRole("log", { name: "Conversation" });

  it(
    "opens as a CSM, answers a typed brief as a card, and its snooze button works",
    async () => {
      await step("open", async () => {
        // The address from the log, token included, as a person would paste it.
        await page.goto(`${p.url}/?token=${p.token}`);
        // The start screen is the member's book (the core's home view), as in Slack's App Home.
        await log()
          .getByRole("heading", { name: /your book/i })
          .waitFor();
        expect(await page.getByLabel("You are").inputValue()).toBe(demoEmail("alice.chen"));
        expect(await page.getByText("reachable from this machine alone").count()).toBe(1);
      });

      await step("brief", async () => {
        // Typed and sent with the keyboard, as in chat.
        const box = page.getByLabel("Message Tend");
        await box.click();
        await page.keyboard.type(`brief ${DEMO_STORIES.championLeft}`);
        await page.keyboard.press("Enter");
        await log().getByText(`brief ${DEMO_STORIES.championLeft}`, { exact: true }).waitFor();
        await page.getByRole("heading", { name: `Visit brief: ${DEMO_STORIES.championLeft}` }).waitFor();
        expect(await box.inputValue()).toBe("");
      });

      await step("snooze", async () => {
        const card = page.getByRole("article", { name: `Visit brief: ${DEMO_STORIES.championLeft}` });
        await card.getByRole("button", { name: "Snooze 7d" }).click();
        await log()
          .getByText(new RegExp(`Snoozed ${DEMO_STORIES.championLeft} for 7 days`))
          .waitFor();
        expect(await page.getByRole("status").textContent()).toMatch(/Snoozed/);
      });
      expect(await p.db.prisma.snooze.count({ where: { accountId: "demo-account-championLeft" } })).toBe(1);
    },
    STEP_TIMEOUT,
  );

  it(
    "logs a visit through the form the Log visit button opens",
    async () => {
      await step("log-visit", async () => {
        const card = page.getByRole("article", { name: `Visit brief: ${DEMO_STORIES.championLeft}` }).last();
        await card.getByRole("button", { name: "Log visit" }).click();
        const form = page.getByRole("article", { name: "Log an interaction" });
        await form.waitFor();
        await form.getByLabel(/Notes/).fill("Walked the new champion through the rollout plan");
        await form.getByRole("button", { name: /Save|Log/ }).click();
        await form.waitFor({ state: "detached" });
        await log()
          .getByText(/Logged/)
          .last()
          .waitFor();
      });
      expect(
        await p.db.prisma.interaction.count({ where: { notes: "Walked the new champion through the rollout plan" } }),
      ).toBe(1);
    },
    STEP_TIMEOUT,
  );

  it(
    "previews this morning's messages and delivers them into the chat on Run now",
    async () => {
      await step("morning", async () => {
        const panel = page.getByRole("complementary", { name: "This morning" });
        await panel.getByText(/message\(s\) for Alice Chen and team Americas/).waitFor();
        expect(await panel.locator("details").count()).toBeGreaterThan(0);
        await panel.getByRole("button", { name: "Run now" }).click();
        await log()
          .getByText(/Tend · Team digest → team Americas/)
          .waitFor();
      });
    },
    STEP_TIMEOUT,
  );

  it(
    "switches to the Chinese-speaking CSM and answers in Chinese",
    async () => {
      await step("zh", async () => {
        await page.getByRole("button", { name: "Chinese-speaking CSM" }).click();
        await log()
          .getByText(/You are now .*中国区/)
          .waitFor();
        await page.getByLabel("Message Tend").fill("help");
        await page.getByRole("button", { name: "Send" }).click();
        await page.waitForFunction(() => {
          const cards = document.querySelectorAll("#log .card");
          return /[\u4e00-\u9fff]/.test(cards[cards.length - 1]?.textContent ?? "");
        });
      });
      expect(pageErrors).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});
