"""Reading and validating HTCDS CSV rows with tipnet.core.standard (no database).

Issue 13 asks for an import of 100,000 HTCDS rows with validation in at most 60 s on PostgreSQL;
this measures the part that does not touch the database (decode, parse, validate every row), so the
storing that the cases app adds has the rest of the budget.

    uv run python bench/standard_validate.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import random
import time

from tipnet.core.standard import HTCDS, read_htcds_csv, write_htcds_csv


def records(n: int, seed: int = 1) -> list[dict[str, object]]:
    rng = random.Random(seed)
    genders = HTCDS["prs_Gender"].values
    means = HTCDS["vic_MethodsOfControl"].values
    kinds = HTCDS["vic_TypeOfExploitation"].values
    out = []
    for i in range(n):
        out.append({
            "prs_Gender": rng.choice(genders),
            "prs_Birthdate": f"{rng.randint(1960, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "prs_Citizenship": rng.sample(["VN", "PH", "TH", "ID", "CN", "JP", "NP", "MM"], k=rng.randint(1, 2)),
            "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
            "vic_MethodsOfControl": rng.sample(means, k=rng.randint(0, 4)),
            "vic_TypeOfExploitation": rng.sample(kinds, k=rng.randint(1, 2)),
            "vic_ForcedLabourIndustry": "C_Manufacturing",
            "cas_Status": "Active",
            "cas_IncomingReferralDate": "2024-02-28",
            "con_Consent": True,
            "prs_MobilePhone": f"+8180{i:08d}",
            "cco_CaseComment": "Met at the consultation desk; wants to go home.",
        })
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    text = write_htcds_csv(records(args.rows))
    start = time.perf_counter()
    report = read_htcds_csv(text.encode())
    elapsed = time.perf_counter() - start
    assert report.ok and len(report.records) == args.rows, report.summary()
    print(f"{args.rows} HTCDS CSV rows ({len(text) / 1e6:.1f} MB) read and validated in {elapsed:.2f} s "
          f"({args.rows / elapsed:,.0f} rows/s)")


if __name__ == "__main__":
    main()
