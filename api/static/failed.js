// The failed view: retry, read again as another type, or reject each failed document,
// through the API with the session (web.js's `api`). A document acted on leaves the list:
// it is no longer failed.
"use strict";

function setUpFailed(table) {
  const words = table.dataset;
  const done = (row, text) => {
    row.remove();
    say(text, "ok");
  };
  const refused = (result) => say(`${words.notAllowed} ${problemText(result.data)}`, "error");
  const url = (row, action) => `/api/v1/documents/${row.dataset.id}/${action}`;

  table.querySelectorAll("tbody tr").forEach((row) => {
    const version = Number(row.dataset.version);
    row.querySelector("button.retry").addEventListener("click", async () => {
      const result = await api("POST", url(row, "retry"), { version });
      if (result.status === 202) done(row, words.retried);
      else refused(result);
    });
    const select = row.querySelector("select.doc-type");
    const readAs = row.querySelector("button.read-as");
    if (select && readAs) {
      select.addEventListener("change", () => { readAs.disabled = select.value === ""; });
      readAs.addEventListener("click", async () => {
        const chosen = select.options[select.selectedIndex].text;
        const result = await api("POST", url(row, "type"), { version, doc_type: select.value });
        if (result.status === 202) done(row, `${words.reassigned} ${chosen}.`);
        else refused(result);
      });
    }
    const reject = row.querySelector("button.reject");
    if (reject) {
      reject.addEventListener("click", async () => {
        const reason = window.prompt(words.rejectReason);
        if (!reason) return;
        const result = await api("POST", url(row, "reject"), { reason, version });
        if (result.status === 200) done(row, words.rejected);
        else refused(result);
      });
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("failed");
  if (table) setUpFailed(table);
});
