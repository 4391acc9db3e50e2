// The Analysis view of a ranked contest: tables from /api/analyze, criteria from /api/criteria.
"use strict";

const tallyAnalysis = (() => {
  const { el, number, table, getJSON, showError } = tally;
  const $ = (sel) => document.querySelector(sel);
  const share = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : "—");

  function ranking(marks) {
    if (marks === null) return "abstain";
    return marks.map((m) => (m === null ? "(skipped)" : Array.isArray(m) ? m.join("=") : m)).join(" > ") || "(blank)";
  }

  // "A wins", "A and B win", "A, B and C win"
  function wins(names) {
    if (names.length === 1) return `${names[0]} wins`;
    return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} win`;
  }

  function witness(c) {
    const w = c.witness;
    if (!w) return el("span", { class: "muted" }, c.search === "exact" ? "none" : "none found");
    if (w.changes) {
      const total = w.changes.reduce((s, x) => s + x.ballots, 0);
      const list = el("ul", {}, ...w.changes.map((x) => el("li", {}, `${number(x.ballots)} × ${ranking(x.from)} → ${ranking(x.to)}`)));
      return el("div", {}, el("p", {}, `${number(total)} ballots changed; counted again, ${wins(w.winners_after)}`), el("details", {}, el("summary", {}, "the changes"), list));
    }
    if (w.removed) return el("span", {}, `Without ${w.removed}, ${wins(w.winners_after)}.`);
    if (w.pairwise) {
      return el("span", {}, `${w.candidate}: ` + Object.entries(w.pairwise).map(([o, p]) => `${number(p.for)} of ${number(p.of)} over ${o}`).join("; "));
    }
    return el("span", {}, `${w.candidate}: ${number(w.first_choices)} first choices of ${number(w.of)}`);
  }

  // the indices of n numeric columns from the first: right-aligned, as in every other table
  const columns = (first, n) => Array.from({ length: n }, (_, i) => first + i);

  function criteria(found) {
    const rows = found.criteria.map((c) => [
      c.name.replaceAll("_", " "),
      c.violated ? el("strong", { class: "fail" }, "fails") : c.search === "exact" ? "holds" : "no failure found",
      c.search,
      witness(c),
    ]);
    $("#criteria").replaceChildren(table(["criterion", "result", "search", "witness"], rows), ...found.notes.map((n) => el("p", { class: "muted" }, n)));
  }

  function pairwise(report) {
    const names = report.candidates;
    const rows = names.map((a) => [a, ...names.map((b) => {
      if (a === b) return "—";
      const p = report.pairwise[a][b];
      const cell = el("span", p.for * 2 > p.of ? { class: "win" } : {}, `${number(p.for)} (${share(p.for, p.of)})`);
      return cell;
    })]);
    $("#pairwise").replaceChildren(table(["", ...names], rows, columns(1, names.length)));
    const z = names.map((a) => names.map((b) => (a === b ? null : (100 * report.pairwise[a][b].for) / (report.pairwise[a][b].of || 1))));
    Plotly.react("pairwise-chart", [{
      type: "heatmap", x: names, y: names, z, zmin: 0, zmax: 100, colorscale: "RdBu", reversescale: true,
      hovertemplate: "%{y} over %{x}: %{z:.1f}%<extra></extra>", colorbar: { title: "%" },
    }], { height: 90 + 36 * names.length, margin: { l: 160, b: 90, t: 10 }, yaxis: { autorange: "reversed" } },
    { displaylogo: false, responsive: true });
    const cw = report.condorcet_winner;
    $("#condorcet").textContent = (cw ? `Condorcet winner: ${cw}.` : `No Condorcet winner; Smith set: ${report.smith_set.join(", ")}.`)
      + (report.condorcet_loser ? ` Condorcet loser: ${report.condorcet_loser}.` : "");
  }

  function tables(report) {
    const names = report.candidates;
    const alt = report.first_alternate;
    $("#alternates").replaceChildren(table(["first choice", ...names, "no one"],
      names.map((a) => [a, ...names.map((b) => (a === b ? "—" : number(alt[a][b]))), number(alt[a].exhausted)]),
      columns(1, names.length + 1)));
    const ff = report.first_final;
    if (ff && Object.keys(ff).length) {
      const finalists = Object.keys(Object.values(ff)[0]).filter((k) => k !== "exhausted");
      $("#first-final").replaceChildren(table(["first choice", ...finalists, "exhausted"],
        Object.entries(ff).map(([a, v]) => [a, ...finalists.map((f) => number(v[f])), number(v.exhausted)]),
        columns(1, finalists.length + 1)));
    } else {
      $("#first-final").replaceChildren(el("p", { class: "muted" }, ff ? "Every candidate reached the final round." : "Not available for this rule."));
    }
    const dist = report.ranking_distribution;
    const sizes = Object.keys(dist.overall);
    $("#distribution").replaceChildren(table(["", ...sizes],
      [["all ballots", ...sizes.map((n) => number(dist.overall[n]))],
        ...names.map((a) => [a, "", ...sizes.slice(1).map((n) => number(dist.by_first_choice[a][n] || 0))])],
      columns(1, sizes.length)));
    const rounds = report.inactive.by_round;
    const reasons = rounds.length ? Object.keys(rounds[0]).filter((k) => k !== "round") : [];
    $("#inactive").replaceChildren(table(["round", ...reasons], rounds.map((r) => [r.round, ...reasons.map((k) => number(r[k]))]),
      columns(0, reasons.length + 1)));
    const parts = [];
    for (const [key, label] of [["by_precinct", "precinct"], ["by_batch", "batch"]]) {
      const found = report.inactive[key];
      if (!found) continue;
      const worst = Object.entries(found).sort((a, b) => reasons.reduce((s, k) => s + b[1][k] - a[1][k], 0)).slice(0, 50);
      parts.push(el("h3", {}, `Inactive at the end of the count by ${label} (${Object.keys(found).length}; the 50 with the most shown)`),
        table([label, "ballots", ...reasons], worst.map(([p, v]) => [p, number(v.ballots), ...reasons.map((k) => number(v[k]))]),
          columns(1, reasons.length + 1)));
    }
    $("#precincts").replaceChildren(...parts);
  }

  async function show(dataset, rule) {
    const query = `dataset=${encodeURIComponent(dataset)}${rule ? `&rule=${encodeURIComponent(rule)}` : ""}`;
    try {
      const report = await getJSON(`/api/analyze?${query}`);
      tally.showHeadline(report);
      $("#rules-line").textContent = report.counted_under.line;
      $("#winner").textContent = report.winners.join(", ");
      pairwise(report);
      tables(report);
      $("#notes").replaceChildren(...report.notes.map((n) => el("p", {}, n)));
      criteria(await getJSON(`/api/criteria?${query}`));
      document.body.dataset.ready = "analysis";
    } catch (err) {
      showError(err.message);
      $("#criteria").replaceChildren();
    }
  }

  return { show };
})();
