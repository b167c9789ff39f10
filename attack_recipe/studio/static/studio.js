// attack-recipe studio: the page. Plain JavaScript, no build step; every number shown comes from the
// JSON API (attack_recipe/studio/app.py). Text from the data is only ever set with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};
const pct = (p) => (100 * p).toFixed(1) + "%";

const state = {
  info: null, queue: [], example: null, text: "",
  undo: [], redo: [], history: [], openedAt: performance.now(),
  typing: false, typingTimer: null, scoreTimer: null, saliencyTimer: null,
  scoreSeq: 0, saliencySeq: 0, selected: null, validOnly: false, sessionStart: performance.now(),
};

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  let data;
  try { data = await response.json(); } catch (e) { data = {error: `HTTP ${response.status}`}; }
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

const elapsed = () => (performance.now() - state.openedAt) / 1000;
const record = (kind, extra = {}) => state.history.push({t: +elapsed().toFixed(1), kind, ...extra});

// ---------------------------------------------------------------- setup
async function start() {
  state.info = await api("/api/info");
  const info = state.info;
  $("model").textContent = `${info.model} · classes ${info.labels.join(" / ")}`;
  $("boundary").textContent = info.boundary;
  for (const node of document.querySelectorAll(".unsafe-name")) node.textContent = info.unsafe_class;
  for (const m of info.saliency_methods) $("saliency-method").append(el("option", {value: m, textContent: m}));
  for (const r of info.recipes) $("recipe").append(el("option", {value: r, textContent: r, selected: r === info.default_recipe}));
  if (!info.recipes.length) $("finish-button").disabled = true;
  for (const label of info.labels) {
    const unsafe = label === info.unsafe_class;
    const input = el("input", {type: "radio", name: "judgement", value: label});
    $("judgement-options").append(el("label", {}, input,
      unsafe ? ` still ${label} (the edit kept what makes it ${label})` : ` ${label} now (the edit changed what it says)`));
  }
  showEffort(info.effort);
  const queue = await api("/api/queue");
  state.queue = queue.examples;
  renderQueue();
  wire();
  if (state.queue.length) openExample(state.queue[0]); else refresh();
}

function showEffort(effort) {
  const session = ((performance.now() - state.sessionStart) / 60000).toFixed(1);
  const each = effort.minutes_per_adversarial === null ? "–" : effort.minutes_per_adversarial.toFixed(1);
  $("effort").textContent = `${effort.adversarial} adversarial of ${effort.saved} saved · ${each} min per adversarial example`;
  $("effort").title = `saved examples took ${effort.minutes} min in all; this page open ${session} min`;
  $("effort").dataset.adversarial = effort.adversarial;
}

function renderQueue() {
  const list = $("queue-list");
  list.replaceChildren();
  $("queue-count").textContent = `(${state.queue.length})`;
  for (const example of state.queue) {
    const item = el("li", {title: example.id},
      el("span", {className: "qscore", textContent: pct(example.score)}), example.text);
    item.dataset.id = example.id;
    if (example.done) item.classList.add("done");
    if (state.example && state.example.id === example.id) item.classList.add("current");
    item.addEventListener("click", () => openExample(example));
    list.append(item);
  }
}

function openExample(example) {
  state.example = example;
  state.undo = []; state.redo = []; state.history = []; state.openedAt = performance.now();
  state.text = example.text; $("text").value = example.text;
  $("example-meta").textContent = `${example.id} · dataset label ${example.label} · ` +
    `P(${state.info.unsafe_class}) at the start ${pct(example.score)}`;
  for (const input of document.querySelectorAll("input[name=judgement]")) input.checked = false;
  $("save-status").textContent = ""; $("finish-result").replaceChildren(); closeSuggestions();
  renderQueue(); refresh();
}

function wire() {
  $("text").addEventListener("input", onType);
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  $("reset").addEventListener("click", () => state.example && applyText(state.example.text, "type"));
  $("saliency-method").addEventListener("change", () => requestSaliency());
  $("finish-button").addEventListener("click", finishIt);
  $("save-button").addEventListener("click", save);
  updateButtons();
}

