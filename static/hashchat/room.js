// The live chat room: new posts without reload, pause, filters, inline actions,
// older posts on scroll, live counts, and a stream that resumes without a gap.
// The page works without this module; it only adds to what the server rendered.
// New posts never move what the reader is on: while they are scrolled down,
// pointing at or focused on a post, or typing, new posts wait behind "N new posts".
import { renderRelative } from "./localtime.js";
import { setUpCompose } from "./room-compose.js";
import { makeRenderer } from "./room-render.js";

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
const buffered = new Map(); // id -> item, held back while paused or reading
let oldest = room.dataset.oldest || "";
let moreOlder = Boolean(oldest);
let loadingOlder = false;
const pageSize = Number(room.dataset.pageSize) || 30;
// The live list keeps at most this many posts while unpaused; the oldest go
// (they come back with "Load older posts").
const MAX_LIVE = 200;

const byId = (a, b) => (BigInt(a) > BigInt(b) ? 1 : BigInt(a) < BigInt(b) ? -1 : 0);

// -- rendering (room-render.js: the markup of templates/chats/_room_item.html) -----

const questionPosts = new Set(
  [...feed.querySelectorAll(".room-post[data-asks]")].map((node) => node.dataset.target),
);
const { el, itemFrom, render: renderItem } = makeRenderer({ feed, base, canPost, isHost, hosts, csrf, questionPosts });
const render = (item) => {
  const article = renderItem(item);
  applyFilter(article);
  return article;
};

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
setInterval(() => renderRelative(feed), 30000);
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

// Whether new posts must wait: paused, scrolled down into the feed, the pointer on
// a post, focus on a post, or typing in the compose box.
function holding() {
  if (paused) return true;
  const sticky = document.querySelector(".room-sticky");
  const line = sticky ? sticky.getBoundingClientRect().bottom : 0;
  if (feed.getBoundingClientRect().top < line - 2) return true;
  if (feed.querySelector(".room-post:hover")) return true;
  const active = document.activeElement;
  if (active && active !== feed && feed.contains(active)) return true;
  return Boolean(compose && compose.contains(active) && active.tagName === "TEXTAREA");
}

// When the reader is back at the top, not pointing, focused or typing, what waited shows.
function release() {
  if (buffered.size && !holding()) flush();
}

// Keep the live list bounded: drop the oldest beyond MAX_LIVE and offer them again
// through "Load older posts".
function trim() {
  // Not while paused, nor while the reader is down among older posts.
  if (holding() || window.scrollY > window.innerHeight) return;
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
  if (holding()) {
    buffered.set(item.id, item);
    showNewButton();
    return;
  }
  if (buffered.size) {
    buffered.set(item.id, item);
    flush();
    return;
  }
  place(item);
}

function showNewButton() {
  newButton.textContent = `${buffered.size} new post${buffered.size === 1 ? "" : "s"}`;
  newButton.hidden = buffered.size === 0;
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
  composer?.questionAsked(question);
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
newButton.addEventListener("click", () => {
  flush();
  // Take the reader to the newest post.
  const sticky = document.querySelector(".room-sticky");
  const top = window.scrollY + feed.getBoundingClientRect().top - (sticky ? sticky.offsetHeight : 0) - 8;
  if (window.scrollY > top) window.scrollTo({ top });
});
hideReposts?.addEventListener("change", () => feed.classList.toggle("hide-reposts", hideReposts.checked));
let scrollTimer = null;
window.addEventListener("scroll", () => {
  window.clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(release, 150);
}, { passive: true });
feed.addEventListener("pointerleave", () => window.setTimeout(release, 0));
feed.addEventListener("focusout", () => window.setTimeout(release, 0));

// Filtering by question asks the server, so every answer shows (older ones too).
function filterQuery() {
  return questionFilter?.value ? `&question=${encodeURIComponent(questionFilter.value)}` : "";
}

questionFilter?.addEventListener("change", async () => {
  feed.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(`${base}posts.json?limit=${pageSize}${filterQuery()}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const page = await response.json();
    for (const item of page.items) buffered.delete(item.id);
    feed.replaceChildren(...page.items.map(render));
    if (!page.items.length) feed.append(el("p", { class: "muted empty-note", text: "No posts yet." }));
    oldest = page.items.length ? page.items[page.items.length - 1].id : "";
    moreOlder = page.more;
    showOlder();
    const shown = questionFilter.value ? `Answers to Q${questionFilter.value}` : "All posts";
    say(`${shown}: ${page.items.length}${page.more ? " or more" : ""} post${page.items.length === 1 ? "" : "s"}`);
  } finally {
    feed.setAttribute("aria-busy", "false");
  }
});

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

const composer = compose ? setUpCompose({ room, compose, feed, say, send, place }) : null;

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
    const query = `?before=${oldest}&limit=${pageSize}${filterQuery()}`;
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

// -- a first visit: a short hint on how to take part, until dismissed ---------------------

const hint = document.getElementById("first-visit");
const HINT_KEY = "hashchat.room-hint-seen";
try {
  if (hint && !window.localStorage.getItem(HINT_KEY)) {
    hint.hidden = false;
    hint.querySelector("[data-dismiss-hint]").addEventListener("click", () => {
      window.localStorage.setItem(HINT_KEY, "1");
      hint.hidden = true;
      document.getElementById("compose-text")?.focus();
    });
  }
} catch {
  // No storage (private mode): no hint rather than one that cannot be dismissed.
}
