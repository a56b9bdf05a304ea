// The web chat page. No framework, no build step, nothing fetched from outside this server.
// Bot text arrives as Telegram-HTML; it is rendered through an allow-list (b, i, a, code),
// never assigned as HTML, so text a resident typed can only ever show as text.
"use strict";

const $ = (id) => document.getElementById(id);
const STORE_KEY = "guanjia.chat";
const TOKEN_KEY = "guanjia.staffToken";

const state = {
  config: null,
  session: null, // {chat_id, name, units}
  items: new Map(), // key -> {li, view}
  chatStream: null,
  staffStream: null,
  groups: [],
  staffToken: sessionStorage.getItem(TOKEN_KEY) || "",
};

// ---------- safe rendering ----------
const KEEP = new Set(["b", "strong", "i", "em", "u", "s", "code", "pre"]);

function safeNodes(nodes) {
  const out = [];
  for (const node of nodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(document.createTextNode(node.data));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.tagName.toLowerCase();
      const kids = safeNodes(node.childNodes);
      if (KEEP.has(tag)) {
        const el = document.createElement(tag);
        el.append(...kids);
        out.push(el);
      } else if (tag === "a") {
        const href = node.getAttribute("href") || "";
        if (/^(https?:|tel:|mailto:)/i.test(href)) {
          const a = document.createElement("a");
          a.href = href;
          a.rel = "noopener noreferrer";
          a.target = "_blank";
          a.append(...kids);
          out.push(a);
        } else {
          out.push(...kids);
        }
      } else if (tag === "br") {
        out.push(document.createElement("br"));
      } else {
        out.push(...kids); // any other element: its text only
      }
    }
  }
  return out;
}

function renderBotText(target, html) {
  // A DOMParser document is inert: no script runs and nothing is fetched while parsing.
  const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
  target.replaceChildren(...safeNodes(doc.body.childNodes));
}

// ---------- small helpers ----------
function clientId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

let toastTimer = null;
function toast(text, alert = false) {
  const el = $("toast");
  el.textContent = text;
  el.classList.toggle("alert", alert);
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, alert ? 4000 : 2500);
}

function staffHeaders() {
  return state.staffToken ? { Authorization: `Bearer ${state.staffToken}` } : {};
}

async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: { error: "网络连接中断，请稍后重试。" } };
  }
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  return { ok: response.ok, status: response.status, data };
}

// Server-sent events read with fetch (so a staff token can go in a header), reconnecting.
function openStream(path, headers, onEvent, onState) {
  const controller = new AbortController();
  let stopped = false;
  async function run() {
    while (!stopped) {
      try {
        const response = await fetch(path, { headers, signal: controller.signal });
        if (response.status === 403) { onState("forbidden"); return; }
        if (!response.ok || !response.body) throw new Error(String(response.status));
        onState("live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame.split("\n").filter((l) => l.startsWith("data: "))
              .map((l) => l.slice(6)).join("\n");
            if (data) {
              try { onEvent(JSON.parse(data)); } catch (err) { console.error(err); }
            }
          }
        }
      } catch (err) {
        if (stopped) return;
      }
      if (stopped) return;
      onState("retry");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  run();
  return { stop() { stopped = true; controller.abort(); } };
}

// ---------- resident chat ----------
function setConnection(kind) {
  const el = $("connection");
  el.classList.toggle("live", kind === "live");
  el.textContent = { live: "已连接", retry: "重新连接中…", forbidden: "会话已失效" }[kind] || "";
  if (kind === "forbidden") {
    localStorage.removeItem(STORE_KEY);
    showPicker();
  }
}

function buttonRows(view, onPress) {
  const box = document.createElement("div");
  box.className = "inline-buttons";
  for (const row of view.buttons || []) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = button.text;
      el.addEventListener("click", () => onPress(button, view, el));
      line.append(el);
    }
    box.append(line);
  }
  return box;
}

function fillBot(li, view) {
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  const text = document.createElement("div");
  renderBotText(text, view.text + (view.photo ? "\n[图片]" : ""));
  bubble.append(text);
  if ((view.buttons || []).length) bubble.append(buttonRows(view, pressResident));
  li.replaceChildren(bubble);
}

