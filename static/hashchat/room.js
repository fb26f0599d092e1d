// The live chat room: new posts without reload, pause, filters, inline actions,
// older posts on scroll, live counts, and a stream that resumes without a gap.
// The page works without this module; it only adds to what the server rendered.
import { renderTimes } from "./localtime.js";

const room = document.getElementById("room");
const feed = document.getElementById("feed");
const base = room.dataset.roomUrl;
const canPost = room.dataset.canPost === "1";
const isHost = room.dataset.isHost === "1";
const hosts = new Set((room.dataset.hosts || "").split(" ").filter(Boolean));
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const announcer = document.getElementById("announcer");
const connection = document.getElementById("connection");
const pauseButton = document.getElementById("pause");
const newButton = document.getElementById("new-posts");
const hideReposts = document.getElementById("hide-reposts");
const questionFilter = document.getElementById("question-filter");
const compose = document.getElementById("compose");

let paused = false;
const buffered = new Map(); // id -> item, held back while paused
let oldest = room.dataset.oldest || "";
let moreOlder = Boolean(oldest);
let loadingOlder = false;
const pageSize = Number(room.dataset.pageSize) || 30;
// The live list keeps at most this many posts while unpaused; the oldest go
// (they come back with "Load older posts").
const MAX_LIVE = 200;

const byId = (a, b) => (BigInt(a) > BigInt(b) ? 1 : BigInt(a) < BigInt(b) ? -1 : 0);

// -- rendering: the same markup as templates/live/_item.html ----------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// Posts known to be questions themselves (a host's "Q4 ..."): badged Q4, not A4.
const questionPosts = new Set(
  [...feed.querySelectorAll(".room-post[data-asks]")].map((node) => node.dataset.target),
);

function asksQuestion(shown, question) {
  if (!question) return false;
  if (questionPosts.has(shown.id)) return true;
  if (!hosts.has(shown.account.id)) return false;
  const text = new DOMParser().parseFromString(shown.content || "", "text/html").body.textContent;
  const found = /^\s*Q(\d+)\b/i.exec(text);
  return Boolean(found) && Number(found[1]) === Number(question);
}

function itemFrom(status, question = null) {
  const shown = status.reblog || status;
  return {
    id: status.id,
    status,
    shown,
    question,
    asks: asksQuestion(shown, question),
    is_host: hosts.has(shown.account.id),
    is_repost: Boolean(status.reblog),
  };
}

function countSpan(name, value) {
  return el("span", { class: "count", "data-count": name, text: value });
}

