import { describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/i18n/catalogue.js";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogue", () => {
  it("has every English message in Chinese with the same placeholders", () => {
    const en = MESSAGES.en;
    const zh = MESSAGES["zh-CN"];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe("");
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });
});