function applyMenu(view) {
  const menu = $("menu");
  if (view.remove_menu) menu.replaceChildren();
  if ((view.menu || []).length || view.request_contact) {
    const chips = (view.menu || []).map((option) => {
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = option;
      el.addEventListener("click", () => sendText(option));
      return el;
    });
    if (view.request_contact) {
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = view.request_contact;
      el.addEventListener("click", () =>
        toast("网页版暂不支持分享手机号；演示时请选择一位演示住户，或在 Telegram 中绑定。"));
      chips.push(el);
    }
    menu.replaceChildren(...chips);
  }
}

function showMessage(view) {
  const list = $("messages");
  if (view.type === "bot" && view.replaces != null) {
    const target = state.items.get(`b${view.replaces}`);
    if (target) {
      const merged = { ...target.view, ...view, key: target.view.key, id: target.view.id };
      target.view = merged;
      fillBot(target.li, merged);
      return;
    }
  }
  let entry = state.items.get(view.key);
  if (!entry) {
    const li = document.createElement("li");
    li.className = view.type;
    li.dataset.key = view.key;
    entry = { li, view };
    state.items.set(view.key, entry);
    list.append(li);
  }
  entry.view = view;
  if (view.type === "bot") {
    fillBot(entry.li, view);
    applyMenu(view);
  } else {
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = view.text;
    entry.li.replaceChildren(bubble);
  }
}

function onChatEvent(event) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  if (event.type === "history") {
    event.messages.forEach(showMessage);
  } else if (event.type === "reset") {
    connectChat(); // we fell behind: reconnect, which sends the history again
    return;
  } else if (event.type === "bot" || event.type === "user") {
    showMessage(event);
  }
  if (atBottom || event.type === "history") list.scrollTop = list.scrollHeight;
}

function connectChat() {
  if (state.chatStream) state.chatStream.stop();
  const id = encodeURIComponent(state.session.chat_id);
  state.chatStream = openStream(`/api/web/chats/${id}/events`, {}, onChatEvent, setConnection);
}

async function post(body) {
  const id = encodeURIComponent(state.session.chat_id);
  const result = await api(`/api/web/chats/${id}/messages`, { method: "POST", body });
  if (!result.ok) {
    toast(result.data.error || "发送失败，请稍后重试。", true);
    return false;
  }
  if (result.data.ack) toast(result.data.ack, result.data.alert);
  return true;
}

async function sendText(text) {
  if (!text.trim() || !state.session) return false;
  return post({ text, id: clientId() });
}

function pressResident(button, view) {
  post({ button: button.data, message_id: view.id, label: button.text, id: clientId() });
}

function openConversation(session) {
  state.session = session;
  localStorage.setItem(STORE_KEY, JSON.stringify(session));
  state.items.clear();
  $("messages").replaceChildren();
  $("menu").replaceChildren();
  const units = (session.units || []).join("、");
  $("chat-title").textContent = units ? `${session.name} · ${units}` : session.name;
  $("picker").hidden = true;
  $("conversation").hidden = false;
  $("switch-resident").hidden = false;
  connectChat();
  $("text").focus();
}

function showPicker() {
  if (state.chatStream) state.chatStream.stop();
  state.chatStream = null;
  state.session = null;
  $("conversation").hidden = true;
  $("picker").hidden = false;
  $("switch-resident").hidden = true;
}

async function loadResidents() {
  const result = await api("/api/web/residents");
  const select = $("resident-select");
  if (!result.ok) return;
  select.replaceChildren(...result.data.residents.map((r) => {
    const option = document.createElement("option");
    option.value = String(r.id);
    option.textContent = r.units.length ? `${r.name} · ${r.units.join("、")}` : r.name;
    return option;
  }));
}

async function startSession(body) {
  const result = await api("/api/web/session", { method: "POST", body });
  if (!result.ok) {
    toast(result.data.error || "暂时无法开始聊天，请稍后重试。", true);
    return;
  }
  openConversation(result.data);
}

// ---------- staff view ----------
function showPane(pane) {
  document.body.dataset.pane = pane;
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.setAttribute("aria-selected", String(tab.dataset.pane === pane));
  }
}

function currentGroup() {
  return state.groups.find((g) => g.code === $("group-select").value);
}

function fillActors(group) {
  const select = $("actor-select");
  select.replaceChildren(...group.staff.map((s) => {
    const option = document.createElement("option");
    option.value = s.code;
    option.textContent = s.name;
    return option;
  }));
  if (group.acting) select.value = group.acting;
}

