import * as lark from "@larksuiteoapi/node-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { type FeishuConfig, larkClient } from "../../src/feishu/client.js";
import { sendCard } from "../../src/feishu/messages.js";
import { silentLogger } from "../../src/log.js";
import { type FeishuStandIn, startFeishuStandIn } from "../delivery/feishu-stand-in.js";

// FEISHU_DOMAIN picks where the real Lark SDK client talks: Feishu (China), Lark (international), or
// a base URL - which is how every Feishu test reaches its local stand-in.

const feishuConfig = (domain?: string): FeishuConfig => {
  const config = parseConfig({
    TEND_DEMO: "off",
    FEISHU_APP_ID: "cli_tend_test",
    FEISHU_APP_SECRET: "feishu-secret",
    ...(domain === undefined ? {} : { FEISHU_DOMAIN: domain }),
  });
  if (!config.feishu) throw new Error("feishu not configured");
  return config.feishu;
};

describe("FEISHU_DOMAIN", () => {
  let api: FeishuStandIn;
  beforeAll(async () => {
    api = await startFeishuStandIn();
  });
  afterAll(() => api.close());

  it("is Feishu's open platform by default, and Lark's when set to lark", () => {
    expect(larkClient(feishuConfig(), silentLogger).domain).toBe("https://open.feishu.cn");
    expect(larkClient(feishuConfig("feishu"), silentLogger).domain).toBe("https://open.feishu.cn");
    expect(larkClient(feishuConfig("lark"), silentLogger).domain).toBe("https://open.larksuite.com");
  });

  it("takes a base URL (trailing slash or not) and sends there with the app's own token", async () => {
    for (const domain of [api.url, `${api.url}/`]) {
      const client = larkClient(feishuConfig(domain), silentLogger);
      const card = { schema: "2.0", body: { elements: [{ tag: "markdown", content: "你好" }] } };
      expect(await sendCard(client, "ou_cara", card as never)).toMatch(/^om_/);
    }
    expect(api.accepted.map((m) => m.chatId)).toEqual(["ou_cara", "ou_cara"]);
    expect(api.calls.filter((c) => c.path === "/open-apis/auth/v3/tenant_access_token/internal")).not.toHaveLength(0);
    expect(api.calls.filter((c) => c.path === "/open-apis/im/v1/messages").map((c) => c.auth)).toEqual([
      "Bearer t-test",
      "Bearer t-test",
    ]);
  });

  it("refuses anything else at start-up", () => {
    expect(() => feishuConfig("open.feishu.cn")).toThrow(/feishu, lark or a base URL/);
    expect(lark.Domain.Feishu).not.toBe(lark.Domain.Lark);
  });
});
