// The audit page: fetch /api/rla and draw the assertions and the pruned elimination tree.
"use strict";

const tallyAudit = (() => {
  const { el } = tally; // the pages' element builder (app.js)
  const $ = (sel) => document.querySelector(sel);

  const number = (x) => (x === null || x === undefined ? "" : x.toLocaleString("en-US", { maximumFractionDigits: 2 }));
  const size = (n) => (n === null ? "full count" : n.toLocaleString("en-US"));

  function describe(a) {
    if (a.type === "NEB") return `${a.winner} NEB ${a.loser}`;
    if (a.type === "NEN") return `${a.winner} NEN ${a.loser} | {${a.continuing.join(", ")}}`;
    return `${a.winner} beats ${a.loser}`;
  }

  function assertionsTable(rows) {
    const head = ["#", "assertion", "margin", "diluted", "difficulty", "comparison", "polling"];
    const body = rows.map((a, i) => el("tr", { id: `assertion-${i + 1}` },
      el("td", {}, i + 1), el("td", {}, describe(a)), el("td", {}, number(a.margin)),
      el("td", {}, `${(100 * a.diluted_margin).toFixed(2)}%`), el("td", {}, number(a.difficulty)),
      el("td", {}, size(a.ballot_comparison)), el("td", {}, size(a.ballot_polling))));
    return el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))), el("tbody", {}, ...body));
  }

  function treeNode(node, depth) {
    const label = el("span", { class: "suffix" }, "… " + node.suffix.join(" → "));
    if (node.pruned_by.length) {
      const marks = node.pruned_by.map((k) => el("a", { href: `#assertion-${k}`, class: "pruned" }, `#${k}`));
      return el("li", { class: "leaf" }, label, " ✗ ruled out by ", ...marks.flatMap((m, i) => (i ? [", ", m] : [m])));
    }
    const details = el("details", depth < 1 ? { open: "" } : {}, el("summary", {}, label));
    details.append(el("ul", {}, ...node.children.map((c) => treeNode(c, depth + 1))));
    return el("li", {}, details);
  }

  async function show(dataset, rule) {
    const params = new URLSearchParams({ dataset, tree: "true",
      risk_limit: $("#risk-limit").value, error_rate: $("#error-rate").value });
    if (rule) params.set("rule", rule);
    const box = $("#error");
    try {
      const response = await fetch(`/api/rla?${params}`);
      const plan = await response.json();
      if (!response.ok) throw new Error(plan.detail || response.statusText);
      box.hidden = true;
      draw(plan);
    } catch (err) {
      box.textContent = err.message;
      if (!rule && err.message.includes("--rule irv")) {
        box.append(" ", el("a", { href: `?rule=irv` }, "Audit the IRV count of these ballots"));
      }
      box.hidden = false;
      $("#audit-winner").textContent = "—";
    }
    $("#audit-form").onsubmit = (event) => { event.preventDefault(); show(dataset, rule); };
  }

  function draw(plan) {
    if (plan.kind === "by_area") {
      $("#audit-winner").textContent = "one contest per area";
      const rows = plan.areas.filter((a) => !a.error).map((a) => ({ ...a.assertions.reduce((x, y) => (x.margin < y.margin ? x : y)),
        ballot_comparison: a.sample_size.ballot_comparison, ballot_polling: a.sample_size.ballot_polling }));
      $("#assertions").replaceChildren(assertionsTable(rows));
      $("#audit-summary").textContent = `${size(plan.sample_size.ballot_comparison)} ballots by comparison over all areas`;
      return;
    }
    $("#audit-winner").textContent = plan.winner ?? plan.winners.join(", ");
    const s = plan.sample_size;
    $("#audit-summary").textContent = `Smallest margin ${number(plan.margin)} of ${number(plan.ballots)} ballots `
      + `(${(100 * plan.diluted_margin).toFixed(2)}%). Expected sample at a ${100 * s.risk_limit}% risk limit: `
      + `${size(s.ballot_comparison)} ballots by ballot-level comparison, ${size(s.ballot_polling)} by ballot polling.`;
    $("#audit-notes").textContent = plan.counted_under.line;
    $("#assertions").replaceChildren(assertionsTable(plan.assertions));
    $("#audit-methods").textContent = `${s.comparison_method}; ${s.polling_method}.`;
    const section = $("#tree-section");
    if (plan.elimination_tree) {
      section.hidden = false;
      $("#elimination-tree").replaceChildren(el("ul", {}, ...plan.elimination_tree.map((n) => treeNode(n, 0))));
    } else if (plan.tree_size) {
      section.hidden = false;
      $("#elimination-tree").replaceChildren(el("p", {}, `The tree has ${plan.tree_size.toLocaleString("en-US")} branches; too many to draw here (tally rla --json --tree lists them).`));
    }
  }

  return { show };
})();
