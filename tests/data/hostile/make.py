"""Write the hostile-input corpus: small files built to make a reader or a count blow up.

Each file declares a size it does not have, packs gigabytes into kilobytes, holds counts
past what arithmetic keeps exact, points a configuration at the wrong columns, or nests
deeper than a parser's stack. ``manifest.json`` says, for each, what ``tally`` must do:
stop with exit status 2 and a message holding the given words, or count (``"ok"``),
perhaps with a warning. ``tests/test_hostile.py`` runs every file through the command
line (in a process with capped memory and time) and through the web app.

Run ``python tests/data/hostile/make.py`` to write the corpus again; it is deterministic.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES: list[dict[str, object]] = []


def case(
    name: str, content: bytes | str, *, expect: str, words: str = "", upload: bool = True, **extra: object
) -> None:
    """Write one file; ``expect`` is ``error`` (exit 2 naming ``words``), ``ok`` or ``warning``."""
    data(name, content)
    CASES.append({"file": name, "expect": expect, "words": words, "upload": upload, **extra})


def data(name: str, content: bytes | str) -> None:
    """Write a file a case reads (a configuration's CVR), with no case of its own."""
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def config(
    name: str,
    source: dict[str, object],
    *,
    max_rankings: str = "3",
    bare: bool = False,
    **expectation: object,
) -> None:
    """An RCTab contest configuration with one CVR source and three candidates
    (``bare``: ``max_rankings`` written as a JSON number, not a string)."""
    body = {
        "outputSettings": {"contestName": "Hostile", "outputDirectory": "output"},
        "cvrFileSources": [
            {
                "provider": "genericCsv",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
                "overvoteLabel": "",
                "skippedRankLabel": "",
                "undeclaredWriteInLabel": "",
                "contestId": "",
                **source,
            }
        ],
        "candidates": [{"name": n, "excluded": False, "aliases": []} for n in ("Ann", "Bob", "Cy")],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "minimumVoteThreshold": "0",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": max_rankings,
            "batchElimination": False,
            "exhaustOnDuplicateCandidate": False,
            "randomSeed": "",
        },
    }
    text = json.dumps(body, indent=1)
    if bare:
        text = text.replace(f'"{max_rankings}"', max_rankings)
    case(name, text, upload=False, **expectation)  # type: ignore[arg-type]


