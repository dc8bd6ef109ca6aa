"""Writes a synthetic world in exportgraph's CSV formats; reproducible from --seed.

    python benchmarks/generate.py N [--out DIR] [--orders K] [--seed S] [--year]

Files (the user CSV formats of the README, importable with `exportgraph import csv FILE --store DIR`
or loadable with `--data`): parties.csv (N organisations "Synthetic Org i", id o<i>, a country),
ownership.csv (each organisation but the first owned by an earlier one, so chains reach depth 6;
10% with a second owner, cross-holdings; 0.1% with a stake back up, cycles; 1% unknown stakes and 1%
ranges), listings.csv (1% on the Entity List since 2024-01-01, citation "synthetic"), orders.csv
(K orders, default min(N, 100000), with intermediaries through diversion hubs; on four dates, or
on every day of a year with --year), names.csv (10,000
names to screen: half of them the world's names with a typo, half names of no one). Made up: never
part of the bundled graph.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

from exportgraph.check import COLUMNS

COUNTRIES = ("CN", "HK", "SG", "MY", "AE", "DE", "IN", "TW", "RU", "BR")
PERCENTS = (10, 25, 30, 40, 50, 51, 60, 75, 100)
HUBS = ("SG", "MY", "AE", "HK")
ITEMS = ("NVIDIA H100 SXM", "NVIDIA H20", "NVIDIA A100 SXM 80GB", "AMD Instinct MI300X", "EAR99")
DATES = ("2025-06-01", "2025-10-15", "2026-01-15", "2026-11-20")
FIRST = dt.date(2025, 6, 1)  # --year: orders on every day of the year from this one
END_USES = ("", "", "commercial", "ai-training", "supercomputer")


def pick_owner(rnd: random.Random, i: int, depth: list[int]) -> int:
    """An owner for organisation ``i`` among the earlier ones, keeping chains at most 6 deep (six
    tries at a shallow one); records ``i``'s depth."""
    owner = rnd.randrange(i)
    for _ in range(6):
        if depth[owner] < 6:
            break
        owner = rnd.randrange(i)
    depth[i] = depth[owner] + 1
    return owner


def generate(n: int, out: Path, orders: int | None = None, seed: int = 7, year: bool = False) -> dict[str, Path]:
    """The world's files; ``year``: orders dated on every day of a year from 2025-06-01 (else on four dates)."""
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = {k: out / f"{k}.csv" for k in ("parties", "ownership", "listings", "orders", "names")}
    depth = [0] * n
    with files["parties"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country", "aliases", "kind"])
        for i in range(n):
            w.writerow([f"o{i}", f"Synthetic Org {i}", rnd.choice(COUNTRIES), "", "company"])
    with files["ownership"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["owner", "owned", "percent", "percent_min", "percent_max", "valid_from", "valid_to", "source"])

        def stake(owner: int, owned: int) -> None:
            r = rnd.random()
            if r < 0.01:
                w.writerow([f"o{owner}", f"o{owned}", "", "", "", "", "", "synthetic"])
            elif r < 0.02:
                lo = rnd.choice((20, 30, 40, 50))
                w.writerow([f"o{owner}", f"o{owned}", "", lo, lo + 20, "", "", "synthetic"])
            else:
                w.writerow([f"o{owner}", f"o{owned}", rnd.choice(PERCENTS), "", "", "", "", "synthetic"])

        for i in range(1, n):
            if rnd.random() >= 0.95:
                continue
            owner = pick_owner(rnd, i, depth)
            stake(owner, i)
            if rnd.random() < 0.10 and (other := rnd.randrange(i)) != owner:
                stake(other, i)
            if rnd.random() < 0.001:
                stake(i, owner)
    with files["listings"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["party", "list", "date_added", "date_removed", "citation"])
        for i in sorted(rnd.sample(range(n), max(1, n // 100))):
            w.writerow([f"o{i}", "entity-list", "2024-01-01", "", "synthetic"])
    k = min(n, 100_000) if orders is None else orders
    with files["orders"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)  # the orders CSV header check reads
        for j in range(k):
            legs = ";".join(f"o{rnd.randrange(n)}@{rnd.choice(HUBS)}" for _ in range(rnd.choice((0, 0, 1, 2))))
            w.writerow(
                [
                    f"b{j}",
                    (FIRST + dt.timedelta(days=rnd.randrange(365))).isoformat() if year else rnd.choice(DATES),
                    rnd.choice(ITEMS),
                    rnd.choice((1, 8, 100)),
                    "",
                    f"o{rnd.randrange(n)}",
                    f"o{rnd.randrange(n)}",
                    rnd.choice(("", f"o{rnd.randrange(n)}")),
                    legs,
                    rnd.choice(COUNTRIES),
                    rnd.choice(END_USES),
                ]
            )
    with files["names"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name"])
        for j in range(10_000):
            if j % 2:
                name = f"Synthetic Org {rnd.randrange(n)}"
                at = rnd.randrange(len(name))
                w.writerow([name[:at] + name[at + 1 :]])  # a dropped letter
            else:
                w.writerow([f"Unrelated Trading Company {j}"])
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of organisations")
    parser.add_argument("--out", type=Path, default=Path("synthetic-world"))
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", action="store_true", help="orders on every day of a year (else on four dates)")
    args = parser.parse_args()
    for kind, path in generate(args.n, args.out, args.orders, args.seed, args.year).items():
        print(f"{kind:10} {path}")


if __name__ == "__main__":
    main()
