"""Analyses of contests: spoilers, margins, what-ifs, criteria, proportionality."""
