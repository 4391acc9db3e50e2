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

  // Numbers as people read them: thousands separated, whole numbers without decimals,
  // fractional votes (STV transfers) to two places.
  function number(x) {
    if (x === null || x === undefined || Number.isNaN(x)) return "";
    return Number.isInteger(x) ? x.toLocaleString("en-US") : x.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  // A fraction as a percentage, with one decimal unless asked for more; a share too small
  // for that shows its first two significant digits (Florida 2000: 0.0089%, not 0.0%).
  function percent(fraction, digits = 1) {
    if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return "";
    const value = 100 * fraction;
    if (value !== 0 && Math.abs(value) < 10 ** -digits) return `${Number(value.toPrecision(2))}%`;
    return `${value.toFixed(digits)}%`;
  }

  // "A, B and C"
  function listing(items) {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
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

  // The result in a sentence or two, when the answer carries one.
  function showHeadline(...sources) {
    const box = $("#headline");
    if (!box) return;
    const text = sources.map((s) => s && s.headline).find((h) => typeof h === "string" && h);
    // a figure and its percent sign stay on one line: "48.7 %"
    box.textContent = (text || "").replace(/ %/g, "\u00a0%");
    box.hidden = !text;
  }

  function draw(id, figure) {
    const node = document.getElementById(id);
    if (!node) return;
    if (!figure) { Plotly.purge(node); node.replaceChildren(); node.hidden = true; return; }
    node.hidden = false;
    Plotly.react(node, figure.data, { ...figure.layout, autosize: true }, { displaylogo: false, responsive: true });
  }

  function table(headers, rows, numeric = []) {
    const cell = (tag, c, i) => el(tag, numeric.includes(i) ? { class: "num" } : {}, c);
    return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h, i) => cell("th", h, i)))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c, i) => cell("td", c, i))))));
  }

  function roundsTable(outcome) {
    const rounds = outcome.rounds;
    const headers = ["candidate", ...rounds.map((r) => (rounds.length > 1 ? `round ${r.round}` : r.note || "votes"))];
    // those who lasted longest first, and among them the most votes in their last round
    const last = (c) => rounds.reduce((k, r, i) => (c in r.tally ? i : k), -1);
    const rows = outcome.candidates
      .filter((c) => last(c) >= 0)
      .sort((a, b) => last(b) - last(a) || rounds[last(b)].tally[b] - rounds[last(a)].tally[a])
      .map((c) => [c, ...rounds.map((r) => {
        if (!(c in r.tally)) return "";
        const mark = r.elected.includes(c) ? " ✓" : r.eliminated.includes(c) ? " ✗" : "";
        return number(r.tally[c]) + mark;
      })]);
    if (rounds.some((r) => r.threshold !== null && r.threshold !== undefined)) {
      rows.push(["threshold", ...rounds.map((r) => number(r.threshold))]);
    }
    if (rounds.some((r) => r.continuing !== null)) {
      rows.push(["continuing ballots", ...rounds.map((r) => number(r.continuing))]);
      const reasons = [...new Set(rounds.flatMap((r) => Object.keys(r.inactive)))];
      for (const reason of reasons) rows.push([`inactive: ${reason}`, ...rounds.map((r) => number(r.inactive[reason] || 0))]);
      // the exhausted ballots told apart by whether they marked every rank allowed
      if (rounds.some((r) => r.exhausted_by_ranking)) {
        for (const kind of ["partially_ranked", "fully_ranked"]) {
          rows.push([`exhausted, ${kind.replace("_", " ")}`, ...rounds.map((r) => number((r.exhausted_by_ranking || {})[kind] || 0))]);
        }
      }
    }
    return table(headers, rows, rounds.map((_, i) => i + 1));
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
    // an address such as /?q=burlington opens on that search (the not-found page links so)
    const asked = new URLSearchParams(location.search).get("q");
    if (asked) { input.value = asked; filter(); }
  }

  // -- a contest: rounds and flows, or seats and votes ------------------------------------

  function seatsLine(view) {
    const won = view.rows.filter((r) => r.seats > 0);
    const shown = won.slice(0, 6).map((r) => `${r.name} ${number(r.seats)}`);
    const more = won.length - shown.length;
    return shown.join(" · ") + (more > 0 ? ` · ${more} more` : "");
  }

  function majorityLine(view) {
    const top = view.rows[0];
    if (view.majority === null) {
      const all = [...view.rows, ...(view.others ? view.others.rows : [])];
      const least = Math.min(...all.map((r) => r.seats));
      const fewest = all.filter((r) => r.seats === least).map((r) => r.name).sort();
      return `${number(view.seats)} seats apportioned by ${view.measure}: the most to ${top.name} (${number(top.seats)}), ` +
        `the fewest to ${listing(fewest)} (${number(least)}${fewest.length > 1 ? " each" : ""}).`;
    }
    if (view.majority_party) {
      return `${view.majority_party} won ${number(top.seats)} of the ${number(view.seats)} seats: a majority (${number(view.majority)} needed).`;
    }
    return `No party won a majority of the ${number(view.seats)} seats (${number(view.majority)} needed); ` +
      `${top.name} won the most, ${number(top.seats)}.`;
  }

  // seats minus votes in percentage points, signed, with no "−0.0"
  function points(r) {
    const d = Math.round(1000 * (r.seat_share - r.vote_share)) / 10;
    return d === 0 ? "0.0" : `${d > 0 ? "+" : "−"}${Math.abs(d).toFixed(1)}`;
  }

  function seatsTable(view) {
    const measure = view.measure;
    const row = (r) => [r.name, number(r.votes), percent(r.vote_share), number(r.seats), percent(r.seat_share),
      points(r),
      r.excluded ? `below the ${view.threshold} threshold` : ""];
    const headers = [view.majority === null ? "area" : "party", measure, `% of ${measure}`, "seats", "% of seats", `seats − ${measure} (points)`, ""];
    const numeric = [1, 2, 3, 4, 5];
    const main = table(headers, view.rows.map(row), numeric);
    if (!view.others) return main;
    const o = view.others;  // the parties without seats and under 1 % of the votes
    main.tBodies[0].append(el("tr", { class: "others" }, el("td", {}, `${o.parties} others`),
      el("td", { class: "num" }, number(o.votes)), el("td", { class: "num" }, percent(o.vote_share)),
      el("td", { class: "num" }, "0"), el("td", { class: "num" }, percent(0)), el("td", {}, ""), el("td", {}, "")));
    const rest = el("details", {}, el("summary", {}, `The ${o.parties} others one by one`), table(headers, o.rows.map(row), numeric));
    const box = el("div");
    box.append(main, rest);
    return box;
  }

  function disproportionalityLine(view) {
    const d = view.disproportionality;
    if (!d) return "";
    const gain = (r) => r.seat_share - r.vote_share;
    const over = view.rows.filter((r) => r.seats > 0).sort((a, b) => gain(b) - gain(a))[0];
    const parties = view.majority === null ? ""
      : ` Effective number of parties: ${d.effective_parties_votes.toFixed(1)} by votes, ${d.effective_parties_seats.toFixed(1)} by seats.`;
    return `Disproportionality: Gallagher index ${d.gallagher.toFixed(1)}, Loosemore–Hanby ${d.loosemore_hanby.toFixed(1)} ` +
      `(percentage points of seats against ${view.measure}; 0 is perfectly proportional).${parties}` +
      (over && gain(over) > 0 ? ` ${over.name} gains the most: ${percent(over.seat_share)} of the seats for ${percent(over.vote_share)} of the ${view.measure}.` : "");
  }

  function showSeats(data) {
    const view = data.seats;
    $("#seats-section").hidden = !view;
    $("#rounds-section").hidden = Boolean(view);
    $("#majority").hidden = !view;
    if (!view) return false;
    $("#winner-label").textContent = "Seats";
    $("#winner").textContent = seatsLine(view);
    $("#majority").textContent = majorityLine(view);
    $("#disproportionality").textContent = disproportionalityLine(view);
    $("#seats-table").replaceChildren(seatsTable(view));
    draw("seats", data.figures.seats);
    return true;
  }

  function transfersPanel(transfers) {
    const flows = $("#flows");
    flows.hidden = !transfers.length;
    if (!transfers.length) return;
    const select = $("#transfer-from");
    const previous = select.value;
    select.replaceChildren(...transfers.map((t) => el("option", { value: t.candidate }, t.candidate)));
    // by default the last transfer: usually the one that decided the count
    select.value = transfers.some((t) => t.candidate === previous) ? previous : transfers[transfers.length - 1].candidate;
    const show = () => {
      const t = transfers.find((x) => x.candidate === select.value);
      $("#transfers-title").textContent = `Where ${t.candidate}'s votes went`;
      const rows = t.to.map((d) => [d.name, number(d.votes), percent(d.share)]);
      const when = t.rounds.length > 1 ? `rounds ${listing(t.rounds.map(String))}` : `round ${t.rounds[0]}`;
      $("#transfers").replaceChildren(table(["to", "votes", "share"], rows, [1, 2]),
        el("p", { class: "muted" }, `${number(t.votes)} votes moved after ${when}.`));
    };
    select.onchange = show;
    show();
  }

  async function contest(dataset, ranked, seats = 1) {
    const select = $("#rule");
    async function load() {
      showError("");
      $("#winner").textContent = "…";
      try {
        const data = await getJSON(`/ui/contest?dataset=${encodeURIComponent(dataset)}&rule=${encodeURIComponent(select.value)}`);
        const outcome = data.outcome;
        showHeadline(data, outcome);
        $("#rules-line").textContent = data.rules_line;
        $("#tied").textContent = outcome.tied ? "(tied)" : "";
        $("#ties").replaceChildren(...outcome.ties.map((t, i) =>
          el("p", {}, `Tie ${t.round ? "in round " + t.round + " " : ""}between ${t.tied.join(", ")} (${t.purpose}): ${data.tie_words[i]}, ${t.chosen.join(", ")}. ${t.detail}`)));
        if (!showSeats(data)) {
          $("#winner-label").textContent = outcome.winners.length > 1 ? "Winners" : "Winner";
          $("#winner").textContent = outcome.winners.join(", ") || "none";
          $("#rounds-title").textContent = outcome.rounds.length > 1 ? "Round by round" : "The count";
          $("#rounds").replaceChildren(roundsTable(outcome));
          transfersPanel(data.transfers);
          const sankey = data.figures.sankey;
          $("#flows").classList.toggle("stacked", Boolean(sankey && sankey.layout.meta && sankey.layout.meta.full_width));
          draw("sankey", sankey);
          draw("bars", data.figures.bars);
        }
        if (ranked) draw("pairwise", data.figures.pairwise);
        history.replaceState(null, "", `?rule=${encodeURIComponent(select.value)}`);
        document.body.dataset.ready = String(Date.now());
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
        $("#compare").replaceChildren(table(["rule", Object.values(report.results).some((r) => (r.winners || []).length > 1) ? "winners" : "winner", ""], rows));
      } catch (err) {
        showError(err.message);
      }
    }
  }

  // -- the Electoral College and its what-if panel ----------------------------------------

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

  // The form's fields that differ from the page's defaults, as a query string: the
  // address of a scenario.
  function formQuery(form) {
    const query = new URLSearchParams();
    for (const field of form.elements) {
      if (!field.name) continue;
      const initial = field.tagName === "SELECT"
        ? ([...field.options].find((o) => o.defaultSelected) || field.options[0] || {}).value
        : field.defaultValue;
      if (field.value !== initial) query.set(field.name, field.value);
    }
    return query.toString();
  }

  function restoreForm(form, query) {
    for (const [name, value] of new URLSearchParams(query)) {
      const field = form.elements.namedItem(name);
      if (!field || field instanceof RadioNodeList) continue;
      if (field.tagName === "SELECT" && ![...field.options].some((o) => o.value === value)) continue;
      field.value = value;
    }
    syncOutputs(form);
  }

  function syncOutputs(form) {
    for (const range of form.querySelectorAll("input[type=range]")) range.nextElementSibling.textContent = `${range.value}%`;
  }

  function popularLine(r) {
    const votes = Object.entries(r.popular_vote || {}).filter(([c]) => c !== "Other").sort((a, b) => b[1] - a[1]);
    const total = Object.values(r.popular_vote || {}).reduce((a, b) => a + b, 0) || 1;
    return votes.slice(0, 4).map(([c, n]) => `${c} ${percent(n / total)} (${number(n)})`).join(" · ");
  }

  function allocationNote(r) {
    if (r.allocation === "popular") {
      return `National popular vote: all ${number(Object.values(r.electoral_votes).reduce((a, b) => a + b, 0))} electors ` +
        `go to the candidate with the most votes nationwide, ${r.winner}, so every tile takes their colour; ` +
        "hover over a state to see who led it.";
    }
    if (r.allocation === "proportional") return "Proportional: each state splits its electors by its vote; a tile takes the colour of the candidate with the most of its electors.";
    if (r.allocation === "district") return "By district: each congressional district gives one elector to its winner, each state two to its statewide winner.";
    return "";
  }

  // What a scenario changed: the states that changed hands, and the electoral votes
  // when they moved otherwise too (a new allocation splits or pools the electors).
  function changes(r, place) {
    const flipped = (r.flipped || []).map((f) => `${place(f.area)} (${f.electoral_votes}) ${f.from} → ${f.to}`);
    const before = (r.actual && r.actual.electoral_votes) || {};
    const names = [...new Set([...Object.keys(before), ...Object.keys(r.electoral_votes)])];
    const moved = names.filter((c) => (before[c] || 0) !== (r.electoral_votes[c] || 0))
      .sort((a, b) => (r.electoral_votes[b] || 0) - (r.electoral_votes[a] || 0))
      .map((c) => `${c} ${before[c] || 0} → ${r.electoral_votes[c] || 0}`);
    const parts = [];
    if (flipped.length) parts.push(`States that change hands: ${flipped.join("; ")}.`);
    if (moved.length && (!flipped.length || r.allocation !== (r.actual || {}).allocation)) {
      parts.push(`Electoral votes against the actual result: ${moved.join(" · ")}.`);
    }
    return parts.join(" ") || "No electoral vote changes hands.";
  }

  async function ec(dataset) {
    const form = $("#whatif");
    // areas by the names a reader knows them by (FL → Florida), once the first answer says them
    let names = {};
    const place = (code) => names[code] || code;
    async function show(scenario) {
      showError("");
      try {
        const data = await getJSON("/ui/ec", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ dataset, scenario, faithless: form.querySelector("[name=faithless]").value }),
        });
        const r = data.result;
        names = data.area_names || names;
        showHeadline(data, r);
        $("#rules-line").textContent = data.rules_line;
        $("#electors-line").textContent = r.electors_line;
        $("#ev-total").textContent = Object.entries(r.electoral_votes).filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(" · ");
        $("#winner").textContent = r.winner || (r.contingent ? "no majority: the House decides" : "none");
        $("#popular-vote").textContent = popularLine(r);
        const note = allocationNote(r);
        $("#allocation-note").textContent = note;
        $("#allocation-note").hidden = !note;
        $("#flipped").textContent = scenario.length ? changes(r, place) : "";
        draw("map", data.figures.map);
        draw("evbar", data.figures.bar);
        document.body.dataset.ready = String(Date.now());
      } catch (err) {
        showError(err.message);
      }
    }
    function apply() {
      const query = formQuery(form);
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
      return show(scenarioFromForm(form));
    }
    form.addEventListener("input", (event) => { if (event.target.type === "range") syncOutputs(form); });
    form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
    form.querySelector("[name=faithless]").addEventListener("change", apply);
    $("#reset-scenario").addEventListener("click", () => { form.reset(); syncOutputs(form); apply(); });
    restoreForm(form, location.search);
    await show(scenarioFromForm(form));
    try {
      const electors = encodeURIComponent(form.querySelector("[name=faithless]").value);
      const spoilers = await getJSON(`/api/spoilers?dataset=${encodeURIComponent(dataset)}&faithless=${electors}`);
      const row = (r) => [r.name || place(r.area), r.candidate, r.winner, r.runner_up, number(r.margin), number(r.votes),
        r.break_even === null || r.break_even === undefined ? "—" : percent(r.break_even, 2)];
      const could = spoilers.rows.filter((r) => r.break_even !== null && r.break_even !== undefined && r.break_even <= 1);
      const closest = spoilers.rows.filter((r) => typeof r.break_even === "number").sort((a, b) => a.break_even - b.break_even).slice(0, 5);
      $("#spoilers-note").textContent = could.length
        ? "Where a minor candidate's voters could have changed the state: the net share of them who, preferring the runner-up, would have flipped it."
        : "In no state could a minor candidate's voters have changed the winner: even all of them would not cover the margin. The closest cases:";
      $("#spoilers").replaceChildren(table(["state", "minor candidate", "winner", "runner-up", "margin", "minor votes", "break-even net transfer"],
        (could.length ? could.slice(0, 60) : closest).map(row), [4, 5, 6]));
      const margins = await getJSON(`/api/margins?dataset=${encodeURIComponent(dataset)}&faithless=${electors}`);
      const tip = margins.tipping_point;
      const lines = [
        el("p", {}, tip ? `Tipping point: ${place(tip.area)} (${tip.electoral_votes} electoral votes, won by ${percent(tip.leader_margin_share)}).` : "No tipping point."),
        el("p", {}, margins.to_win ? `Fewest votes switched to change the winner: ${number(margins.to_win.votes)} in ${listing(margins.to_win.areas.map(place))}.` : ""),
      ];
      $("#margins").replaceChildren(...lines);
    } catch (err) {
      showError(err.message);
    }
  }

  // -- uploads and simulations ------------------------------------------------------------

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
        showHeadline(outcome);
        $("#rules-line").textContent = outcome.counted_under.line;
        $("#result").hidden = false;
        // a count that fills seats by party is shown as seats and votes, as on a dataset's page
        const seats = outcome.details && outcome.details.seats && outcome.rounds.length
          ? await getJSON("/ui/seats", { method: "POST", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ votes: outcome.rounds[0].tally, details: outcome.details }) })
          : { seats: null };
        if (!showSeats(seats)) {
          $("#winner-label").textContent = outcome.winners.length > 1 ? "Winners" : "Winner";
          $("#winner").textContent = outcome.winners.join(", ") || "none";
          $("#rounds").replaceChildren(roundsTable(outcome));
        }
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
        $("#empty").textContent = "Running…";
        while (job.status === "queued" || job.status === "running") {
          bar.max = job.progress.total || 1;
          bar.value = job.progress.done;
          $("#status").textContent = `${job.status}: ${number(job.progress.done)} of ${number(job.progress.total)} batches`;
          await new Promise((resolve) => setTimeout(resolve, 400));
          job = await getJSON(`/api/runs/${job.id}`);
        }
        bar.value = bar.max;
        if (job.status === "failed") throw new Error(job.error);
        $("#status").textContent = `done · run ${job.id}`;
        const m = job.result.metrics;
        const n = job.result.elections;
        showHeadline(job.result);
        $("#paradox").textContent = `Condorcet paradox (no candidate beats every other head to head): ` +
          `${percent(m.condorcet_paradox)} of the ${number(n)} elections (${number(Math.round(m.condorcet_paradox * n))}).`;
        const figures = await getJSON(`/ui/simulation-figures/${job.id}`);
        const charts = $("#charts");
        // every chart's place first, then the charts: drawn one by one, the first would take
        // the whole width of a grid that held only it, and spill under the next
        const entries = Object.entries(figures);
        charts.replaceChildren(...entries.map(([name]) => el("div", { id: `chart-${name}`, class: "chart" })));
        for (const [name, figure] of entries) draw(`chart-${name}`, figure);
        $("#empty").hidden = true;
      } catch (err) {
        $("#empty").textContent = "The simulation did not finish; see the message above.";
        showError(err.message);
      }
    });
  }

  return { catalogue, contest, ec, upload, simulate, el, number, percent, table, getJSON, showError, showHeadline };
})();
