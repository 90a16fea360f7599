// The queue's bulk approval: a checkbox per row, "select all" per table, and one button
// sending the selection to POST /api/v1/approvals. The server checks each document
// as if approved alone; the page only says, per document, what it answered and why.
"use strict";

(() => {
  const bar = document.getElementById("bulk");
  if (!bar) return;
  const labels = JSON.parse(document.getElementById("bulk-labels").textContent);
  const button = document.getElementById("approve-selected");
  const summary = document.getElementById("bulk-summary");
  const count = document.getElementById("bulk-count");
  const picks = () => Array.from(document.querySelectorAll("input.pick"));
  const chosen = () => picks().filter((box) => box.checked && !box.disabled);

  function refresh() {
    const n = chosen().length;
    count.textContent = n ? `(${n})` : "";
    for (const all of document.querySelectorAll("input.pick-all")) {
      const boxes = Array.from(all.closest("table").querySelectorAll("input.pick:not(:disabled)"));
      all.checked = boxes.length > 0 && boxes.every((box) => box.checked);
      all.indeterminate = !all.checked && boxes.some((box) => box.checked);
    }
  }

  // A click on a row opens the document (web.js); a click on its checkbox only selects it.
  document.addEventListener("click", (event) => {
    const cell = event.target.closest && event.target.closest(".pick");
    if (!cell) return;
    event.stopPropagation();
    if (cell.tagName === "TD" && event.target === cell) {
      const box = cell.querySelector("input.pick");
      if (!box.disabled) box.checked = !box.checked;
      refresh();
    }
  }, true);
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("input.pick")) refresh();
  });
  for (const all of document.querySelectorAll("input.pick-all")) {
    all.addEventListener("change", () => {
      for (const box of all.closest("table").querySelectorAll("input.pick:not(:disabled)")) {
        box.checked = all.checked;
      }
      refresh();
    });
  }
  // X selects the row the keyboard is on (J / K move it).
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== "x" && event.key !== "X") return;
    const row = document.querySelector("#queue tbody tr.selected");
    const box = row && row.querySelector("input.pick");
    if (box && !box.disabled) {
      box.checked = !box.checked;
      refresh();
      event.preventDefault();
    }
  });

  function reasonOf(result) {
    const words = labels[`bulk_code_${result.code}`] || labels.bulk_code_other;
    const rules = (result.failing || []).map((f) => f.rule);
    return rules.length ? `${words}: ${rules.join(", ")}` : words;
  }

  function show(results) {
    const byId = new Map(picks().map((box) => [Number(box.value), box.closest("tr")]));
    const list = document.createElement("ul");
    let approved = 0;
    for (const result of results) {
      const row = byId.get(result.id);
      const name = row ? row.dataset.name : `#${result.id}`;
      const item = document.createElement("li");
      item.dataset.id = String(result.id);
      const what = document.createElement("b");
      item.append(what, " ", name, " — ");
      if (result.approved) {
        approved += 1;
        item.className = "approved";
        what.textContent = "✓";
        item.append(labels.bulk_approved);
        const state = labels[`bulk_status_${result.status}`];
        if (state) item.append(` (${state})`);
        if (row) {
          row.classList.add("done");
          const box = row.querySelector("input.pick");
          box.checked = false;
          box.disabled = true;
        }
      } else {
        item.className = "refused";
        item.dataset.code = result.code || "";
        what.textContent = "✗";
        item.append(`${labels.bulk_refused}: ${reasonOf(result)}`);
        // The server's words too, for the rule's own message.
        item.title = result.reason || "";
      }
      list.append(item);
    }
    const head = document.createElement("p");
    head.textContent = labels.bulk_summary
      .replace("{approved}", String(approved))
      .replace("{refused}", String(results.length - approved));
    summary.replaceChildren(head, list);
    summary.hidden = false;
  }

  button.addEventListener("click", async () => {
    const boxes = chosen();
    if (!boxes.length) {
      say(labels.bulk_none_selected, "warning");
      return;
    }
    button.disabled = true;
    say(labels.bulk_working, "");
    try {
      const result = await api("POST", "/api/v1/approvals", {
        documents: boxes.map((box) => ({ id: Number(box.value) })),
      });
      if (result.status === 200) {
        say("", "");
        show(result.data.results);
      } else {
        say(`${labels.bulk_failed} ${problemText(result.data)}`, "error");
      }
    } finally {
      button.disabled = false;
      refresh();
    }
  });
  refresh();
})();
