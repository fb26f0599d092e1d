// The notifications page marks what it showed as read once it has loaded: a POST,
// since viewing (a GET) changes nothing. Without JavaScript, "Mark as read" does it.
const form = document.querySelector("form[data-mark-read]");
if (form) {
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  }).then((response) => {
    if (response.ok) form.hidden = true;
  });
}