async function loadGroups() {
  const result = await api("/api/web/staff/groups", { headers: staffHeaders() });
  if (result.status === 403) { askToken(); return false; }
  if (!result.ok) return false;
  $("token-box").hidden = true;
  state.groups = result.data.groups;
  const select = $("group-select");
  select.replaceChildren(...state.groups.map((g) => {
    const option = document.createElement("option");
    option.value = g.code;
    option.textContent = g.name;
    return option;
  }));
  if (state.groups.length) fillActors(state.groups[0]);
  await loadCards();
  connectStaff();
  return true;
}

async function loadCards() {
  const group = currentGroup();
  const list = $("cards");
  if (!group) { list.replaceChildren(); return; }
  const code = encodeURIComponent(group.code);
  const result = await api(`/api/web/staff/groups/${code}/cards`, { headers: staffHeaders() });
  if (result.status === 403) { askToken(); return; }
  if (!result.ok) return;
  if (!result.data.cards.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "这个群还没有收到工单卡片。";
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...result.data.cards.map((card) => {
    const li = document.createElement("li");
    li.dataset.key = card.key;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    const text = document.createElement("div");
    renderBotText(text, card.text);
    bubble.append(text);
    if ((card.buttons || []).length) bubble.append(buttonRows(card, pressStaff));
    li.append(bubble);
    return li;
  }));
}

async function pressStaff(button, card, el) {
  const group = currentGroup();
  if (!group) return;
  el.disabled = true;
  const result = await api(`/api/web/staff/groups/${encodeURIComponent(group.code)}/press`, {
    method: "POST",
    headers: staffHeaders(),
    body: {
      button: button.data, message_id: card.id, label: button.text,
      staff: $("actor-select").value, id: clientId(),
    },
  });
  el.disabled = false;
  if (!result.ok) {
    if (result.status === 403) askToken();
    toast(result.data.error || "操作失败，请稍后重试。", true);
    return;
  }
  if (result.data.ack) toast(result.data.ack, result.data.alert);
  await loadCards();
}

let cardsTimer = null;
function connectStaff() {
  if (state.staffStream) state.staffStream.stop();
  state.staffStream = openStream("/api/web/staff/events", staffHeaders(), (event) => {
    if (event.type === "changed") {
      clearTimeout(cardsTimer);
      cardsTimer = setTimeout(loadCards, 150);
    }
  }, (kind) => { if (kind === "forbidden") askToken(); });
}

function askToken() {
  if (state.staffStream) state.staffStream.stop();
  $("token-box").hidden = false;
  $("cards").replaceChildren();
}

// ---------- start-up ----------
async function main() {
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => showPane(tab.dataset.pane));
  }
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("text");
    const text = box.value;
    if (!text.trim()) return;
    $("send").disabled = true;
    const sent = await sendText(text);
    $("send").disabled = false;
    if (sent) box.value = "";
    box.focus();
  });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("start-chat").addEventListener("click", () =>
    startSession({ resident_id: Number($("resident-select").value) }));
  $("start-guest").addEventListener("click", () => startSession({}));
  $("switch-resident").addEventListener("click", showPicker);
  $("group-select").addEventListener("change", () => {
    const group = currentGroup();
    if (group) fillActors(group);
    loadCards();
  });
  $("token-box").addEventListener("submit", async (event) => {
    event.preventDefault();
    state.staffToken = $("token").value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.staffToken);
    if (!(await loadGroups())) toast("令牌无效，请重新输入。", true);
  });

  const config = await api("/api/web/config");
  if (!config.ok) {
    toast(config.data.error || "服务暂时不可用，请稍后刷新。", true);
    return;
  }
  state.config = config.data;
  if (state.config.estate) $("estate-name").textContent = `${state.config.estate} · 管家`;
  $("mode-label").textContent = state.config.demo ? "演示" : "";
  $("demo-picker").hidden = !state.config.demo;
  $("guest-picker").hidden = state.config.demo;
  if (state.config.staff !== "off") {
    $("staff-tab").hidden = false;
    $("staff-pane").hidden = false;
    loadGroups();
  }
  if (state.config.demo) await loadResidents();
  const saved = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
  const resumable = saved && saved.chat_id &&
    (state.config.demo || !saved.chat_id.startsWith("demo-"));
  if (resumable) openConversation(saved);
  else showPicker();
}

main();
