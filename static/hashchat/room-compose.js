// The room's compose box: what you type is what is posted. The box holds the
// answer label ("A2 ") and the hashtag, so the count is of the whole post;
// nothing is cut or added behind the writer's back. Over the limit it says why
// and does not send. Ctrl/Cmd+Enter posts. A new question never changes the
// "Answering" choice while someone is writing: it is offered instead.

const el = (tag, attrs = {}, text = "") => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
};

const LABEL = /^\s*A\d+\b\s?/i;

export function setUpCompose({ room, compose, feed, say, send, place }) {
  const text = compose.querySelector("textarea");
  const counter = document.getElementById("compose-counter");
  const error = document.getElementById("compose-error");
  const replyField = compose.querySelector('input[name="in_reply_to"]');
  const replying = document.getElementById("replying");
  const answer = document.getElementById("compose-answer");
  const limit = Number(room.dataset.maxChars) || 500;
  const tag = `#${room.dataset.tag}`;
  const hasTag = (value) => new RegExp(`(^|\\s)${tag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}_])`, "iu").test(value);
  const count = (value) => [...value].length;

  // The box says what it holds; the hint under the label says so too.
  text.removeAttribute("maxlength"); // a paste beyond the limit is never cut silently
  const hint = document.getElementById("compose-hint");
  if (hint) hint.textContent = `(what you see is what is posted, ${tag} included)`;

  const labelFor = () => (answer && answer.value && !replyField.value ? `A${answer.value} ` : "");
  // Nothing written yet: only the label and the hashtag in the box.
  const pristine = () => {
    const body = text.value.replace(LABEL, "").trim();
    return body === "" || body.toLowerCase() === tag.toLowerCase();
  };

  // What the server will post for the box as it is (the rules of chats.room.compose_text).
  const posted = () => {
    if (pristine()) return "";
    let value = text.value.replace(/\r\n/g, "\n").trim();
    const label = labelFor();
    if (label && !LABEL.test(value)) value = `${label}${value}`;
    if (!hasTag(value)) value = `${value} ${tag}`;
    return value;
  };

  counter.removeAttribute("aria-live");
  const voice = el("span", { class: "visually-hidden", "aria-live": "polite" });
  counter.after(voice);
  const stepOf = (left) => (left < 0 ? "over" : [0, 10, 20, 50].find((n) => left <= n));
  let lastStep = "first";
  const update = () => {
    const value = posted();
    const left = limit - count(value);
    const added = value && !hasTag(text.value) ? ` (with ${tag}, added at the end)` : "";
    counter.textContent = left >= 0
      ? `${left} character${left === 1 ? "" : "s"} left${added}`
      : `${-left} character${left === -1 ? "" : "s"} too many: shorten the post to send it${added}`;
    counter.classList.toggle("over", left < 0);
    text.setAttribute("aria-invalid", String(left < 0));
    const step = stepOf(left);
    if (lastStep !== "first" && step !== lastStep && step !== undefined) voice.textContent = counter.textContent;
    lastStep = step;
    return left;
  };

  // Put the label and the hashtag in the box, keeping what was written; the caret
  // goes after the label.
  const refill = (caret = true) => {
    const label = labelFor();
    let body = text.value.replace(LABEL, "").trim();
    if (!body || body.toLowerCase() === tag.toLowerCase()) body = ` ${tag}`;
    else if (!hasTag(body)) body = `${body} ${tag}`;
    text.value = `${label}${body}`;
    if (caret) text.setSelectionRange(label.length, label.length);
    update();
  };

  const offer = el("p", { class: "question-offer", hidden: "" });
  answer?.closest(".compose-row")?.after(offer);

  const reset = () => {
    text.value = "";
    refill(false);
  };
  reset();

  text.addEventListener("input", update);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      compose.requestSubmit();
    }
  });
  answer?.addEventListener("change", () => {
    offer.hidden = true;
    refill(document.activeElement === text);
  });

  compose.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const left = update();
    if (!posted()) {
      error.textContent = "Write something first.";
      error.hidden = false;
      text.focus();
      return;
    }
    if (left < 0) {
      error.textContent = `The post is ${-left} character${left === -1 ? "" : "s"} over the limit of ${limit} (${tag} included): shorten it to send it.`;
      error.hidden = false;
      text.focus();
      return;
    }
    const body = new FormData(compose);
    body.set("text", text.value);
    try {
      const data = await send(compose.action, body);
      place(data.item);
      replyField.value = "";
      replying.hidden = true;
      if (answer) answer.disabled = false;
      reset();
      say("Posted");
    } catch (problem) {
      error.textContent = problem.message;
      error.hidden = false;
    }
  });

  const endReply = () => {
    replyField.value = "";
    replying.hidden = true;
    if (answer) answer.disabled = false;
    refill(true);
    text.focus();
  };
  compose.querySelector(".cancel-reply")?.addEventListener("click", endReply);
  feed.addEventListener("click", (event) => {
    const link = event.target.closest(".reply-link");
    if (!link) return;
    event.preventDefault();
    replyField.value = link.dataset.reply;
    replying.querySelector(".reply-handle").textContent = `@${link.dataset.handle}`;
    replying.hidden = false;
    // A reply answers a post, not a question: no label.
    if (answer) answer.disabled = true;
    text.value = text.value.replace(LABEL, "");
    refill(false);
    text.focus();
    text.setSelectionRange(0, 0);
  });

  return {
    // A new question was asked: switch to it only when nothing is being written.
    questionAsked(question) {
      if (!answer || String(answer.value) === String(question.number)) return;
      if (pristine() && document.activeElement !== text && !replyField.value) {
        answer.value = String(question.number);
        refill(false);
        return;
      }
      offer.replaceChildren(`Q${question.number} has been asked. `);
      const button = el("button", { type: "button", class: "secondary" }, `Answer Q${question.number} instead`);
      button.addEventListener("click", () => {
        answer.value = String(question.number);
        offer.hidden = true;
        refill(true);
        text.focus();
      });
      offer.append(button);
      offer.hidden = false;
    },
  };
}
