// One document under review: its page image beside its fields. Every change goes through
// the JSON API with the document's version; the answer (the document as stored) re-renders
// the rules, confidences and version, so the page never guesses what the server decided.
"use strict";

(() => {
  const root = document.getElementById("review");
  const labels = JSON.parse(document.getElementById("labels").textContent);
  // What the page calls each field (by path without list indices) and each rule's message
  // per language, as parts filled from a result's `values` (see rules/engine.py).
  const fieldLabels = JSON.parse(document.getElementById("field-labels").textContent);
  const ruleMessages = JSON.parse(document.getElementById("rule-messages").textContent);
  const lang = document.body.dataset.lang;
  const low = Number(root.dataset.low);
  const documentUrl = `/api/v1/documents/${root.dataset.id}`;
  let record = JSON.parse(document.getElementById("record").textContent);
  let pages = [];
  let pageNumber = 1;
  let boxedPath = null;

  // --- numbers as the office writes them ----------------------------------------------------

  function formatNumber(text) {
    if (text === null || text === undefined || text === "") return "";
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text));
    if (!match) return String(text);
    const [group, point] = lang === "vi" ? [".", ","] : [",", "."];
    const whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, group);
    return match[1] + whole + (match[3] !== undefined ? point + match[3] : "");
  }

  // What was typed, back to the record's form: `1.234.567,5` (vi) or `1,234,567.5` (en) is
  // "1234567.5". Anything else goes as typed, and the API says what is wrong with it.
  function parseNumber(text) {
    const compact = text.replace(/[\s\u00a0]/g, "");
    if (compact === "") return null;
    const [group, point] = lang === "vi" ? [".", ","] : [",", "."];
    return compact.split(group).join("").replace(point, ".");
  }

  // The amount as typed, checked: in Vietnamese `1.234.567`, `1.234.567,5` or `1234567`; in
  // English `1,234,567.5` or `1234567.5`. Null for anything else, which the page refuses in
  // words before sending.
  function checkedNumber(text) {
    const compact = text.replace(/[\s\u00a0]/g, "");
    const grouped = lang === "vi" ? /^-?\d{1,3}(\.\d{3})+(,\d+)?$/ : /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;
    const plain = lang === "vi" ? /^-?\d+(,\d+)?$/ : /^-?\d+(\.\d+)?$/;
    if (!grouped.test(compact) && !plain.test(compact)) return null;
    return parseNumber(compact);
  }

  // --- dates: dd/mm/yyyy on the Vietnamese pages, YYYY-MM-DD on the English ones; either
  // is accepted on both (day first: these are Vietnamese offices). The API keeps ISO dates.

  function formatDate(iso) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso));
    if (!match || lang !== "vi") return String(iso);
    return `${match[3]}/${match[2]}/${match[1]}`;
  }

  function formatMonth(iso) {
    const match = /^(\d{4})-(\d{2})$/.exec(String(iso));
    if (!match || lang !== "vi") return String(iso);
    return `${match[2]}/${match[1]}`;
  }

  // `05/03/2026`, `5/3/2026`, `05-03-2026`, `05.03.2026` or `2026-03-05` as `2026-03-05`;
  // null for anything else or a day the calendar does not have (31/02).
  function parseDate(text) {
    let day, month, year;
    let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
    if (match) [, day, month, year] = match.map(Number);
    else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text))) [, year, month, day] = match.map(Number);
    else return null;
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return null;
    }
    return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }

  function parseMonth(text) {
    let month, year;
    let match = /^(\d{1,2})[/.-](\d{4})$/.exec(text);
    if (match) [, month, year] = match.map(Number);
    else if ((match = /^(\d{4})-(\d{1,2})$/.exec(text))) [, year, month] = match.map(Number);
    else return null;
    if (month < 1 || month > 12) return null;
    return `${year}-${String(month).padStart(2, "0")}`;
  }

  // --- paths: `seller.tax_id`, `parties[0].name` --------------------------------------------

  const tokens = (path) => path.match(/[^.[\]]+/g).map((t) => (/^\d+$/.test(t) ? Number(t) : t));

  function valueAt(path) {
    let value = record.fields;
    for (const token of tokens(path)) {
      if (value === null || value === undefined) return null;
      value = value[token];
    }
    return value === undefined ? null : value;
  }

  // What the page calls a path: `Bên 2 · Tên` for `parties[1].name` (as api/web_labels.py
  // `field_label` does for the form).
  function fieldName(path) {
    const key = path.replace(/\[\d+\]/g, "");
    const name = fieldLabels[`${record.doc_type}:${key}`] || fieldLabels[key];
    if (!name) return path;
    const item = /\[(\d+)\]/.exec(path);
    if (!item) return name;
    const group = path.slice(0, item.index);
    return `${fieldLabels[group] || group} ${Number(item[1]) + 1} · ${name}`;
  }

  // A coded value (a clause, a payment method, a party's role) by its name in the page's
  // language, and a name typed back as its code; anything else as it is.
  const valueName = (key, code) => fieldLabels[`${key}=${code}`] || code;

  function valueCode(key, text) {
    const prefix = `${key}=`;
    const wanted = text.toLocaleLowerCase();
    const found = Object.keys(fieldLabels).find((name) =>
      name.startsWith(prefix) && fieldLabels[name].toLocaleLowerCase() === wanted);
    return found ? found.slice(prefix.length) : text;
  }

  function display(kind, value, path = "") {
    if (value === null || value === undefined) return "";
    const key = path.replace(/\[\d+\]/g, "");
    if (kind === "money") return formatNumber(value);
    // Counts and years: the decimal sign of the page's language, no grouping (2019, not 2.019).
    if (kind === "number") return lang === "vi" ? String(value).replace(".", ",") : String(value);
    if (kind === "date") return formatDate(value);
    if (kind === "month") return formatMonth(value);
    if (kind === "list") return value.map((item) => valueName(key, item)).join("; ");
    if (kind === "text") return valueName(key, String(value));
    return String(value);
  }

  // The value to send, or the problem with what was typed, in words.
  function readBack(input) {
    const text = input.value.trim();
    const kind = input.dataset.kind;
    const key = (input.dataset.path || "").replace(/\[\d+\]/g, "");
    if (text === "" && ["money", "number", "date", "month"].includes(kind)) return { value: null };
    switch (kind) {
      case "money": {
        const value = checkedNumber(text);
        return value === null ? { problem: labels.bad_number } : { value };
      }
      case "number": {
        const value = checkedNumber(text);
        return value === null ? { problem: labels.bad_number } : { value: Number(value) };
      }
      case "date": {
        const value = parseDate(text);
        return value === null ? { problem: labels.bad_date } : { value };
      }
      case "month": {
        const value = parseMonth(text);
        return value === null ? { problem: labels.bad_month } : { value };
      }
      case "bool": return { value: text === "true" };
      case "list": {
        const items = text.split(";").map((s) => s.trim()).filter((s) => s !== "");
        return { value: items.map((item) => valueCode(key, item)) };
      }
      default: return { value: text === "" ? null : valueCode(key, text) };
    }
  }

  // A 422's list of values that do not fit, in words (pydantic's own text would show a
  // regular expression): each value by the name the form gives it.
  const PROBLEM_WORDS = {
    int_parsing: "bad_whole",
    int_from_float: "bad_whole",
    float_parsing: "bad_number",
    decimal_parsing: "bad_number",
    literal_error: "bad_choice",
    enum: "bad_choice",
    extra_forbidden: "unknown_field",
  };

  function problemWords(data) {
    if (!data || !Array.isArray(data.detail)) return problemText(data);
    return data.detail.map((problem) => {
      const loc = (problem.loc || []).filter((part) => !["body", "fields", "changes", "item"].includes(part));
      const path = loc.reduce((text, part) =>
        (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part), "");
      const input = [...document.querySelectorAll(".field")].find((i) => i.dataset.path === path);
      let key = PROBLEM_WORDS[problem.type] || "bad_value";
      if (problem.type === "string_pattern_mismatch") {
        const kind = input ? input.dataset.kind : "";
        key = { date: "bad_date", month: "bad_month", money: "bad_number", number: "bad_number" }[kind] ||
          (/date$|deadline$|_date$/.test(path) ? "bad_date" : "bad_value");
      }
      return `${path ? fieldName(path) : ""}${path ? ": " : ""}${labels[key]}`;
    }).join(" ");
  }

  // --- rendering from the record -------------------------------------------------------------

  function markConfidence(row, path) {
    const cell = row.querySelector(".conf");
    const confidence = record.confidence[path];
    const isLow = confidence !== undefined && confidence < low;
    row.classList.toggle("low", isLow);
    if (cell) {
      cell.textContent = confidence === undefined ? "" : confidence.toFixed(2);
      cell.title = isLow ? labels.low_confidence : "";
    }
  }

  // --- what reviewers' corrections taught ---------------------------------------------------

  // The memories that read this record's values, by id: who taught them, on which document
  // (null: forgotten since).
  const learnedNotes = JSON.parse(document.getElementById("learned").textContent);

  // A value read where an earlier correction of this sender's layout taught: a badge naming
  // the memory, linking to the document it was learned on. The word says it, not a colour.
  function learnedBadge(path) {
    const where = record.provenance[path];
    const memoryId = where && where.learned_from;
    if (!memoryId) return null;
    const note = learnedNotes[String(memoryId)];
    const from = note && note.learned_from_document_id;
    const badge = document.createElement(from ? "a" : "span");
    badge.className = "learned";
    badge.id = `learned-${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    badge.dataset.memory = String(memoryId);
    badge.textContent = `${labels.learned} #${memoryId}`;
    let about = `${labels.learned_help} #${memoryId}`;
    if (!note) {
      about += ` (${labels.memory_forgotten})`;
    } else {
      if (from) {
        about += `, ${labels.learned_from} #${from}`;
        badge.href = `/review/${from}`;
      }
      about += ` ${labels.learned_by} ${note.learned_by}`;
    }
    badge.title = about;
    badge.setAttribute("aria-label", `${badge.textContent}: ${about}`);
    return badge;
  }

  function markLearned(input) {
    const slot = input.closest("tr").querySelector(".learned-slot");
    const badge = learnedBadge(input.dataset.path);
    if (slot) slot.replaceChildren(...(badge ? [badge] : []));
    if (badge) input.setAttribute("aria-describedby", badge.id);
    else input.removeAttribute("aria-describedby");
  }

  // Fields corrected on each of the sender's recent documents, oldest first; this document's
  // count is marked in words and weight for screen readers and eyes alike.
  function renderCurve(points) {
    const holder = document.getElementById("curve-values");
    if (!holder) return;
    holder.replaceChildren();
    for (const point of points) {
      const item = document.createElement("a");
      item.href = `/review/${point.document_id}`;
      item.dataset.document = String(point.document_id);
      item.textContent = String(point.corrected_fields);
      item.title = `${point.corrected_fields} ${labels.curve_point} #${point.document_id}`;
      if (point.document_id === record.id) {
        item.className = "this";
        item.setAttribute("aria-current", "page");
        item.title += ` (${labels.curve_this})`;
      }
      item.setAttribute("aria-label", item.title);
      const entry = document.createElement("li");
      entry.append(item);
      holder.append(entry);
    }
  }

  async function refreshCurve() {
    const holder = document.getElementById("curve");
    if (!holder) return;
    const sender = encodeURIComponent(holder.dataset.sender);
    const result = await api("GET", `/api/v1/senders/${sender}/learning-curve`);
    if (result.status === 200) renderCurve(result.data.points);
  }

  const ORDER = { error: 0, warning: 1, info: 2 };

  // Expressions whose values are amounts, shown as the office writes numbers.
  const AMOUNT = /^(subtotal|vat_amount|total|total_value|\$line_sum\(\)|\$line_vat\(\)|\$words_to_amount\(.*\)|\$params\.limit)$|[+*/]/;

  function shownValue(expression, text) {
    if (text === "(missing)") return labels.value_missing;
    if (expression === "$missing()") return text.split(", ").map(fieldName).join(", ");
    const coded = ["clauses", "sensitive_data"].find((key) => new RegExp(`\\b${key}\\b`).test(expression));
    if (coded) return text.split(", ").map((item) => valueName(coded, item)).join(", ");
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return formatDate(text);
    if (AMOUNT.test(expression)) return formatNumber(text);
    return text;
  }

  function filled(parts, values, show) {
    let text = "";
    for (const part of parts) {
      if (typeof part === "string") text += part;
      else if (values[part.value] === undefined) return null;
      else text += show(part.value, values[part.value]);
    }
    return text;
  }

  // A failing rule's message in the reviewer's language: written from the rule's template
  // and the values the result names, when the English template gives back exactly the
  // message the server wrote (so the result is this rule's message, not one that could not
  // be checked); otherwise the server's text as it is.
  function ruleMessage(rule, message = rule.message) {
    const templates = ruleMessages[rule.rule];
    const values = rule.values || {};
    if (templates && templates.en && filled(templates.en, values, (_, text) => text) === message) {
      const local = templates[lang] && filled(templates[lang], values, shownValue);
      if (local) return local;
    }
    const unchecked = /^could not be checked (.*)$/.exec(message);
    if (unchecked && lang !== "en") return `${labels.rule_unchecked} ${unchecked[1]}`;
    return message;
  }

  function renderRules() {
    const list = document.getElementById("rules");
    list.replaceChildren();
    // Failing first, errors before warnings; passing ones after, so the work is on top.
    const rules = [...record.rules].sort((a, b) =>
      (a.passed - b.passed) || ((ORDER[a.severity] ?? 3) - (ORDER[b.severity] ?? 3)));
    if (rules.length && rules.every((r) => r.passed)) {
      const li = document.createElement("li");
      li.className = "all-pass";
      li.textContent = labels.all_rules_pass;
      list.append(li);
    }
    for (const rule of rules) {
      const li = document.createElement("li");
      li.dataset.rule = rule.rule;
      li.className = `${rule.passed ? "passed" : "failed"} ${rule.severity}`;
      const state = document.createElement("b");
      const severity = labels[`severity_${rule.severity}`] || rule.severity;
      state.textContent = rule.passed ? labels.passed : `${labels.failed} (${severity})`;
      const name = document.createElement("code");
      name.textContent = rule.rule;
      name.translate = false;  // an identifier, the same in every language
      li.append(state, " ", name);
      if (!rule.passed && rule.message) li.append(" — ", ruleMessage(rule));
      list.append(li);
    }
  }

  function renderLines() {
    const table = document.getElementById("lines");
    if (!table) return;
    const columns = table.dataset.columns.split(",");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    (record.fields.line_items || []).forEach((item, index) => {
      const row = document.createElement("tr");
      const number = document.createElement("th");
      number.textContent = String(index + 1);
      row.append(number);
      for (const column of columns) {
        const path = `line_items[${index}].${column}`;
        const cell = document.createElement("td");
        const input = document.createElement("input");
        const money = ["quantity", "unit_price", "amount"].includes(column);
        input.className = `field${money ? " num" : ""}`;
        input.dataset.path = path;
        input.dataset.kind = money ? "money" : "text";
        input.dataset.line = String(index);
        input.dataset.key = column;
        input.setAttribute("aria-label", `${labels.line_item} ${index + 1} · ${fieldName(`line_items.${column}`)}`);
        input.autocomplete = "off";
        input.value = display(input.dataset.kind, item[column]);
        const confidence = record.confidence[path];
        if (confidence !== undefined) {
          input.title = `${labels.confidence} ${confidence.toFixed(2)}`;
          cell.classList.toggle("low", confidence < low);
        }
        cell.append(input);
        const badge = learnedBadge(path);
        if (badge) {
          cell.append(badge);
          input.setAttribute("aria-describedby", badge.id);
        }
        row.append(cell);
      }
      const last = document.createElement("td");
      if (root.dataset.canDecide === "true" && record.status === "review") {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove-line";
        remove.dataset.line = String(index);
        remove.textContent = "×";
        remove.title = `${labels.remove_line} ${index + 1}`;
        remove.setAttribute("aria-label", remove.title);
        last.append(remove);
      }
      row.append(last);
      body.append(row);
    });
  }

  // Segregation of duties: what the invoice still needs, and the approver's button when
  // this user may give the second approval (the server decides whether they really may).
  function renderApproval() {
    const holder = document.getElementById("approval");
    const state = record.approval;
    const canSecond = holder.dataset.canSecond === "true";
    const parts = [];
    if (state.awaiting_second) {
      parts.push(labels.awaiting_second);
    } else if (state.required > 1 && record.status === "review") {
      const why = state.amounts_changed_by.length
        ? `${labels.amounts_changed} ${state.amounts_changed_by.join(", ")}`
        : labels.over_threshold;
      parts.push(`${labels.needs_two} ${why}`);
    }
    if (state.given.length) {
      parts.push(`${labels.approved_by} ${state.given.map((a) => `${a.actor} (${a.step})`).join(", ")}`);
    }
    holder.textContent = parts.join(" · ");
    holder.title = state.reasons.join("; ");
    holder.hidden = parts.length === 0;
    holder.classList.toggle("awaiting", state.awaiting_second);
    document.getElementById("second-approval").hidden = !(state.awaiting_second && canSecond);
  }

  // The types a reviewer may choose, as the page lists them (the reassign-type API's).
  const typeSelect = document.getElementById("doc-type");
  const choosableTypes = [...typeSelect.options].map((option) => option.value).filter(Boolean);

  function typeKnown() {
    return choosableTypes.includes(record.doc_type);
  }

  // The decisions this document's status allows, for a user who may take them.
  function renderActions() {
    const canDecide = root.dataset.canDecide === "true";
    const inReview = record.status === "review";
    const approveButton = document.getElementById("approve");
    approveButton.hidden = !(canDecide && inReview);
    // An unknown document cannot be approved (the server refuses it too): say why.
    approveButton.disabled = !typeKnown();
    approveButton.title = typeKnown() ? "" : labels.type_needed;
    const typeNeeded = inReview && !typeKnown();
    document.getElementById("type-needed").hidden = !typeNeeded;
    // Described by the reason only while it shows: a screen reader reads a hidden one too.
    if (typeNeeded) approveButton.setAttribute("aria-describedby", "type-needed");
    else approveButton.removeAttribute("aria-describedby");
    // A type can be chosen while the document is in review, or after reading it failed.
    document.getElementById("type-chooser").hidden =
      !(canDecide && (inReview || record.status === "failed"));
    renderTypeChoice();
    // A failed document can be rejected too: there is nothing to read in it.
    document.getElementById("reject").hidden = !(canDecide &&
      (inReview || record.status === "failed" || record.approval.awaiting_second));
    document.getElementById("reopen").hidden =
      !(canDecide && ["approved", "posted", "rejected"].includes(record.status));
    const addLine = document.getElementById("add-line");
    if (addLine) addLine.hidden = !(canDecide && inReview);
  }

  // A foreign invoice printing no rate: the rate table's of its date, which approving posts
  // at; accepting it writes it into the invoice's exchange rate field.
  function renderRateProposal() {
    const holder = document.getElementById("rate-proposal");
    if (!holder) return;
    const proposal = record.exchange_rate_proposal;
    holder.hidden = !proposal;
    if (!proposal) return;
    const kind = labels[`rate_kind_${proposal.kind}`] || proposal.kind;
    document.getElementById("rate-proposal-text").textContent =
      `${labels.rate_proposed} ${formatNumber(proposal.rate)} (${proposal.source}, ${kind}, ${formatDate(proposal.day)})`;
    document.getElementById("rate-accept").hidden =
      !(root.dataset.canDecide === "true" && record.status === "review");
  }

  function acceptRate() {
    const proposal = record.exchange_rate_proposal;
    const input = document.querySelector('#fields .field[data-path="exchange_rate"]');
    if (!proposal || !input) return;
    input.value = display("money", proposal.rate, "exchange_rate");
    save(input);
  }

  // The tax portal marks the invoice cancelled, replaced or adjusted: it does not post until
  // a reviewer decides it stands, with a reason.
  function openPortalFlag() {
    return (record.portal_flags || []).find((flag) => !flag.cleared_at);
  }

  function renderPortalFlag() {
    const holder = document.getElementById("portal-flag");
    const open = openPortalFlag();
    const decided = (record.portal_flags || []).filter((flag) => flag.cleared_at);
    const parts = [];
    if (open) {
      parts.push(`${labels.portal_flag} ${labels[`portal_status_${open.portal_status}`] || open.portal_status}. ${labels.portal_flag_help}`);
    }
    for (const flag of decided) {
      parts.push(`${labels[`portal_status_${flag.portal_status}`] || flag.portal_status}: ${labels.portal_decided} ${flag.cleared_by} (${flag.clear_reason})`);
    }
    document.getElementById("portal-flag-text").textContent = parts.join(" · ");
    holder.hidden = parts.length === 0;
    document.getElementById("portal-decide").hidden = !(open && root.dataset.canDecide === "true");
  }

  async function clearPortalFlag() {
    const reason = document.getElementById("portal-reason");
    if (reason.value.trim().length < 3) {
      say(labels.portal_reason_needed, "error");
      reason.focus();
      return;
    }
    const result = await api("POST", `${documentUrl}/portal-decision`, { reason: reason.value.trim() });
    if (result.status === 200) reason.value = "";
    answer(result, labels.portal_cleared);
  }

  function renderTypeChoice() {
    document.getElementById("read-as").disabled =
      typeSelect.value === "" || typeSelect.value === record.doc_type;
  }

  function render() {
    document.getElementById("version").textContent = record.version;
    const status = document.getElementById("status");
    status.textContent = labels[`status_${record.status}`] || record.status;
    status.dataset.status = record.status;
    renderApproval();
    renderActions();
    renderRateProposal();
    renderPortalFlag();
    renderRules();
    for (const input of document.querySelectorAll("#fields .field")) {
      const value = valueAt(input.dataset.path);
      if (input.dataset.kind === "bool") input.value = value ? "true" : "false";
      else input.value = display(input.dataset.kind, value, input.dataset.path);
      markConfidence(input.closest("tr"), input.dataset.path);
      markLearned(input);
    }
    renderLines();
    if (boxedPath) drawBox(boxedPath);
  }

  // --- the page image and provenance boxes -------------------------------------------------

  const image = document.getElementById("page-image");
  const box = document.getElementById("box");

  function showPage(number) {
    if (!pages.length) return;
    pageNumber = Math.max(1, Math.min(pages.length, number));
    const size = pages[pageNumber - 1];
    const holder = document.getElementById("page");
    // Sharp on this screen without sending more pixels than it shows; quarter steps keep
    // the server's cache small.
    const wanted = (holder.clientWidth * (window.devicePixelRatio || 1)) / size.width_points;
    const scale = Math.min(4, Math.max(0.25, Math.ceil(wanted * 4) / 4));
    const source = `${documentUrl}/pages/${pageNumber}.png?scale=${scale}`;
    if (image.getAttribute("src") !== source) image.src = source;
    document.getElementById("page-number").textContent = pageNumber;
  }

  function drawBox(path) {
    boxedPath = path;
    const where = record.provenance[path];
    if (!where || !pages.length) { box.hidden = true; return; }
    if (where.page !== pageNumber) showPage(where.page);
    if (!image.complete || !image.naturalWidth) {
      image.addEventListener("load", () => drawBox(path), { once: true });
      return;
    }
    // Boxes are in PDF points from the top-left; the image is shown at this many pixels each.
    const scale = image.clientWidth / pages[pageNumber - 1].width_points;
    const [x0, top, x1, bottom] = where.bbox;
    Object.assign(box.style, {
      left: `${image.offsetLeft + x0 * scale - 2}px`,
      top: `${image.offsetTop + top * scale - 2}px`,
      width: `${(x1 - x0) * scale + 4}px`,
      height: `${(bottom - top) * scale + 4}px`,
    });
    box.dataset.path = path;
    box.hidden = false;
    box.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  // A click on the page focuses the field read there (the smallest box holding the point).
  function fieldAt(event) {
    if (!pages.length) return null;
    const rect = image.getBoundingClientRect();
    const scale = rect.width / pages[pageNumber - 1].width_points;
    const x = (event.clientX - rect.left) / scale;
    const y = (event.clientY - rect.top) / scale;
    let best = null;
    let bestArea = Infinity;
    for (const input of document.querySelectorAll(".field")) {
      const where = record.provenance[input.dataset.path];
      if (!where || where.page !== pageNumber) continue;
      const [x0, top, x1, bottom] = where.bbox;
      const area = (x1 - x0) * (bottom - top);
      if (x >= x0 && x <= x1 && y >= top && y <= bottom && area < bestArea) {
        best = input;
        bestArea = area;
      }
    }
    return best;
  }

  async function loadPages() {
    const result = await api("GET", `${documentUrl}/pages`);
    if (result.status !== 200 || !result.data.pages.length) {
      document.getElementById("page").hidden = true;
      document.getElementById("no-pages").hidden = false;
      return;
    }
    pages = result.data.pages;
    document.getElementById("page-count").textContent = pages.length;
    document.getElementById("pager").hidden = pages.length < 2;
    showPage(1);
    // A field focused while the sizes were on their way gets its box now.
    if (boxedPath) drawBox(boxedPath);
  }

  // --- saving and approving ------------------------------------------------------------------

  async function answer(result, doneText) {
    if (result.status === 200 || result.status === 201) {
      record = result.data;
      render();
      say(doneText, "ok");
      refreshCurve();
    } else if (result.status === 403) {
      say(`${labels.not_allowed} ${problemText(result.data)}`, "error");
    } else if (result.status === 409) {
      // The label says it all; the server's English detail only on English pages.
      say(lang === "en" ? `${labels.stale} (${problemText(result.data)})` : labels.stale, "error");
    } else if (result.status === 422 && result.data && result.data.failing) {
      // The refusal ran the rules again and kept their results, which moves the document to
      // a new version: read it before anything else is typed, or the next save is refused
      // as made on an old version.
      const fresh = await api("GET", documentUrl);
      if (fresh.status === 200) {
        record = fresh.data;
        render();
      }
      record.rules = record.rules.map((rule) => ({
        ...rule,
        passed: rule.passed && !result.data.failing.some((f) => f.rule === rule.rule),
      }));
      renderRules();
      // Written in the reviewer's language from the values this page last had for the rule.
      const known = Object.fromEntries(record.rules.map((rule) => [rule.rule, rule]));
      const messages = result.data.failing.map((f) => ruleMessage(known[f.rule] || f, f.message));
      say(`${labels.refused} ${messages.join("; ")}`, "error");
    } else if (result.status === 422) {
      say(`${labels.invalid} ${problemWords(result.data)}`, "error");
    } else {
      say(`${labels.error} ${result.status} ${problemText(result.data)}`, "error");
    }
  }

  async function save(input) {
    const typed = readBack(input);
    if (typed.problem) {
      const name = input.dataset.line !== undefined
        ? fieldName(`line_items.${input.dataset.key}`) : fieldName(input.dataset.path);
      say(`${labels.invalid} ${name}: ${typed.problem}`, "error");
      return;
    }
    const value = typed.value;
    let result;
    if (input.dataset.line !== undefined) {
      result = await api("PATCH", `${documentUrl}/line-items/${input.dataset.line}`, {
        version: record.version,
        changes: { [input.dataset.key]: value },
      });
    } else {
      const [top, ...rest] = tokens(input.dataset.path);
      let change = value;
      if (rest.length) {
        // Lists replace as a whole: send the field with this one value changed.
        change = structuredClone(record.fields[top] ?? {});
        let holder = change;
        for (const token of rest.slice(0, -1)) holder = holder[token];
        holder[rest[rest.length - 1]] = value;
      }
      result = await api("PATCH", documentUrl, { version: record.version, fields: { [top]: change } });
    }
    answer(result, labels.saved);
  }

  async function approve() {
    if (record.status === "review" && !typeKnown()) {
      say(labels.type_needed, "error");
      return;
    }
    if (record.status === "review" && openPortalFlag()) {
      // The server refuses it too (409): say why in the reviewer's words, and where to decide.
      say(labels.portal_flag_help, "error");
      document.getElementById("portal-reason").focus();
      return;
    }
    if (record.approval.awaiting_second) {
      await secondApproval();
      return;
    }
    const result = await api("POST", `${documentUrl}/approve`, { version: record.version });
    const waiting = result.status === 200 && result.data.approval.awaiting_second;
    answer(result, waiting ? labels.approved_awaiting : labels.approved);
  }

  // Read the document again as the chosen type: it leaves review until the workers are done.
  async function readAsType() {
    const chosen = typeSelect.value;
    if (!chosen || chosen === record.doc_type) return;
    // A known type's reading, with any corrections on it, is replaced by the new one.
    if (typeKnown() && !window.confirm(labels.confirm_reassign)) return;
    const result = await api("POST", `${documentUrl}/type`, { version: record.version, doc_type: chosen });
    if (result.status === 202) {
      record = result.data;
      render();
      say(`${labels.type_reassigned} ${labels[`type_${chosen}`]}.`, "ok");
    } else {
      answer(result, "");
    }
  }

  async function secondApproval() {
    const result = await api("POST", `${documentUrl}/second-approval`, { version: record.version });
    answer(result, labels.second_given);
  }

  async function reject() {
    const reason = window.prompt(labels.reject_reason);
    if (reason === null || reason.trim() === "") return;
    const result = await api("POST", `${documentUrl}/reject`, {
      version: record.version,
      reason: reason.trim(),
    });
    answer(result, labels.rejected);
  }

  async function reopen() {
    const reason = window.prompt(labels.reopen_reason);
    if (reason === null) return;
    const body = { version: record.version };
    if (reason.trim() !== "") body.reason = reason.trim();
    answer(await api("POST", `${documentUrl}/reopen`, body), labels.reopened);
  }

  async function addLine() {
    const result = await api("POST", `${documentUrl}/line-items`, { version: record.version, item: {} });
    answer(result, labels.line_added);
    if (result.status === 201) {
      const lines = document.querySelectorAll("#lines tbody tr");
      const first = lines.length && lines[lines.length - 1].querySelector("input");
      if (first) first.focus();
    }
  }

  async function removeLine(index) {
    if (!window.confirm(`${labels.confirm_remove} ${index + 1}?`)) return;
    const result = await api("DELETE", `${documentUrl}/line-items/${index}`, { version: record.version });
    answer(result, labels.line_removed);
  }

  function go(id) {
    if (id) window.location.assign(`/review/${id}`);
  }

  document.addEventListener("focusin", (event) => {
    const input = event.target.closest && event.target.closest(".field");
    if (!input) return;
    document.querySelectorAll(".active").forEach((el) => el.classList.remove("active"));
    (input.closest("tr") || input).classList.add("active");
    drawBox(input.dataset.path);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      approve();
      return;
    }
    const input = event.target.closest && event.target.closest(".field");
    if (event.key === "Enter" && input) {
      event.preventDefault();
      save(input);
      return;
    }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "J") go(root.dataset.next);
    if (event.key === "k" || event.key === "K") go(root.dataset.previous);
  });
  document.getElementById("approve").addEventListener("click", approve);
  const rateAccept = document.getElementById("rate-accept");
  if (rateAccept) rateAccept.addEventListener("click", acceptRate);
  document.getElementById("portal-clear").addEventListener("click", clearPortalFlag);
  typeSelect.addEventListener("change", renderTypeChoice);
  document.getElementById("read-as").addEventListener("click", readAsType);
  document.getElementById("second-approval").addEventListener("click", secondApproval);
  document.getElementById("reject").addEventListener("click", reject);
  document.getElementById("reopen").addEventListener("click", reopen);
  const addLineButton = document.getElementById("add-line");
  if (addLineButton) addLineButton.addEventListener("click", addLine);
  const linesTable = document.getElementById("lines");
  if (linesTable) {
    linesTable.addEventListener("click", (event) => {
      const remove = event.target.closest && event.target.closest("button.remove-line");
      if (remove) removeLine(Number(remove.dataset.line));
    });
  }
  // The date picker beside each date field: it opens on the field's date, and the chosen
  // day is written into the field in the page's form and saved.
  for (const button of document.querySelectorAll("button.pick-date")) {
    const input = document.getElementById(button.dataset.for);
    const picker = document.querySelector(`input.date-picker[data-for="${button.dataset.for}"]`);
    button.addEventListener("click", () => {
      picker.value = parseDate(input.value.trim()) || "";
      if (typeof picker.showPicker === "function") picker.showPicker();
      else picker.click();
    });
    picker.addEventListener("change", () => {
      if (!picker.value) return;
      input.value = formatDate(picker.value);
      input.focus();
      save(input);
    });
  }
  document.getElementById("page").addEventListener("click", (event) => {
    const input = fieldAt(event);
    if (input) input.focus();
  });
  document.getElementById("page-previous").addEventListener("click", () => showPage(pageNumber - 1));
  document.getElementById("page-next").addEventListener("click", () => showPage(pageNumber + 1));
  window.addEventListener("resize", () => { if (boxedPath) drawBox(boxedPath); });

  render();
  renderCurve(JSON.parse(document.getElementById("curve-points").textContent));
  loadPages();
})();
