"""RCTab parity: read RCTab contest configs, tabulate exactly as RCTab does, write its reports.

* :mod:`tally.rctab.config` reads ``<contest>_config.json`` files;
* :mod:`tally.rctab.contest` holds RCTab's rules and merges cast-vote records into
  counted rows (per precinct and batch when slices are asked for);
* :mod:`tally.rctab.tabulate` is the tabulator (every winner-election mode, threshold,
  tie-break and elimination rule of RCTab 2.0): one pass is a
  :class:`~tally.rctab.counter.Counter` over a :class:`~tally.rctab.ledger.Ledger` of
  vote values, with :mod:`tally.rctab.decisions` and :mod:`tally.rctab.tiebreak`;
  :mod:`tally.rctab.results` holds its results;
* :mod:`tally.rctab.report` writes RCTab's detailed report JSON and CSV and the
  per-precinct / per-batch slices;
* :mod:`tally.rctab.run` runs a config end to end (and the CDF export);
* :mod:`tally.rctab.verify` writes the audit record and re-runs a report to check it;
* :mod:`tally.rctab.javarandom` is ``java.util.Random`` for RCTab's random tie-breaks,
  :mod:`tally.rctab.decimal_math` RCTab's ``BigDecimal`` arithmetic.

Every one of RCTab's 47 regression tabulation cases (``tests/data/rctab``) is reproduced
report for report.
"""
