// kejiju — own script, for enhancement only: every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Today's date in the bureau's format on the home page.
  const today = document.querySelector("[data-testid=today]");
  if (today) {
    const d = new Date();
    today.textContent = document.documentElement.lang === "en"
      ? d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })
      : `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
  }
  // Ask before an action marked as needing confirmation.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }
  // Keep a double click from submitting a form twice.
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", () => {
      for (const b of form.querySelectorAll("button[type=submit]")) {
        setTimeout(() => { b.disabled = true; }, 0);
      }
    });
  }
});
