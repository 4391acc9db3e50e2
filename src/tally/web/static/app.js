// tally's pages: fetch the JSON API, draw tables and plotly charts. No build step.
"use strict";

const tally = (() => {
  const $ = (sel) => document.querySelector(sel);

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
    }
    return node;
  }

  function number(x) {
    if (x === null || x === undefined) return "";
    return Number.isInteger(x) ? x.toLocaleString("en-US") : x.toLocaleString("en-US", { maximumFractionDigits: 4 });
  }

  async function getJSON(url, options) {
    const response = await fetch(url, options);
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail));
    return body;
  }

  function showError(message) {
    const box = $("#error");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  function draw(id, figure) {
    const node = document.getElementById(id);
    if (!node) return;
    if (!figure) { node.replaceChildren(); return; }
    Plotly.react(node, figure.data, { ...figure.layout, autosize: true }, { displaylogo: false, responsive: true });
  }

  function table(headers, rows) {
    return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => (c instanceof Node ? el("td", {}, c) : el("td", {}, c)))))));
  }

  function roundsTable(outcome) {
    const rounds = outcome.rounds;
    const headers = ["candidate", ...rounds.map((r) => (rounds.length > 1 ? `round ${r.round}` : r.note || "score"))];
    const rows = outcome.candidates
      .filter((c) => rounds.some((r) => c in r.tally))
      .map((c) => [c, ...rounds.map((r) => {
        if (!(c in r.tally)) return "";
        const mark = r.elected.includes(c) ? " ✓" : r.eliminated.includes(c) ? " ✗" : "";
        return number(r.tally[c]) + mark;
      })]);
    if (rounds.some((r) => r.continuing !== null)) {
      rows.push(["continuing ballots", ...rounds.map((r) => number(r.continuing))]);
      const reasons = [...new Set(rounds.flatMap((r) => Object.keys(r.inactive)))];
      for (const reason of reasons) rows.push([`inactive: ${reason}`, ...rounds.map((r) => number(r.inactive[reason] || 0))]);
    }
    return table(headers, rows);
  }

  function catalogue() {
    const input = $("#search");
    const flag = $("#flag");
    function filter() {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      const wanted = flag ? flag.value : "";
      let shown = 0;
      for (const row of document.querySelectorAll("#datasets tbody tr")) {
        const flags = (row.dataset.flags || "").split(" ").filter(Boolean);
        const hit = words.every((w) => row.dataset.text.includes(w))
          && (!wanted || (wanted === "any" ? flags.length > 0 : flags.includes(wanted)));
        row.hidden = !hit;
        shown += hit ? 1 : 0;
      }
      $("#none").hidden = shown > 0;
    }
    input.addEventListener("input", filter);
    if (flag) flag.addEventListener("change", filter);
  }

  async function contest(dataset, ranked, seats = 1) {
    const select = $("#rule");
    async function load() {
      showError("");
      $("#winner").textContent = "…";
      try {
        const data = await getJSON(`/ui/contest?dataset=${encodeURIComponent(dataset)}&rule=${encodeURIComponent(select.value)}`);
        const outcome = data.outcome;
        $("#winner-label").textContent = outcome.winners.length > 1 ? "Winners" : "Winner";
        $("#winner").textContent = outcome.winners.join(", ") || "none";
        $("#tied").textContent = outcome.tied ? "(tied)" : "";
        $("#rules-line").textContent = data.rules_line;
        $("#ties").replaceChildren(...outcome.ties.map((t) =>
          el("p", {}, `Tie ${t.round ? "in round " + t.round + " " : ""}between ${t.tied.join(", ")} (${t.purpose}): ${t.mode} chose ${t.chosen.join(", ")}. ${t.detail}`)));
        $("#rounds").replaceChildren(roundsTable(outcome));
        draw("sankey", data.figures.sankey);
        draw("bars", data.figures.bars);
        if (ranked) draw("pairwise", data.figures.pairwise);
        history.replaceState(null, "", `?rule=${encodeURIComponent(select.value)}`);
      } catch (err) {
        $("#winner").textContent = "—";
        showError(err.message);
      }
    }
    select.addEventListener("change", load);
    await load();
    if (ranked) {
      try {
        // a contest for several seats is compared with the rules that fill that many
        const many = seats > 1 ? `&seats=${seats}` : "";
        const report = await getJSON(`/api/compare?dataset=${encodeURIComponent(dataset)}${many}`);
        $("#condorcet").textContent = report.condorcet_winner
          ? `Condorcet winner: ${report.condorcet_winner}`
          : `No Condorcet winner; Smith set: ${report.smith_set.join(", ")}`;
        const rows = Object.entries(report.results).map(([rule, r]) =>
          [rule, r.error ? "—" : r.winners.join(", "), r.error ? r.error : r.tied ? "tied" : ""]);
        $("#compare").replaceChildren(table(["rule", "winner(s)", ""], rows));
      } catch (err) {
        showError(err.message);
      }
    }
  }

  function scenarioFromForm(form) {
    const lines = [];
    for (const row of form.querySelectorAll(".transfer")) {
      const share = Number(row.querySelector("[name=share]").value);
      const from = row.querySelector("[name=from]").value;
      const to = row.querySelector("[name=to]").value;
      const where = row.querySelector("[name=in]").value.trim();
      if (share > 0 && from !== to) {
        lines.push(`"${from}" -> ${to === "abstain" ? "abstain" : `"${to}"`} ${share}%${where ? " in " + where : ""}`);
      }
    }
    const off = form.querySelector("[name=off]").value;
    if (off) {
      const where = form.querySelector("[name=off_in]").value.trim();
      lines.push(`"${off}" off ballot${where ? " in " + where : ""}`);
    }
    const allocation = form.querySelector("[name=allocation]").value;
    if (allocation !== "wta") lines.push(`allocation ${allocation}`);
    for (const line of form.querySelector("[name=text]").value.split("\n")) if (line.trim()) lines.push(line.trim());
    return lines;
  }

  async function ec(dataset) {
    const form = $("#whatif");
    async function show(scenario) {
      showError("");
      try {
        const data = await getJSON("/ui/ec", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ dataset, scenario, faithless: form.querySelector("[name=faithless]").value }),
        });
        const r = data.result;
        $("#electors-line").textContent = r.electors_line;
        $("#ev-total").textContent = Object.entries(r.electoral_votes).sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${c} ${n}`).join(" · ");
        $("#winner").textContent = r.winner || (r.contingent ? "no majority: the House decides" : "none");
        $("#flipped").textContent = (r.flipped || []).length
          ? "Changed: " + r.flipped.map((f) => `${f.area} (${f.electoral_votes}) ${f.from} → ${f.to}`).join("; ")
          : "";
        draw("map", data.figures.map);
        draw("evbar", data.figures.bar);
        document.body.dataset.ready = String(Date.now());
      } catch (err) {
        showError(err.message);
      }
    }
    for (const range of form.querySelectorAll("input[type=range]")) {
      range.addEventListener("input", () => { range.nextElementSibling.textContent = `${range.value}%`; });
    }
    form.addEventListener("submit", (event) => { event.preventDefault(); show(scenarioFromForm(form)); });
    form.querySelector("[name=faithless]").addEventListener("change", () => show(scenarioFromForm(form)));
    $("#reset").addEventListener("click", () => { form.reset(); form.querySelectorAll("output").forEach((o) => { o.textContent = "0%"; }); show([]); });
    await show([]);
    try {
      const electors = encodeURIComponent(form.querySelector("[name=faithless]").value);
      const spoilers = await getJSON(`/api/spoilers?dataset=${encodeURIComponent(dataset)}&faithless=${electors}`);
      const rows = spoilers.rows.filter((r) => r.break_even !== undefined ? r.break_even <= 1 : true).slice(0, 60)
        .map((r) => [r.area, r.candidate, r.winner, r.runner_up, number(r.margin), number(r.votes),
          r.break_even === null || r.break_even === undefined ? "—" : (100 * r.break_even).toFixed(2) + "%"]);
      $("#spoilers").replaceChildren(table(["state", "minor candidate", "winner", "runner-up", "margin", "minor votes", "break-even net transfer"], rows));
      const margins = await getJSON(`/api/margins?dataset=${encodeURIComponent(dataset)}&faithless=${electors}`);
      const tip = margins.tipping_point;
      const lines = [
        el("p", {}, tip ? `Tipping point: ${tip.area}` : "No tipping point."),
        el("p", {}, margins.to_win ? `Fewest votes switched to change the winner: ${number(margins.to_win.votes)} in ${margins.to_win.areas.join(", ")}` : ""),
      ];
      $("#margins").replaceChildren(...lines);
    } catch (err) {
      showError(err.message);
    }
  }

  function upload() {
    const form = $("#upload");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError("");
      $("#result").hidden = true;
      $("#rounds").replaceChildren();
      const body = new FormData();
      for (const [k, v] of new FormData(form).entries()) if (v !== "") body.append(k, v);
      try {
        const outcome = await getJSON("/api/count", { method: "POST", body });
        $("#winner").textContent = outcome.winners.join(", ") || "none";
        $("#rules-line").textContent = outcome.counted_under.line;
        $("#result").hidden = false;
        $("#rounds").replaceChildren(roundsTable(outcome));
      } catch (err) {
        showError(err.message);
      }
    });
  }

  function simulate() {
    const form = $("#simulate");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError("");
      const data = new FormData(form);
      const spec = {
        electorate: data.get("electorate"),
        candidates: Number(data.get("candidates")),
        voters: Number(data.get("voters")),
        elections: Number(data.get("elections")),
        seed: Number(data.get("seed")),
        rules: data.getAll("rules"),
      };
      try {
        let job = await getJSON("/api/simulate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(spec) });
        const bar = $("#progress");
        bar.hidden = false;
        while (job.status === "queued" || job.status === "running") {
          bar.max = job.progress.total || 1;
          bar.value = job.progress.done;
          $("#status").textContent = `${job.status}: ${job.progress.done}/${job.progress.total} chunks`;
          await new Promise((resolve) => setTimeout(resolve, 400));
          job = await getJSON(`/api/runs/${job.id}`);
        }
        bar.value = bar.max;
        if (job.status === "failed") throw new Error(job.error);
        $("#status").textContent = `done · run ${job.id}`;
        const m = job.result.metrics;
        $("#paradox").textContent = `Condorcet paradox: ${(100 * m.condorcet_paradox).toFixed(2)}% of ${job.result.elections} elections`;
        const figures = await getJSON(`/ui/simulation-figures/${job.id}`);
        const charts = $("#charts");
        charts.replaceChildren();
        for (const [name, figure] of Object.entries(figures)) {
          const div = el("div", { id: `chart-${name}`, class: "chart" });
          charts.append(div);
          draw(div.id, figure);
        }
      } catch (err) {
        showError(err.message);
      }
    });
  }

  return { catalogue, contest, ec, upload, simulate, el, number, table, getJSON, showError };
})();