// ---------------------------------------------------------------- editing, undo / redo
function onType() {
  if (!state.typing) { state.undo.push(state.text); state.redo = []; state.typing = true; }
  state.text = $("text").value;
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => { state.typing = false; record("type", {text: state.text}); }, 1200);
  closeSuggestions();
  clearTimeout(state.scoreTimer); clearTimeout(state.saliencyTimer);
  state.scoreTimer = setTimeout(requestScore, 150);
  state.saliencyTimer = setTimeout(requestSaliency, 450);
  updateButtons();
}

function endTyping() {
  if (state.typing) { clearTimeout(state.typingTimer); state.typing = false; record("type", {text: state.text}); }
}

function applyText(text, kind, extra = {}) {
  endTyping();
  if (text === state.text) return;
  state.undo.push(state.text); state.redo = [];
  setText(text);
  record(kind, {text, ...extra});
}

function setText(text) {
  state.text = text; $("text").value = text;
  closeSuggestions(); refresh();
}

function undo() {
  endTyping();
  if (!state.undo.length) return;
  state.redo.push(state.text); setText(state.undo.pop()); record("undo", {text: state.text});
}

function redo() {
  if (!state.redo.length) return;
  state.undo.push(state.text); setText(state.redo.pop()); record("redo", {text: state.text});
}

function updateButtons() {
  $("undo").disabled = !state.undo.length && !state.typing;
  $("redo").disabled = !state.redo.length;
  $("reset").disabled = !state.example || state.text === state.example.text;
}

function refresh() { updateButtons(); requestScore(); requestSaliency(); }

// ---------------------------------------------------------------- live score
async function requestScore() {
  const seq = ++state.scoreSeq, text = state.text, began = performance.now();
  if (!text.trim()) { $("bars").replaceChildren(); $("status").textContent = ""; return; }
  try {
    const score = await api("/api/score", {text});
    if (seq !== state.scoreSeq) return;
    renderScore(score, performance.now() - began);
  } catch (e) { if (seq === state.scoreSeq) $("status").textContent = e.message; }
}

function renderScore(score, ms) {
  const bars = $("bars");
  bars.replaceChildren();
  for (const [label, p] of Object.entries(score.probabilities)) {
    const unsafe = label === score.unsafe_class;
    const track = el("div", {className: "track"}, el("div", {className: "fill", style: `width:${100 * p}%`}));
    if (unsafe && score.threshold !== null) {
      track.append(el("div", {className: "threshold", style: `left:${100 * score.threshold}%`,
        title: state.info.boundary}, el("span", {textContent: `threshold ${score.threshold}`})));
    }
    bars.append(el("div", {className: "bar" + (unsafe ? " unsafe" : "")},
      el("span", {textContent: label}), track, el("span", {className: "num", textContent: pct(p)})));
  }
  $("score-value").textContent = score.score.toFixed(4);
  $("status").textContent = score.flagged ? "flagged" : "passes the filter";
  $("status").className = "status " + (score.flagged ? "flagged" : "passes");
  $("status").dataset.flagged = score.flagged;
  $("latency").textContent = `· ${Math.round(ms)} ms`;
}

// ---------------------------------------------------------------- saliency
async function requestSaliency() {
  const seq = ++state.saliencySeq, text = state.text;
  if (!text.trim()) { $("words").replaceChildren(); return; }
  try {
    const result = await api("/api/saliency", {text, method: $("saliency-method").value});
    if (seq !== state.saliencySeq || text !== state.text) return;
    renderWords(text, result);
  } catch (e) { if (seq === state.saliencySeq) $("words").textContent = e.message; }
}

