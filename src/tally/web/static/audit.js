// The audit page: fetch /api/rla and draw the assertions and the pruned elimination tree.
"use strict";

const tallyAudit = (() => {
  const { el } = tally; // the pages' element builder (app.js)
  const $ = (sel) => document.querySelector(sel);

  const number = (x) => (x === null || x === undefined ? "" : x.toLocaleString("en-US", { maximumFractionDigits: 2 }));
  const size = (n) => (n === null ? "full count" : n.toLocaleString("en-US"));

  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  const fixed = (x) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  // a table whose numeric columns (by index) are right-aligned; rows are [cells, attributes]
  function grid(head, rows, numeric) {
    const cell = (tag, c, i) => el(tag, numeric.includes(i) ? { class: "num" } : {}, c);
    return el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h, i) => cell("th", h, i)))),
      el("tbody", {}, ...rows.map(([cells, attrs]) => el("tr", attrs || {}, ...cells.map((c, i) => cell("td", c, i))))));
  }

  function assertionsTable(rows, irv) {
    const head = ["#", ...(irv ? ["type"] : []), "winner", "loser", ...(irv ? ["continuing"] : []),
      "margin", "share", "difficulty", "comparison", "polling"];
    const body = rows.map((a, i) => [[i + 1, ...(irv ? [a.type] : []), a.winner, a.loser,
      ...(irv ? [a.type === "NEN" ? a.continuing.join(", ") : "—"] : []),
      number(a.margin), pct(a.diluted_margin), fixed(a.difficulty),
      size(a.ballot_comparison), size(a.ballot_polling)], { id: `assertion-${i + 1}` }]);
    const first = irv ? 5 : 3;
    return grid(head, body, [0, first, first + 1, first + 2, first + 3, first + 4]);
  }

  // one plurality audit per area, hardest first, each area by its name
  function areasTable(plan) {
    const names = plan.area_names || {};
    const hardness = (a) => (a.error ? Infinity : a.difficulty);
    const areas = [...plan.areas].sort((x, y) => hardness(y) - hardness(x));
    const body = areas.map((a) => {
      const place = names[a.area] || a.area;
      if (a.error) return [[place, a.error, "", "", "", "", ""]];
      const closest = a.assertions.reduce((x, y) => (x.margin <= y.margin ? x : y));
      return [[place, a.winner, closest.loser, number(closest.margin), pct(closest.diluted_margin),
        size(a.sample_size.ballot_comparison), size(a.sample_size.ballot_polling)]];
    });
    return grid(["area", "winner", "runner-up", "margin", "share", "comparison", "polling"], body, [3, 4, 5, 6]);
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
    tally.showHeadline(plan);
    const s = plan.sample_size;
    $("#audit-notes").textContent = plan.counted_under.line;
    if (plan.kind === "by_area") {
      $("#audit-winner-line").hidden = true;
      $("#assertions-title").textContent = "One audit per area, hardest first";
      $("#assertions").replaceChildren(areasTable(plan));
      const full = s.full_hand_counts_comparison;
      $("#audit-summary").textContent = `All areas: ${size(s.ballot_comparison)} ballots by ballot-level comparison`
        + (full ? ` and a full hand count in ${full.toLocaleString("en-US")} ${full === 1 ? "area" : "areas"}` : "")
        + `, ${size(s.ballot_polling)} by ballot polling.`;
      const one = plan.areas.find((a) => a.sample_size);
      $("#audit-methods").textContent = one ? `${one.sample_size.comparison_method}; ${one.sample_size.polling_method}.` : "";
      return;
    }
    $("#audit-winner-line").hidden = false;
    $("#audit-winner").textContent = plan.winner ?? plan.winners.join(", ");
    $("#assertions-title").textContent = "Assertions";
    $("#audit-summary").textContent = `Smallest margin ${number(plan.margin)} of ${number(plan.ballots)} ballots `
      + `(${pct(plan.diluted_margin)}). Expected sample at a ${+(100 * s.risk_limit).toFixed(4)}% risk limit: `
      + `${size(s.ballot_comparison)} ballots by ballot-level comparison, ${size(s.ballot_polling)} by ballot polling.`;
    $("#assertions").replaceChildren(assertionsTable(plan.assertions, plan.kind === "irv"));
    $("#audit-methods").textContent = `${s.comparison_method}; ${s.polling_method}.`
      + (plan.kind === "irv" ? " NEB: the winner cannot be eliminated before the loser. NEN: the loser is eliminated before the winner while only the continuing candidates remain." : "");
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
