import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editDistance, nameKey, resolveAccount } from "../../src/domain/resolve.js";

const book = [
  { id: "1", name: "Acme Corp", aliases: ["ACME"] },
  { id: "2", name: "Acme Labs", aliases: [] },
  { id: "3", name: "Globex Corporation", aliases: ["Globex"] },
  { id: "4", name: "上海星辰科技有限公司", aliases: ["Xingchen", "星辰"] },
  { id: "5", name: "Initech", aliases: [] },
  { id: "6", name: "Umbrella Health", aliases: [] },
];

describe("account name resolution", () => {
  it("forgives case, spacing, punctuation and legal forms", () => {
    expect(nameKey("ACME  corp., Inc.")).toBe("acme");
    expect(resolveAccount("acme corp", book)).toMatchObject({ kind: "exact", account: { id: "1" } });
    expect(resolveAccount("GLOBEX, corp", book)).toMatchObject({ kind: "exact", account: { id: "3" } });
  });

  it("finds an account by its CRM external id, ignoring case, and only whole", () => {
    const withIds = book.map((a, i) => ({ ...a, externalId: `QNA-10${i}` }));
    expect(resolveAccount("QNA-103", withIds)).toMatchObject({ kind: "exact", account: { id: "4" } });
    expect(resolveAccount("qna-103", withIds)).toMatchObject({ kind: "exact", account: { id: "4" } });
    expect(resolveAccount("QNA-10", withIds).kind).not.toBe("exact");
  });

  it("matches aliases and Chinese names", () => {
    expect(resolveAccount("xingchen", book)).toMatchObject({ kind: "exact", account: { id: "4" } });
    expect(resolveAccount("星辰", book)).toMatchObject({ kind: "exact", account: { id: "4" } });
    expect(resolveAccount("上海星辰科技", book)).toMatchObject({ kind: "exact", account: { id: "4" } });
  });

  it("matches a unique prefix and reports several as ambiguous", () => {
    expect(resolveAccount("umbr", book)).toMatchObject({ kind: "exact", account: { id: "6" } });
    const r = resolveAccount("acm", book);
    expect(r.kind).toBe("ambiguous");
    if (r.kind === "ambiguous") expect(r.candidates.map((c) => c.id)).toEqual(["1", "2"]);
  });

  it("tolerates small typos", () => {
    expect(resolveAccount("initeck", book)).toMatchObject({ kind: "exact", account: { id: "5" } });
    expect(resolveAccount("globx", book)).toMatchObject({ kind: "exact", account: { id: "3" } });
    expect(resolveAccount("umbrela health", book)).toMatchObject({ kind: "exact", account: { id: "6" } });
  });

  it("suggests the closest names for an unknown one", () => {
    const r = resolveAccount("initrode", book);
    expect(r.kind).toBe("unknown");
    if (r.kind === "unknown") expect(r.suggestions.map((s) => s.id)).toContain("5");
    expect(resolveAccount("zzzzzzzz", book)).toEqual({ kind: "unknown", suggestions: [] });
  });

  it("suggests only names that look like the typed one, however long it is", () => {
    const names = [
      "Brightwood Dental",
      "Brightworks Labs",
      "Amberforge Energy",
      "Amberhill Retail",
      "Westleaf",
      "Westrock",
    ];
    const many = names.map((name, i) => ({ id: String(i), name, aliases: [] }));
    const of = (typed: string) => {
      const r = resolveAccount(typed, many);
      return r.kind === "unknown" ? r.suggestions.map((s) => s.name) : r.kind;
    };
    expect(of("brightwave")).toEqual(["Brightwood Dental", "Brightworks Labs"]);
    expect(of("kestrel")).toEqual([]);
    expect(of("northwind")).toEqual([]);
    expect(of("上海云帆科技")).toEqual([]);
  });

  it("always finds an account by its own name, whatever its case and spacing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: book.length - 1 }), fc.boolean(), (i, upper) => {
        const a = book[i]!;
        const typed = upper ? a.name.toUpperCase() : `  ${a.name.toLowerCase().replace(/ /g, "  ")} `;
        expect(resolveAccount(typed, book)).toMatchObject({ kind: "exact", account: { id: a.id } });
      }),
    );
  });

  it("never throws and only returns accounts from the book", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (q) => {
        const r = resolveAccount(q, book);
        const ids =
          r.kind === "exact"
            ? [r.account.id]
            : r.kind === "ambiguous"
              ? r.candidates.map((c) => c.id)
              : r.suggestions.map((s) => s.id);
        for (const id of ids) expect(book.map((b) => b.id)).toContain(id);
        if (r.kind === "ambiguous") expect(r.candidates.length).toBeGreaterThan(1);
      }),
      { numRuns: 1000 },
    );
  });

  it("edit distance is symmetric and zero only for equal strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
      }),
    );
  });
});