def xlsx(sheet_xml: bytes) -> bytes:
    """A minimal workbook whose first sheet is ``sheet_xml``."""
    files = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        b"</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def main() -> None:
    for child in HERE.iterdir():
        if child.name not in ("make.py", "README.md"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    rng = random.Random(16)

    # -- declared sizes -----------------------------------------------------------------------
    preflib_head = "# FILE NAME: h.soc\n# DATA TYPE: soc\n# NUMBER ALTERNATIVES: {n}\n"
    case(
        "preflib_billion_alternatives.soc",
        preflib_head.format(n=10**9) + "# NUMBER VOTERS: 1\n# NUMBER UNIQUE ORDERS: 1\n"
        "# ALTERNATIVE NAME 1: A\n1: 1\n",
        expect="error",
        words="NUMBER ALTERNATIVES 1,000,000,000 is past the limit",
    )
    case(
        "preflib_more_alternatives_than_names.soc",
        preflib_head.format(n=1500) + "# ALTERNATIVE NAME 1: A\n1: 1\n",
        expect="error",
        words="ALTERNATIVE NAME 2 is missing",
    )
    case(
        "preflib_legacy_billion.soc",
        "1000000000\n1,A\n1,1,1\n1,1\n",
        expect="error",
        words="past the limit",
    )
    case("preflib_legacy_digits.soc", "9" * 5000 + "\n1,A\n", expect="error", words="past the limit")
    case(
        "preflib_count_of_5000_digits.soi",
        "# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
        + "9" * 5000
        + ": 1,2\n",
        expect="error",
        words="is not a whole number",
    )
    case(
        "blt_billion_candidates.blt",
        '1000000000 1\n1 1 0\n0\n"A"\n"t"\n',
        expect="error",
        words="past the limit",
    )
    case("blt_digits.blt", "9" * 5000 + ' 1\n1 1 0\n0\n"A"\n', expect="error", words="impossible size")
    case(
        "csv_10001_ranks.csv",
        ",".join(f"rank{i}" for i in range(1, 10_002)) + "\nA\n",
        expect="error",
        words="10,001 is past the limit of 10,000 ranks",
    )
    case(
        "csv_2001_candidates.csv",
        "rank1\n" + "".join(f"w{i}\n" for i in range(2_001)),
        expect="error",
        words="2,001 is past the limit of 2,000 candidates",
    )
    case(
        "csv_10000_candidates.csv",
        "rank1,rank2\n" + "".join(f"w{i},w{(i + 1) % 10_000}\n" for i in range(10_000)),
        expect="error",
        words="10,000 is past the limit of 2,000 candidates",
        commands=[["count", "--rule", "schulze"], ["compare"]],
    )

    # -- counts past exact arithmetic -----------------------------------------------------------
    case(
        "csv_count_2pow53_plus_1.csv",
        "count,rank1\n9007199254740993,Alice\n9007199254740992,Bob\n",
        expect="error",
        words="9007199254740993 is not below 2**53",
    )
    case(
        "csv_count_1e308.csv",
        "count,rank1\n1e308,Alice\n1e308,Bob\n",
        expect="error",
        words="not below 2**53",
    )
    case(
        "csv_count_inexact_decimal.csv",
        "count,rank1\n0.1,Alice\n0.2,Bob\n",
        expect="error",
        words="0.1 cannot be held exactly",
    )
    case("csv_count_of_5000_digits.csv", "count,rank1\n" + "9" * 5000 + ",A\n", expect="error", words="count")
    case("blt_weight_inf.blt", '2 1\n1e999 1 0\n0\n"A"\n"B"\n', expect="error", words="not a finite number")
    case(
        "tallies_votes_1e308.csv",
        "area,candidate,votes\nX,A,1e308\nX,B,1e308\n",
        expect="error",
        words="not below 2**53",
    )
    case(
        "alaska_count_of_5000_digits.csv",
        '"1","Palin","Begich"\n"Total","' + "9" * 5000 + '","2"\n',
        expect="error",
        words="not below 2**53",
    )

    # -- nothing wrong is silent ----------------------------------------------------------------
    case(
        "csv_only_overvotes_and_undervotes.csv",
        "rank1,rank2\novervote,undervote\nundervote,overvote\n",
        expect="error",
        words="names a candidate",
    )
    case(
        "tallies_negative_electoral_votes.csv",
        "state,electoral_votes,Gore,Bush\nA,-3,10,5\nB,2,3,9\n",
        expect="error",
        words="electoral_votes '-3' is not a whole non-negative number",
    )
    case(
        "tallies_fractional_electoral_votes.csv",
        "state,electoral_votes,Gore,Bush\nA,3,10,5\nB,2.5,3,9\n",
        expect="error",
        words="electoral_votes '2.5' is not a whole",
    )
    case(
        "csv_five_spellings_of_one_name.csv",
        "rank1,rank2\nJosé Díaz,Ann\njose diaz,Ann\nJose  Diaz,Ann\nJOSÉ DÍAZ,Bob\nJosé Diaz,Bob\nAnn,Bob\n",
        expect="warning",
        words="differ only in case, accents or spacing",
    )

    # -- not text, not this format, nothing at all ---------------------------------------------
    case("binary_noise.csv", bytes(rng.randrange(256) for _ in range(4096)), expect="error", words="")
    case("nul_bytes.csv", b"\x00" * 4096, expect="error", words="")
    case("empty.csv", b"", expect="error", words="empty")
    case("only_a_header.csv", "rank1,rank2\n", expect="error", words="")
    case("latin1_names.csv", "rank1\nJos\xe9\n".encode("latin-1"), expect="error", words="not UTF-8")
    case("csv_line_of_100000_commas.csv", "rank1\n" + "," * 100_000 + "\n", expect="error", words="ragged")

    # -- slow by construction: bounded by the web app's time limit ------------------------------
    n = 2000
    case(
        "csv_2000_candidates.csv",
        "rank1,rank2,rank3\n" + "".join(f"C{i},C{(i + 1) % n},C{(i + 2) % n}\n" for i in range(n)),
        expect="ok",
        cli=False,  # a count for the web app's time limit to stop; the command line waits for it
    )

    # -- RCTab configurations and their CVRs ----------------------------------------------------
    data("rctab/three_cvr.csv", "id,Ann,Bob,Cy\n1,1,2,\n2,2,1,\n3,,1,2\n")
    config(
        "rctab/max_rankings_billion_config.json",
        {"filePath": "three_cvr.csv"},
        max_rankings="1000000000",
        expect="error",
        words="maxRankingsAllowed 1,000,000,000 is past the limit",
    )
    config(
        "rctab/text_of_5000_digits_config.json",
        {"filePath": "three_cvr.csv"},
        max_rankings="9" * 5000,
        expect="error",
        words="rules.maxRankingsAllowed must be",
    )
    config(
        "rctab/number_of_5000_digits_config.json",
        {"filePath": "three_cvr.csv"},
        max_rankings="9" * 5000,
        bare=True,
        expect="error",
        words="not readable JSON",
    )
    config(
        "rctab/first_column_past_the_end_config.json",
        {"filePath": "three_cvr.csv", "firstVoteColumnIndex": "9"},
        expect="error",
        words="firstVoteColumnIndex 9 is past the last column",
    )
    data("rctab/passwd_like_cvr.csv", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/sh\n")
    config(
        "rctab/passwd_as_cvr_config.json",
        {"filePath": "passwd_like_cvr.csv"},
        expect="error",
        words="is past the last column",
    )
    data("rctab/blank_cvr.csv", "id,Ann,Bob,Cy\n1,,,\n2,,,\n")
    config(
        "rctab/no_marks_config.json",
        {"filePath": "blank_cvr.csv"},
        expect="error",
        words="none of the 2 records has a mark",
    )
    data("rctab/high_rank_cvr.csv", "id,Ann,Bob,Cy\n" + "".join(f"{i},9999,,\n" for i in range(1, 2000)))
    config(
        "rctab/high_ranks_config.json", {"filePath": "high_rank_cvr.csv"}, max_rankings="10000", expect="ok"
    )
    bomb_sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b" " * (30 << 20)
        + b"<sheetData/></worksheet>"
    )
    data("rctab/zip_bomb_cvr.xlsx", xlsx(bomb_sheet))
    config(
        "rctab/zip_bomb_config.json",
        {"filePath": "zip_bomb_cvr.xlsx", "provider": "ess"},
        expect="error",
        words="unpacks",
    )
    nested = "[" * 20_000 + "]" * 20_000
    data("rctab/nested_cvr.json", nested)
    config(
        "rctab/nested_json_config.json",
        {"filePath": "nested_cvr.json", "provider": "cdf", "contestId": "X"},
        expect="error",
        words="not readable JSON",
    )
    entities = ['<!ENTITY a0 "lollollollollollollollollollol">']
    for i in range(1, 10):
        entities.append(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">')
    laughs = '<?xml version="1.0"?><!DOCTYPE Cvr [' + "".join(entities) + "]><Cvr>&a9;</Cvr>"
    data("rctab/hart/laughs.xml", laughs)
    config(
        "rctab/billion_laughs_config.json",
        {"filePath": "hart", "provider": "hart", "contestId": "X"},
        expect="error",
        words="XML",
    )

    (HERE / "manifest.json").write_text(
        json.dumps(CASES, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
