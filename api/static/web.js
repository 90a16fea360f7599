// Shared by every page: the API helper that sends the session's CSRF token, sign-in and
// sign-out, the upload form and the queue's keyboard. No framework, no build step.
"use strict";

function csrfToken() {
  // The login's answer also sets it as a readable cookie: state-changing requests echo it.
  const found = document.cookie.split("; ").find((c) => c.startsWith("bo_csrf="));
  return found ? decodeURIComponent(found.slice("bo_csrf=".length)) : "";
}

async function api(method, url, body) {
  const headers = { "X-CSRF-Token": csrfToken() };
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof URLSearchParams)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  return { status: response.status, data };
}

// A refusal as a person can read it: FastAPI's 422 lists each bad value with its path.
function problemText(data) {
  if (!data) return "";
  if (Array.isArray(data.detail)) {
    return data.detail
      // The path as the form labels it: `total`, not `body.fields.total`.
      .map((p) => `${(p.loc || []).filter((part) => !["body", "fields"].includes(part))
        .join(".")}: ${p.msg}`)
      .join("; ");
  }
  return String(data.detail || "");
}

function say(text, kind) {
  const box = document.getElementById("message");
  if (!box) return;
  box.textContent = text;
  box.className = kind || "";
}

function setUpLogin(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("POST", "/login", new URLSearchParams(new FormData(form)));
    if (result.status === 200) {
      window.location.assign(form.dataset.next || "/");
    } else if (result.status === 429) {
      say(form.dataset.locked, "error");
    } else {
      say(form.dataset.failed, "error");
    }
  });
}

// Why an upload was refused, in the page's language: the API's refusals by their status (and,
// for 422, whether the file was empty or its name was refused); anything else as sent.
function uploadProblem(form, result) {
  if (result.status === 413) return form.dataset.tooLarge;
  if (result.status === 409) return form.dataset.retry;
  if (result.status === 422 && result.data && Array.isArray(result.data.detail)) {
    const empty = result.data.detail.some((p) => /^empty file/.test(p.msg || ""));
    return empty ? form.dataset.empty : form.dataset.badName;
  }
  return `${result.status} ${problemText(result.data)}`;
}

function setUpUpload(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("POST", "/api/v1/documents", new FormData(form));
    if (result.status === 201) {
      say(`${form.dataset.uploaded} ${result.data.id}`, "ok");
      form.reset();
    } else if (result.status === 200) {
      say(`${form.dataset.duplicate} ${result.data.id}`, "warning");
    } else {
      say(`${form.dataset.error} ${uploadProblem(form, result)}`, "error");
    }
  });
}

function typing(event) {
  const target = event.target;
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

function setUpQueue(table) {
  const rows = Array.from(table.querySelectorAll("tbody tr"));
  let selected = 0;
  const select = (index) => {
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === selected));
    rows[selected].focus();
  };
  rows.forEach((row, i) => {
    row.addEventListener("click", () => window.location.assign(row.dataset.href));
    row.addEventListener("focus", () => { if (selected !== i) select(i); });
  });
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "J") { select(selected + 1); event.preventDefault(); }
    if (event.key === "k" || event.key === "K") { select(selected - 1); event.preventDefault(); }
    if (event.key === "Enter") { window.location.assign(rows[selected].dataset.href); }
  });
  if (rows.length) select(0);
}

// On a phone a table's rows become cards (web.css); each cell shows its column's header,
// copied here so rows a script adds later (line items) are labelled too.
function labelCells(table) {
  const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
  const label = () => {
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.cells).forEach((cell, i) => {
        if (!cell.dataset.label && heads[i]) cell.dataset.label = heads[i];
      });
    }
  };
  label();
  new MutationObserver(label).observe(table, { childList: true, subtree: true });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("#queue, #awaiting, #lines, table.stack").forEach(labelCells);
  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      await api("POST", "/logout");
      window.location.assign("/login");
    });
  }
  const login = document.getElementById("login");
  if (login) setUpLogin(login);
  const upload = document.getElementById("upload");
  if (upload) setUpUpload(upload);
  const queue = document.getElementById("queue");
  if (queue) setUpQueue(queue);
});
