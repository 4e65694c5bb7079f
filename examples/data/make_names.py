"""Write ``names.txt``: ~1000 made-up first names built from syllables.

Deterministic (a fixed seed), so running it again gives the same file::

    python examples/data/make_names.py
"""

from __future__ import annotations

import random
from pathlib import Path

ONSETS = [
    "",
    "b",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "ch",
    "cl",
    "dr",
    "el",
    "fr",
    "gr",
    "kr",
    "sh",
    "st",
    "th",
    "tr",
]
VOWELS = ["a", "e", "i", "o", "u", "y", "ae", "ai", "ea", "ia", "ie", "io", "oa", "ou"]
CODAS = ["", "", "", "n", "l", "r", "s", "th", "nn", "ll", "rt", "x", "m", "d"]
ENDINGS = ["", "", "a", "ah", "ie", "y", "on", "en", "el", "ina", "ette", "ley", "o", "us"]


def make_names(n: int = 1000, seed: int = 1234) -> list[str]:
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < n:
        k = rng.choice([1, 2, 2, 2, 3])
        name = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(k)
        )
        name += rng.choice(ENDINGS)
        if 3 <= len(name) <= 10:
            names.add(name)
    return sorted(names, key=lambda s: rng.random())


if __name__ == "__main__":
    out = Path(__file__).with_name("names.txt")
    out.write_text("\n".join(make_names()) + "\n")
    print(f"wrote {out}")
