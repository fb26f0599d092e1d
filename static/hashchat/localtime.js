// Times in the viewer's own zone. This remembers the browser's zone in the `tz`
// cookie (server-rendered times then use it too), rewrites <time data-localtime>
// in the browser's zone, fills hidden tz inputs for the directory's filters, and
// counts down to a start.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// Tell the server the browser's zone, so that pages rendered there (and any page
// read without this script) show times as this script does (accounts/zones.py).
export function rememberZone(name = zone) {
  // IANA names are letters, digits and _ + - /: all fine in a cookie as they are.
  if (!name || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return;
  const current = document.cookie.split("; ").find((c) => c.startsWith("tz="));
  if (current && current.slice(3) === name) return;
  document.cookie = `tz=${name}; path=/; max-age=31536000; SameSite=Lax`;
}

const formatter = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", year: "numeric",
  hour: "numeric", minute: "2-digit", timeZoneName: "short",
});

export function renderTimes(root) {
  for (const el of root.querySelectorAll("time[data-localtime]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    const text = formatter.format(when);
    // Name the zone too (Europe/Paris), unless the short name already says it (UTC).
    const label = el.hasAttribute("data-zone-label") && zone && !text.endsWith(zone);
    el.textContent = label ? `${text} (${zone})` : text;
    el.title = el.getAttribute("datetime");
  }
}

// "just now", "2 min", "3 h", then the date: on <time data-relative>, with the
// exact time in the viewer's zone on hover (title) and for screen readers.
export function relativeText(when, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - when.getTime()) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h`;
  return new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }).format(when);
}

export function renderRelative(root) {
  for (const el of root.querySelectorAll("time[data-relative]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    const exact = formatter.format(when);
    el.textContent = relativeText(when);
    el.title = exact;
    el.setAttribute("aria-label", exact);
  }
}

function fillZones(root) {
  const params = new URLSearchParams(window.location.search);
  if (params.get("tz") || !zone) return;
  for (const input of root.querySelectorAll("input[data-viewer-tz]")) input.value = zone;
  for (const label of root.querySelectorAll("[data-viewer-tz-label]")) label.textContent = zone;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function countdownText(seconds) {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days) return `${plural(days, "day")} ${plural(hours, "hour")}`;
  if (hours) return `${plural(hours, "hour")} ${plural(minutes, "minute")}`;
  if (minutes) return `${plural(minutes, "minute")} ${plural(seconds % 60, "second")}`;
  return plural(seconds, "second");
}

function startCountdowns(root) {
  for (const el of root.querySelectorAll("[data-countdown]")) {
    const start = new Date(el.getAttribute("data-countdown")).getTime();
    const tick = () => {
      const left = Math.round((start - Date.now()) / 1000);
      if (left <= 0) {
        if (el.hasAttribute("data-room-link")) {
          // The room lives under the event page: /chats/<tag>/events/<id>/room/.
          const link = document.createElement("a");
          link.className = "button";
          link.href = `${window.location.pathname.replace(/\/?$/, "/")}room/`;
          link.textContent = "Join the live room";
          el.replaceChildren("Starting now. ", link);
        } else {
          el.textContent = "Starting now: reload the page to join.";
        }
        return;
      }
      el.textContent = `Starts in ${countdownText(left)}.`;
      setTimeout(tick, left > 3600 ? 60000 : 1000);
    };
    tick();
  }
}

rememberZone();
renderTimes(document);
renderRelative(document);
window.setInterval(() => renderRelative(document), 30000);
fillZones(document);
startCountdowns(document);

// If the directory was filtered without a zone, ask again with the browser's.
const params = new URLSearchParams(window.location.search);
const form = document.querySelector("form.chats-filter");
if (form && !params.get("tz") && (params.get("weekday") || params.get("time")) && zone) {
  params.set("tz", zone);
  window.location.replace(`${window.location.pathname}?${params}`);
}
