// Room items as markup: the same as templates/chats/_room_item.html, built from a
// room item (chats/room.py room_item) or a Status from the stream.
import { renderRelative } from "./localtime.js";

export function makeRenderer({ feed, base, canPost, isHost, hosts, csrf, questionPosts }) {
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
    const time = el("time", { datetime: shown.created_at, "data-relative": true, text: shown.created_at });
    meta.append(" ", el("a", { class: "when", href: `/posts/${shown.id}/` }, time));
    renderRelative(meta);
    article.append(meta);
    const context = replyContext(item);
    if (context) article.append(context);
    const body = el("div", { class: "post-body" });
    body.innerHTML = shown.content; // sanitised by the server (nh3)
    if (shown.spoiler_text) {
      // A content warning: the text stays folded until opened.
      const folded = el("details", { class: "content-warning" });
      folded.append(el("summary", { text: shown.spoiler_text }), body);
      article.append(folded);
    } else {
      article.append(body);
    }
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
    return article;
  }

  // A reply shows what it answers: the server says (reply_to), or the parent is on
  // the page, or a plain link.
  function replyContext(item) {
    const parentId = item.shown.in_reply_to_id;
    if (!parentId) return null;
    let context = item.reply_to;
    if (!context) {
      const parent = feed.querySelector(`.room-post[data-target="${parentId}"]`);
      if (parent) {
        const words = parent.querySelector(".post-body")?.textContent.replace(/\s+/g, " ").trim() || "";
        context = {
          id: parentId,
          acct: parent.querySelector(".handle")?.textContent.replace(/^@/, "") || "",
          excerpt: words.length > 90 ? `${words.slice(0, 89).trimEnd()}…` : words,
        };
      }
    }
    const line = el("p", { class: "reply-context" });
    const link = el("a", { href: `/posts/${parentId}/` }, context?.acct ? `↩ @${context.acct}` : "↩ In reply to a post");
    line.append(link);
    if (context?.excerpt) line.append(": ", el("q", { text: context.excerpt }));
    return line;
  }

  return { el, itemFrom, render };
}
