// The exercise server's pages: forms post JSON to the API; pages poll and reload when the exercise moves on.
"use strict";

async function send(method, url, body) {
  const options = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    const detail = data && typeof data.detail === "string" ? data.detail : "the server said " + response.status;
    throw new Error(detail);
  }
  return data;
}

function showError(box, error) {
  if (!box) { return; }
  box.textContent = error.message;
  box.hidden = false;
}

function wireJoin() {
  const form = document.getElementById("join-form");
  if (!form) { return; }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await send("POST", "/api/join", { name: form.elements.name.value });
      window.location.assign("/trainee");
    } catch (error) {
      showError(form.querySelector(".error"), error);
      button.disabled = false;
    }
  });
}

function wireAnswers() {
  for (const form of document.querySelectorAll("form.answer-form")) {
    const kind = form.elements.kind;
    const status = form.elements.status;
    const filter = () => {  // offer only the statuses a finding of the chosen kind can have
      for (const group of status.querySelectorAll("optgroup")) {
        const show = !kind.value || group.dataset.kind === kind.value;
        group.hidden = !show;
        group.disabled = !show;
      }
      if (status.selectedOptions.length && status.selectedOptions[0].parentElement.disabled) { status.value = ""; }
    };
    kind.addEventListener("change", filter);
    filter();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const answer = { move: Number(form.dataset.move), paragraph: form.elements.paragraph.value,
                       kind: kind.value, subject: form.elements.subject.value };
      if (status.value) { answer.status = status.value; }
      if (form.elements.due.value) { answer.due = form.elements.due.value; }
      try {
        await send("POST", "/api/answers", answer);
        window.location.reload();
      } catch (error) {
        showError(form.querySelector(".error"), error);
        button.disabled = false;
      }
    });
  }
  for (const button of document.querySelectorAll("button.withdraw")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await send("DELETE", "/api/answers/" + button.dataset.answer);
        window.location.reload();
      } catch (error) {
        button.disabled = false;
        window.alert(error.message);
      }
    });
  }
}

function wireControls() {
  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      const body = button.dataset.event ? { event_id: button.dataset.event } : undefined;
      try {
        await send("POST", button.dataset.action, body);
        window.location.reload();
      } catch (error) {
        showError(document.querySelector(".controls .error"), error);
        button.disabled = false;
      }
    });
  }
}

function poll() {
  const state = document.getElementById("state");
  if (!state) { return; }
  const seconds = Number(document.body.dataset.poll) || 3;
  const live = document.getElementById("live");
  setInterval(async () => {
    try {
      const now = await send("GET", "/api/state");
      if (String(now.move) !== state.dataset.move || String(now.closed) !== state.dataset.closed) {
        const busy = document.activeElement && document.activeElement.closest("form");
        if (!busy) { window.location.reload(); return; }
      }
      if (live) {
        const response = await fetch(live.dataset.src, { credentials: "same-origin" });
        if (response.ok) { live.innerHTML = await response.text(); }
      }
    } catch (error) {
      // the server may be restarting: try again at the next tick
    }
  }, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  wireJoin();
  wireAnswers();
  wireControls();
  poll();
});