function reactForm(shown, verb, pressed, label, count) {
  const action = pressed ? `un${verb === "like" ? "like" : "repost"}` : verb;
  const form = el("form", { method: "post", action: `${base}posts/${shown.id}/${action}`, class: "react" });
  form.append(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
  const button = el("button", { type: "submit", "data-verb": verb, "aria-pressed": String(pressed) }, `${label} `);
  if (count !== null) button.append(countSpan(count[0], count[1]));
  form.append(button);
  return form;
}

function render(item) {
  const { shown, status } = item;
  const classes = ["post", "room-post"];
  if (item.is_host) classes.push("is-host");
  if (item.is_repost) classes.push("is-repost");
  const article = el("article", {
    class: classes.join(" "),
    id: `post-${item.id}`,
    "data-id": item.id,
    "data-target": shown.id,
    "data-question": item.question ?? "",
    "data-asks": item.asks ? "1" : null,
    "aria-labelledby": `post-${item.id}-by`,
  });
  if (item.is_repost) {
    article.append(el("p", { class: "repost-note", text: `${status.account.display_name} reposted` }));
  }
  article.append(el("img", { class: "avatar", src: shown.account.avatar, alt: "", width: 48, height: 48, loading: "lazy" }));
  const meta = el("p", { class: "post-meta" });
  meta.append(
    el("a", { class: "name", id: `post-${item.id}-by`, href: shown.account.url, text: shown.account.display_name }),
    " ",
    el("span", { class: "handle", text: `@${shown.account.acct}` }),
  );
  if (item.is_host) meta.append(" ", el("span", { class: "tag-label", text: "Host" }));
  if (item.question) {
    meta.append(" ", item.asks
      ? el("span", { class: "tag-label question-label", text: `Q${item.question}` })
      : el("span", { class: "tag-label answer-label", text: `A${item.question}` }));
  }
  const time = el("time", { datetime: shown.created_at, "data-localtime": true, text: shown.created_at });
  meta.append(" ", el("a", { class: "when", href: `/posts/${shown.id}/` }, time));
  renderTimes(meta);
  article.append(meta);
  const body = el("div", { class: "post-body" });
  body.innerHTML = shown.content; // sanitised by the server (nh3)
  article.append(body);
  const actions = el("div", { class: "post-actions" });
  const reply = el("a", {
    class: "button-like reply-link",
    href: `${base}?reply=${shown.id}#compose`,
    "data-reply": shown.id,
    "data-handle": shown.account.acct,
  }, "Reply ");
  reply.append(countSpan("replies", shown.replies_count));
  actions.append(reply);
  if (canPost) {
    actions.append(
      reactForm(shown, "like", Boolean(shown.favourited), "Like", ["likes", shown.favourites_count]),
      reactForm(shown, "repost", Boolean(shown.reblogged), "Repost", ["reposts", shown.reblogs_count]),
    );
    if (isHost) {
      const form = el("form", { method: "post", action: `${base}posts/${shown.id}/hide`, class: "react" });
      form.append(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
      form.append(el("button", { type: "submit", "data-verb": "hide", class: "hide-button", text: "Hide" }));
      actions.append(form);
    }
  } else {
    const likes = el("span", { class: "button-like" }, "Likes ");
    likes.append(countSpan("likes", shown.favourites_count));
    const reposts = el("span", { class: "button-like" }, "Reposts ");
    reposts.append(countSpan("reposts", shown.reblogs_count));
    actions.append(likes, " ", reposts);
  }
  article.append(actions);
  applyFilter(article);
  return article;
}

// -- times and countdowns ----------------------------------------------------------

function countdown(node) {
  const left = Math.max(0, new Date(node.getAttribute("datetime")).getTime() - Date.now());
  const s = Math.floor(left / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  node.textContent = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

setInterval(() => document.querySelectorAll("time.countdown").forEach(countdown), 1000);
document.querySelectorAll("time.countdown").forEach(countdown);

// -- the feed: insert in id order, dedupe, filter ----------------------------------

function say(text) {
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

function applyFilter(article) {
  const wanted = questionFilter?.value || "";
  article.hidden = Boolean(wanted) && article.dataset.question !== wanted;
}

function place(item) {
  const existing = document.getElementById(`post-${item.id}`);
  if (item.asks) questionPosts.add(item.shown.id);
  const fresh = render(item);
  if (existing) {
    // Keep what the page already knows (the question) when the stream repeats a post.
    if (!item.question && existing.dataset.question) return;
    existing.replaceWith(fresh);
    return;
  }
  feed.querySelector(".empty-note")?.remove();
  for (const other of feed.querySelectorAll(".room-post")) {
    if (byId(other.dataset.id, item.id) < 0) {
      other.before(fresh);
      trim();
      return;
    }
  }
  feed.append(fresh);
}

// Keep the live list bounded: drop the oldest beyond MAX_LIVE and offer them again
// through "Load older posts".
function trim() {
  // Not while paused, nor while the reader is down among older posts.
  if (paused || window.scrollY > window.innerHeight) return;
  const posts = feed.querySelectorAll(".room-post");
  if (posts.length <= MAX_LIVE) return;
  for (const node of [...posts].slice(MAX_LIVE)) node.remove();
  const last = [...feed.querySelectorAll(".room-post")].pop();
  if (last) oldest = last.dataset.id;
  moreOlder = true;
  showOlder();
}

function arrive(item) {
  if (document.getElementById(`post-${item.id}`)) {
    place(item);
    return;
  }
  if (paused) {
    buffered.set(item.id, item);
    showNewButton();
    return;
  }
  place(item);
}

function showNewButton() {
  newButton.textContent = `${buffered.size} new post${buffered.size === 1 ? "" : "s"}`;
  newButton.hidden = !(paused && buffered.size > 0);
}

function flush() {
  const items = [...buffered.values()].sort((a, b) => byId(a.id, b.id));
  buffered.clear();
  items.forEach(place);
  trim();
  showNewButton();
  if (items.length) say(`${items.length} new post${items.length === 1 ? "" : "s"} shown`);
}

function removePost(id) {
  buffered.delete(id);
  for (const [key, item] of buffered) if (item.shown.id === id) buffered.delete(key);
  showNewButton();
  feed.querySelectorAll(`[data-id="${id}"], [data-target="${id}"]`).forEach((node) => node.remove());
}

function setCounts(counts) {
  feed.querySelectorAll(`[data-target="${counts.id}"]`).forEach((article) => {
    for (const name of ["likes", "reposts", "replies"]) {
      const span = article.querySelector(`[data-count="${name}"]`);
      if (span && counts[name] !== undefined) span.textContent = counts[name];
    }
  });
}

// -- the pinned question -------------------------------------------------------------

async function refreshState() {
  const response = await fetch(`${base}state.json`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const state = await response.json();
  const pinned = document.querySelector(".pinned");
  if (state.state !== room.dataset.state) {
    // Started or ended: the server renders the new layout (compose, transcript link).
    window.location.reload();
    return;
  }
  if (!pinned || state.state !== "live") return;
  const title = el("h2", { id: "pinned-title" });
  if (state.current) {
    if (state.current.post_id) questionPosts.add(state.current.post_id);
    title.append(el("span", { class: "q-label", text: state.current.label }), ` ${state.current.text}`);
    addQuestionOption(state.current);
  } else {
    title.textContent = "The chat is live";
  }
  pinned.replaceChildren(title);
  if (state.next_at) {
    const time = el("time", { class: "countdown", datetime: state.next_at });
    countdown(time);
    pinned.append(el("p", { class: "muted" }, `${state.next_label} in `, time));
  }
}

function addQuestionOption(question) {
  if (!question.number) return;
  const answer = document.getElementById("compose-answer");
  if (answer && !answer.querySelector(`option[value="${question.number}"]`)) {
    // The same short label as the server's (truncated to 32 characters).
    const short = question.text.length > 32 ? `${question.text.slice(0, 31)}…` : question.text;
    answer.append(el("option", { value: question.number, text: `A${question.number} — ${short}` }));
  }
  if (answer) answer.value = String(question.number);
  if (questionFilter && !questionFilter.querySelector(`option[value="${question.number}"]`)) {
    questionFilter.append(el("option", { value: question.number, text: `Answers to Q${question.number}` }));
  }
}

// -- the stream ----------------------------------------------------------------------

function newestId() {
  const ids = [...feed.querySelectorAll(".room-post")].map((n) => n.dataset.id);
  ids.push(...buffered.keys());
  return ids.sort(byId).pop() || "";
}

async function fillGap() {
  let after = newestId();
  for (let round = 0; round < 20; round += 1) {
    const query = after ? `?after=${after}&limit=100` : "?limit=100";
    const response = await fetch(`${base}posts.json${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const page = await response.json();
    page.items.forEach(arrive);
    if (!page.more || !page.items.length) break;
    after = page.items[0].id;
  }
  refreshState();
}

function connect() {
  const url = `${room.dataset.stream}?last_event_id=${encodeURIComponent(room.dataset.resume || "")}`;
  const source = new EventSource(url);
  const on = (name, handler) => source.addEventListener(name, (message) => handler(message.data));
  source.addEventListener("open", () => { connection.textContent = room.dataset.state === "live" ? "Live" : "Connected"; });
  source.addEventListener("error", () => {
    connection.textContent = "Reconnecting…";
    if (source.readyState === EventSource.CLOSED) window.setTimeout(connect, 3000);
  });
  on("update", (data) => arrive(itemFrom(JSON.parse(data))));
  on("status.update", (data) => {
    const status = JSON.parse(data);
    const article = document.getElementById(`post-${status.id}`);
    if (article) place(itemFrom(status, article.dataset.question || null));
  });
  on("chat.post", (data) => {
    const { status, question } = JSON.parse(data);
    arrive(itemFrom(status, question));
  });
  on("delete", (id) => removePost(id));
  on("chat.post_hidden", (data) => removePost(JSON.parse(data).post_id));
  on("counts", (data) => setCounts(JSON.parse(data)));
  on("chat.question", (data) => {
    const question = JSON.parse(data).question || {};
    if (question.label) say(`${question.label} posted: ${question.text}`);
    refreshState();
  });
  on("chat.started", () => refreshState());
  on("chat.ended", () => refreshState());
  on("refetch", () => fillGap());
}

// -- controls ------------------------------------------------------------------------

pauseButton.hidden = false;
pauseButton.addEventListener("click", () => {
  paused = !paused;
  pauseButton.setAttribute("aria-pressed", String(paused));
  pauseButton.textContent = paused ? "Resume" : "Pause";
  if (!paused) flush();
  else showNewButton();
});
newButton.addEventListener("click", flush);
hideReposts?.addEventListener("change", () => feed.classList.toggle("hide-reposts", hideReposts.checked));
questionFilter?.addEventListener("change", () => feed.querySelectorAll(".room-post").forEach(applyFilter));

// -- posting, replying, reacting -------------------------------------------------------

async function send(url, body) {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { Accept: "application/json", "X-CSRFToken": csrf },
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({ error: "The server did not answer." }));
  if (!response.ok) throw new Error(data.error || "That did not work.");
  return data;
}

if (compose) {
  const text = compose.querySelector("textarea");
  const counter = document.getElementById("compose-counter");
  const error = document.getElementById("compose-error");
  const replyField = compose.querySelector('input[name="in_reply_to"]');
  const replying = document.getElementById("replying");
  const limit = Number(text.getAttribute("maxlength")) || 500;
  const tag = `#${room.dataset.tag}`;
  // The counter is read with the field (aria-describedby); a separate live region
  // speaks only near and over the limit, not on every keystroke.
  counter.removeAttribute("aria-live");
  const counterVoice = el("span", { class: "visually-hidden", "aria-live": "polite" });
  counter.after(counterVoice);
  const stepOf = (left) => (left < 0 ? "over" : [0, 10, 20, 50].find((n) => left <= n));
  let lastStep = "first"; // the first update (on load) says nothing
  const update = () => {
    const needsTag = !new RegExp(`(^|\\s)${tag}\\b`, "i").test(text.value);
    const left = limit - text.value.length - (needsTag ? tag.length + 1 : 0);
    counter.textContent = left >= 0
      ? `${left} character${left === 1 ? "" : "s"} left`
      : `${-left} character${left === -1 ? "" : "s"} too many`;
    counter.classList.toggle("over", left < 0);
    const step = stepOf(left);
    if (lastStep !== "first" && step !== lastStep && step !== undefined) counterVoice.textContent = counter.textContent;
    lastStep = step;
  };
  text.addEventListener("input", update);
  update();
  compose.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const data = await send(compose.action, new FormData(compose));
      place(data.item);
      text.value = "";
      replyField.value = "";
      replying.hidden = true;
      update();
      say("Posted");
    } catch (problem) {
      error.textContent = problem.message;
      error.hidden = false;
    }
  });
  compose.querySelector(".cancel-reply")?.addEventListener("click", () => {
    replyField.value = "";
    replying.hidden = true;
    text.focus();
  });
  feed.addEventListener("click", (event) => {
    const link = event.target.closest(".reply-link");
    if (!link) return;
    event.preventDefault();
    replyField.value = link.dataset.reply;
    replying.querySelector(".reply-handle").textContent = `@${link.dataset.handle}`;
    replying.hidden = false;
    text.focus();
  });
}

feed.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.react");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button");
  const verb = button.dataset.verb;
  const profile = document.getElementById("compose-profile");
  const body = new FormData(form);
  if (profile) body.set("profile", profile.value);
  button.disabled = true;
  try {
    const data = await send(form.action, body);
    if (verb === "hide") {
      removePost(form.closest(".room-post").dataset.target);
      say("Post hidden");
      return;
    }
    const pressed = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(pressed));
    const target = form.closest(".room-post").dataset.target;
    form.action = `${base}posts/${target}/${pressed ? verb : `un${verb}`}`;
    setCounts(data.counts);
  } catch (problem) {
    say(problem.message);
  } finally {
    button.disabled = false;
  }
});

// -- older posts on scroll ---------------------------------------------------------------

const older = document.getElementById("older");

function showOlder() {
  if (!older) return;
  older.href = `${base}?before=${oldest}`;
  older.parentElement.hidden = !moreOlder;
}

async function loadOlder() {
  if (loadingOlder || !moreOlder) return;
  loadingOlder = true;
  feed.setAttribute("aria-busy", "true");
  try {
    const query = `?before=${oldest}&limit=${pageSize}`;
    const response = await fetch(`${base}posts.json${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const page = await response.json();
    for (const item of page.items) if (!document.getElementById(`post-${item.id}`)) feed.append(render(item));
    if (page.items.length) oldest = page.items[page.items.length - 1].id;
    moreOlder = page.more;
    showOlder();
    if (page.items.length) say(`${page.items.length} older post${page.items.length === 1 ? "" : "s"} loaded`);
  } finally {
    loadingOlder = false;
    feed.setAttribute("aria-busy", "false");
  }
}

if (older) {
  older.setAttribute("role", "button");
  older.addEventListener("click", (event) => { event.preventDefault(); loadOlder(); });
  older.addEventListener("keydown", (event) => {
    if (event.key === " ") { event.preventDefault(); loadOlder(); }
  });
  // Scrolling to the end loads the next page too (never more than one at a time).
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) loadOlder();
  }, { rootMargin: "200px" }).observe(older);
}

connect();
