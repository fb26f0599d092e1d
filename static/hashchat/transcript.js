// Transcript pages load in parts: when the "Next part" link comes near the
// viewport, fetch that part's fragment and put it in the link's place. Without
// JavaScript the link simply opens the next part.
const parts = document.getElementById("transcript-parts");

function watch(link) {
  const observer = new IntersectionObserver(async (entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    const holder = link.closest(".t-more");
    try {
      const response = await fetch(link.dataset.fragment, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const template = document.createElement("template");
      template.innerHTML = await response.text();
      holder.replaceWith(template.content);
      const next = parts.querySelector(".t-more a[data-fragment]");
      if (next) watch(next);
    } catch (err) {
      link.textContent = "Could not load the next part; open it here";
    }
  }, { rootMargin: "800px" });
  observer.observe(link);
}

if (parts && "IntersectionObserver" in window) {
  const first = parts.querySelector(".t-more a[data-fragment]");
  if (first) watch(first);
}

// Question groups fold (<details>); print them all open, whatever the reader folded.
const folded = new Set();
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details.t-group-details:not([open])")) {
    folded.add(details);
    details.open = true;
  }
});
window.addEventListener("afterprint", () => {
  for (const details of folded) details.open = false;
  folded.clear();
});