function renderWords(text, result) {
  const box = $("words");
  box.replaceChildren();
  const peak = Math.max(1e-9, ...result.words.map((w) => Math.abs(w.weight)));
  let pos = 0;
  result.words.forEach((w, index) => {
    box.append(text.slice(pos, w.start));
    const strength = Math.abs(w.weight) / peak;
    const colour = w.weight >= 0 ? `rgba(208,68,55,${0.75 * strength})` : `rgba(60,110,220,${0.75 * strength})`;
    const span = el("span", {className: "word", textContent: text.slice(w.start, w.end),
      title: `${result.method}: ${w.weight.toFixed(4)}`});
    span.style.background = colour;
    span.dataset.index = index;
    span.addEventListener("click", () => requestSuggestions(index, span));
    box.append(span);
    pos = w.end;
  });
  box.append(text.slice(pos));
  $("saliency-note").firstChild.textContent = result.method === "gradient"
    ? "Shading: gradient norm on the word's embedding (how much the victim leans on it). Click a word for replacements ranked by how much each lowers P("
    : "Shading: how much P(unsafe) drops without the word (red: pushes towards it, blue: away). Click a word for replacements ranked by how much each lowers P(";
}

// ---------------------------------------------------------------- suggestions
function closeSuggestions() { $("suggestions").replaceChildren(); state.selected = null; }

async function requestSuggestions(index, span) {
  endTyping();
  for (const node of document.querySelectorAll(".word.selected")) node.classList.remove("selected");
  span.classList.add("selected");
  const text = state.text, box = $("suggestions");
  state.selected = index;
  box.replaceChildren(el("p", {className: "muted small", textContent: `finding replacements for “${span.textContent}” …`}));
  try {
    const result = await api("/api/suggest", {text, word_index: index,
      original: state.example ? state.example.text : text});
    if (text !== state.text || state.selected !== index) return;
    renderSuggestions(result);
  } catch (e) { box.replaceChildren(el("p", {className: "error", textContent: e.message})); }
}

function renderSuggestions(result) {
  const box = $("suggestions");
  if (!result.suggestions.length) {
    box.replaceChildren(el("p", {className: "muted small",
      textContent: `no replacement for “${result.word}” from ${result.sources.join(", ")}`}));
    return;
  }
  const head = el("tr", {}, ...["replacement", `P(${state.info.unsafe_class})`, "change", "valid", "from"]
    .map((h) => el("th", {textContent: h})));
  const table = el("table", {}, head);
  for (const s of result.suggestions) {
    const delta = el("td", {className: "num " + (s.delta < 0 ? "down" : "up"),
      textContent: (s.delta >= 0 ? "+" : "") + s.delta.toFixed(4)});
    const verdict = el("td", {}, el("span", {className: s.valid ? "valid" : "invalid-mark",
      textContent: s.valid ? "✓ valid" : "✗"}));
    if (!s.valid) verdict.append(" ", el("span", {className: "reasons", textContent: s.reasons.join("; ")}));
    const scoreCell = el("td", {className: "num", textContent: s.score.toFixed(4)});
    if (!s.flagged) scoreCell.append(el("div", {className: "passes-mark", textContent: "passes"}));
    const row = el("tr", {className: "suggestion" + (s.valid ? "" : " invalid"), title: s.text},
      el("td", {className: "rep", textContent: s.replacement}), scoreCell, delta, verdict,
      el("td", {className: "small muted", textContent: s.sources.join(", ")}));
    row.dataset.text = s.text; row.dataset.score = s.score;
    row.addEventListener("click", () => applyText(s.text, "suggestion", {word_index: result.word_index,
      word: result.word, replacement: s.replacement, sources: s.sources, score: s.score}));
    table.append(row);
  }
  const valid = result.suggestions.filter((s) => s.valid).length;
  const only = el("input", {type: "checkbox", id: "valid-only", checked: state.validOnly});
  only.addEventListener("change", () => { state.validOnly = only.checked; filterSuggestions(); });
  box.replaceChildren(el("p", {className: "small muted", textContent:
    `“${result.word}”: ${result.suggestions.length} replacements (${valid} valid), most score-lowering first; click one to apply it · `},
    el("label", {}, only, " valid only")), table);
  filterSuggestions();
}

