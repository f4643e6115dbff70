// The playground page: vanilla JS, no framework. Every answer comes from the server already rendered
// (src/reply/render-html.ts, escaped there); this script only posts what the person typed or
// pressed and places the cards.

const $ = (sel) => document.querySelector(sel);
const state = { member: "", picks: {}, people: [] };

async function api(path, body) {
  const init =
    body === undefined
      ? { headers: { accept: "application/json" } }
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(`/playground/api/${path}`, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const problems = Array.isArray(data.problems) ? `: ${data.problems.join("; ")}` : "";
    throw new Error(`${data.error ?? `HTTP ${res.status}`}${problems}`);
  }
  return data;
}

const personName = () => state.people.find((p) => p.email === state.member)?.name ?? state.member;

/** Appends one entry to the conversation; `html` is server-rendered, `text` is set as text. */
function addEntry(kind, label, content) {
  const li = document.createElement("li");
  li.className = `entry entry-${kind}`;
  const who = document.createElement("p");
  who.className = "entry-who";
  who.textContent = label;
  li.append(who);
  const body = document.createElement("div");
  body.className = "entry-body";
  if (content.html !== undefined) body.innerHTML = content.html;
  else body.textContent = content.text;
  li.append(body);
  $("#log").append(li);
  li.scrollIntoView({ block: "nearest" });
  return li;
}

const addBot = (html, label = "Tend") => addEntry("bot", label, { html });

