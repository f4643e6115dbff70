// The text Tend writes to a CRM, pure. Everything a person typed is escaped: HubSpot shows note
// and task bodies as HTML. The marker lets a retry find a write that reached the CRM unseen.

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const KIND_LABEL: Record<string, string> = {
  visit: "Visit",
  call: "Call",
  qbr: "QBR",
  exec_visit: "Executive visit",
  training: "Training",
  email: "Email",
  praise: "Praise",
  complaint: "Complaint",
};

export interface LoggedInteraction {
  kind: string;
  occurredAt: Date;
  notes: string | null;
  nextSteps: string | null;
  memberName: string | null;
}

/** One logged interaction as a note (HTML for HubSpot; `plain` for Salesforce). */
export function noteText(i: LoggedInteraction, marker: string, plain = false): string {
  const e = plain ? (s: string) => s : esc;
  const lines = [
    `${KIND_LABEL[i.kind] ?? i.kind} on ${i.occurredAt.toISOString().slice(0, 10)}${i.memberName ? ` by ${e(i.memberName)}` : ""} (logged in Tend)`,
  ];
  if (i.notes) lines.push(`Notes: ${e(i.notes)}`);
  if (i.nextSteps) lines.push(`Next steps: ${e(i.nextSteps)}`);
  lines.push(`Ref: ${marker}`);
  return plain ? lines.join("\n") : lines.map((l) => `<p>${l}</p>`).join("");
}

export function noteSubject(i: LoggedInteraction): string {
  return `${KIND_LABEL[i.kind] ?? i.kind} (Tend)`;
}

export interface RaisedRisk {
  kind: string;
  severity: string;
  note: string | null;
  raisedAt: string;
  memberName: string | null;
}

export function riskTaskText(r: RaisedRisk, marker: string, plain = false): { subject: string; body: string } {
  const e = plain ? (s: string) => s : esc;
  const cause = r.kind.replace(/_/g, " ");
  const lines = [
    `Risk raised in Tend on ${r.raisedAt}${r.memberName ? ` by ${e(r.memberName)}` : ""}: ${cause} (${r.severity})`,
  ];
  if (r.note) lines.push(e(r.note));
  lines.push(`Ref: ${marker}`);
  return {
    subject: `Risk: ${cause} (${r.severity})`,
    body: plain ? lines.join("\n") : lines.map((l) => `<p>${l}</p>`).join(""),
  };
}