function filterSuggestions() {
  for (const row of document.querySelectorAll("#suggestions tr.suggestion")) {
    row.hidden = state.validOnly && row.classList.contains("invalid");
  }
}

// ---------------------------------------------------------------- finish it for me
async function finishIt() {
  endTyping();
  const recipe = $("recipe").value, text = state.text, box = $("finish-result");
  const limits = state.info.finish;
  $("finish-button").disabled = true;
  box.replaceChildren(el("p", {className: "muted small",
    textContent: `running ${recipe} from the current text (at most ${limits.time_limit} s, ${limits.query_budget} queries) …`}));
  try {
    const result = await api("/api/finish", {text, recipe, original: state.example ? state.example.text : text});
    if (result.text === null) {
      box.replaceChildren(el("p", {className: "small", textContent:
        `${recipe}: ${result.status} (${result.reason || "no text found"}) after ${result.queries} queries, ${result.seconds} s`}));
      return;
    }
    const diff = el("div", {className: "diff"});
    for (const seg of result.diff) {
      diff.append(seg.kind === "same" ? seg.text : el("span", {className: seg.kind, textContent: seg.text}));
    }
    const verdict = result.valid ? el("span", {className: "valid", textContent: "✓ valid"})
      : el("span", {className: "invalid-mark", textContent: "✗ " + result.reasons.join("; ")});
    const use = el("button", {id: "use-finish", textContent: "Use this text"});
    use.addEventListener("click", () => applyText(result.text, "finish", {recipe}));
    box.replaceChildren(
      el("p", {className: "small", textContent: `${recipe} found this in ${result.seconds} s (${result.queries} queries): ` +
        `P(${state.info.unsafe_class}) ${result.score.score.toFixed(4)}, ${result.score.flagged ? "still flagged" : "passes the filter"}, `}, verdict),
      diff, use);
  } catch (e) {
    box.replaceChildren(el("p", {className: "error", textContent: e.message}));
  } finally { $("finish-button").disabled = false; }
}

// ---------------------------------------------------------------- save
function trimmedHistory(limit) {
  // keep the saved body under the server's cap: drop the texts of the oldest steps first
  const history = state.history.map((h) => ({...h}));
  for (const h of history) {
    if (JSON.stringify(history).length < limit) break;
    delete h.text;
  }
  return history.slice(-state.info.limits.max_history);
}

async function save() {
  endTyping();
  const chosen = document.querySelector("input[name=judgement]:checked");
  const status = $("save-status");
  if (!chosen) { status.className = "small error"; status.textContent = "Say whether the text is still " +
    `${state.info.unsafe_class}: your judgement is required.`; return; }
  const original = state.example ? state.example.text : state.text;
  const body = {example_id: state.example ? state.example.id : null, original, text: state.text,
    label: chosen.value, history: trimmedHistory(state.info.limits.max_body_bytes * 0.8), seconds: +elapsed().toFixed(1)};
  $("save-button").disabled = true;
  try {
    const result = await api("/api/save", body);
    const r = result.record;
    status.className = "small saved";
    status.textContent = `saved to ${result.out}: ` + (r.adversarial ? "an adversarial example (still " +
      `${r.unsafe_class}, passes the filter)` : (r.still_unsafe ? "still flagged, so not adversarial yet"
      : `labelled ${r.label}`)) + `; ${(r.seconds / 60).toFixed(1)} min` + (r.verdict.valid ? "" :
      `; the judge says: ${r.verdict.reasons.join("; ")}`);
    status.dataset.saved = "1";
    showEffort(result.effort);
    if (state.example) { state.example.done = true; renderQueue(); }
  } catch (e) {
    status.className = "small error"; status.textContent = "not saved: " + e.message + " (your text is still here)";
  } finally { $("save-button").disabled = false; }
}

start().catch((e) => { document.body.prepend(el("p", {className: "error", textContent: "studio: " + e.message})); });