let toastTimer;
function toast(text, tone = "neutral") {
  const el = $("#toast");
  el.textContent = text;
  el.className = `toast show tone-${tone}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.className = "toast";
  }, 6000);
  addEntry(`note tone-${tone}`, "Tend", { text });
}

function failed(err) {
  toast(`Something went wrong: ${err.message}`, "danger");
}

async function say(text) {
  addEntry("user", `You (${personName()})`, { text });
  try {
    const r = await api("command", { member: state.member, text });
    addBot(r.html);
  } catch (err) {
    failed(err);
  }
}

async function press(button) {
  button.disabled = true;
  try {
    const r = await api("action", {
      member: state.member,
      actionId: button.dataset.actionId,
      value: button.dataset.value,
    });
    if (r.html) addBot(r.html, r.share ? "Tend (posted to the channel)" : "Tend");
    if (r.formHtml) {
      const li = addBot(r.formHtml);
      li.querySelector("input, select, textarea")?.focus();
    }
    if (r.toast) toast(r.toast.text, r.toast.tone);
    if (button.dataset.actionId !== "tend.run" && button.dataset.actionId !== "tend.share") void loadMorning();
  } catch (err) {
    failed(err);
  } finally {
    button.disabled = false;
  }
}

async function submitForm(form) {
  const values = {};
  for (const [k, v] of new FormData(form)) values[k] = String(v);
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const submit = form.querySelector("[type=submit]");
  submit.disabled = true;
  try {
    const r = await api("form", {
      member: state.member,
      formId: form.dataset.formId,
      privateValue: form.dataset.privateValue,
      values,
    });
    if (r.errors) {
      let first;
      for (const [field, message] of Object.entries(r.errors)) {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
        if (slot) slot.textContent = message;
        const control = form.querySelector(`[name="${CSS.escape(field)}"]`);
        control?.setAttribute("aria-invalid", "true");
        first ??= control;
      }
      first?.focus();
      submit.disabled = false;
      return;
    }
    // Done: the form card closes like a Slack modal; the confirmation stays in the conversation.
    form.closest(".entry")?.remove();
    if (r.html) addBot(r.html);
    if (r.toast) toast(r.toast.text, r.toast.tone);
    $("#composer-input").focus();
    void loadMorning();
  } catch (err) {
    submit.disabled = false;
    failed(err);
  }
}

const KIND_LABEL = { digest: "Team digest", nudges: "Your nudges", brief: "Visit brief", weekly: "Weekly summary" };

async function fetchMorning() {
  return api(`morning?member=${encodeURIComponent(state.member)}`);
}

let morningSeq = 0;

async function loadMorning() {
  // Only the latest request may paint: a slow answer for the previous member must not win.
  const seq = ++morningSeq;
  const status = $("#morning-status");
  const list = $("#morning-list");
  status.textContent = "Asking the proactive engine…";
  try {
    const m = await fetchMorning();
    if (seq !== morningSeq) return;
    list.replaceChildren();
    for (const msg of m.messages) {
      const details = document.createElement("details");
      details.className = `morning-item kind-${msg.kind}`;
      const summary = document.createElement("summary");
      const at = (iso) =>
        new Date(iso).toLocaleTimeString([], { timeZone: m.timeZone, hour: "2-digit", minute: "2-digit" });
      const held = msg.heldUntil ? ` (quiet hours: held until ${at(msg.heldUntil)} ${m.timeZone})` : "";
      summary.textContent = `${KIND_LABEL[msg.kind] ?? msg.kind} → ${msg.to}: ${msg.summary}${held}`;
      details.append(summary);
      const body = document.createElement("div");
      body.innerHTML = msg.html;
      details.append(body);
      list.append(details);
    }
    const where = m.team ? `${m.member.name} and team ${m.team}` : m.member.name;
    status.textContent = m.messages.length
      ? `${m.day} (${m.timeZone}): ${m.messages.length} message(s) for ${where}.`
      : `${m.day} (${m.timeZone}): nothing to send to ${where} this morning.`;
  } catch (err) {
    if (seq === morningSeq) status.textContent = `Could not ask the engine: ${err.message}`;
  }
}

/** "Run now": this morning's messages arrive in the conversation, buttons and all. */
async function runNow(button) {
  button.disabled = true;
  try {
    const m = await fetchMorning();
    if (m.messages.length === 0) toast("Nothing to send this morning.", "neutral");
    for (const msg of m.messages) addBot(msg.html, `Tend · ${KIND_LABEL[msg.kind] ?? msg.kind} → ${msg.to}`);
  } catch (err) {
    failed(err);
  } finally {
    button.disabled = false;
  }
}

async function choose(email) {
  if (!email || email === state.member) return;
  state.member = email;
  $("#member").value = email;
  $("#morning-list").replaceChildren();
  const p = state.people.find((x) => x.email === email);
  document.documentElement.lang = p?.locale === "zh-CN" ? "zh-CN" : "en";
  addEntry("note", "Playground", {
    text: `You are now ${p ? `${p.name} (${p.role}${p.team ? `, ${p.team}` : ""})` : email}.`,
  });
  try {
    const r = await api("home", { member: email });
    addBot(r.html);
  } catch (err) {
    failed(err);
  }
  void loadMorning();
}

function setLook(look) {
  document.body.classList.toggle("look-slack", look === "slack");
  document.body.classList.toggle("look-feishu", look === "feishu");
  try {
    localStorage.setItem("tend.look", look);
  } catch {
    // storage may be off; the look just is not remembered
  }
}

async function start() {
  const { members, picks } = await api("members");
  state.people = members;
  state.picks = picks;
  const select = $("#member");
  for (const p of members) {
    const o = document.createElement("option");
    o.value = p.email;
    o.textContent = `${p.name} — ${p.role}${p.team ? `, ${p.team}` : ""}`;
    select.append(o);
  }
  for (const b of document.querySelectorAll("[data-pick]")) {
    const email = picks[b.dataset.pick];
    if (!email) b.hidden = true;
    else b.title = members.find((p) => p.email === email)?.name ?? email;
  }
  select.addEventListener("change", () => void choose(select.value));
  let look = "slack";
  try {
    look = localStorage.getItem("tend.look") === "feishu" ? "feishu" : "slack";
  } catch {
    // default look
  }
  for (const r of document.querySelectorAll("input[name=look]")) {
    r.checked = r.value === look;
    r.addEventListener("change", () => setLook(r.value));
  }
  setLook(look);
  if (members.length === 0) {
    addEntry("note", "Playground", {
      text: "The store has no members yet: load the demo book with `npx tend demo`.",
    });
    return;
  }
  await choose(picks.csm ?? members[0].email);
}

document.addEventListener("click", (e) => {
  const target = e.target instanceof Element ? e.target : null;
  const action = target?.closest("button[data-action-id]");
  if (action) return void press(action);
  const pick = target?.closest("button[data-pick]");
  if (pick) return void choose(state.picks[pick.dataset.pick]);
  const chip = target?.closest("button[data-say]");
  if (chip) return void say(chip.dataset.say);
  if (target?.closest("#run-now")) return void runNow(target.closest("#run-now"));
  if (target?.closest("#refresh")) return void loadMorning();
});

document.addEventListener("submit", (e) => {
  const form = e.target;
  if (!(form instanceof HTMLFormElement)) return;
  e.preventDefault();
  if (form.id === "composer") {
    const input = $("#composer-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    void say(text);
    return;
  }
  if (form.dataset.formId) void submitForm(form);
});

start().catch((err) => {
  addEntry("note tone-danger", "Playground", { text: `Could not start: ${err.message}` });
});
