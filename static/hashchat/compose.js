// Live character counter for compose boxes: any <textarea data-max-chars> with an
// aria-describedby counter element. The form works the same without it; the
// server checks the length again.

const counted = (text) => [...text.replace(/\r\n/g, "\n").trim()].length;

function attach(textarea) {
  const max = Number(textarea.dataset.maxChars);
  const ids = (textarea.getAttribute("aria-describedby") || "").split(/\s+/);
  const counter = ids.map((id) => document.getElementById(id)).find((el) => el && el.classList.contains("counter"));
  if (!max || !counter) return;
  // The counter is read with the field (aria-describedby); a separate live region
  // speaks only near and over the limit, not on every keystroke.
  counter.removeAttribute("aria-live");
  const announcer = document.createElement("span");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  counter.after(announcer);
  const stepOf = (left) => (left < 0 ? "over" : [0, 10, 20, 50].find((n) => left <= n));
  let lastStep = stepOf(max - counted(textarea.value));
  const form = textarea.form;
  const button = form ? form.querySelector("button[type=submit]") : null;
  const update = () => {
    const left = max - counted(textarea.value);
    counter.textContent = left >= 0
      ? `${left} character${left === 1 ? "" : "s"} left`
      : `${-left} character${left === -1 ? "" : "s"} too many`;
    counter.classList.toggle("over", left < 0);
    if (left < 0) {
      textarea.setAttribute("aria-invalid", "true");
      textarea.dataset.overLimit = "1";
    } else if (textarea.dataset.overLimit) {
      // Only undo what this counter set; an error from the server stays marked.
      textarea.removeAttribute("aria-invalid");
      delete textarea.dataset.overLimit;
    }
    if (button) button.disabled = left < 0;
    const step = stepOf(left);
    if (step !== lastStep && step !== undefined) announcer.textContent = counter.textContent;
    lastStep = step;
  };
  textarea.addEventListener("input", update);
  update();
}

document.querySelectorAll("textarea[data-max-chars]").forEach(attach);
