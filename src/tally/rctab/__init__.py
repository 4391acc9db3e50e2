"""RCTab parity: read RCTab contest configs, tabulate exactly as RCTab does, write its reports.

* :mod:`tally.rctab.config` reads ``<contest>_config.json`` files;
* :mod:`tally.rctab.tabulate` is the tabulator (every winner-election mode, threshold,
  tie-break and elimination rule of RCTab 2.0), working on merged ballot rows;
* :mod:`tally.rctab.report` writes RCTab's detailed report JSON and CSV (and the
  per-precinct / per-batch slices) plus an audit file;
* :mod:`tally.rctab.verify` re-runs a report and checks it;
* :mod:`tally.rctab.javarandom` is ``java.util.Random`` for RCTab's random tie-breaks.
"""
