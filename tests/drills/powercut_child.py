"""The victim of the power-cut drill: records payments through the service layer until it is killed.

    python tests/drills/powercut_child.py DATA_DIR SEED

Prints ``ready`` once the books are open, then one line per payment *after* ``record_payment``
returned (so after COMMIT): ``<uuid> <book> <year> <number> <amount>``. The drill kills it with
SIGKILL at a random moment and then checks every reported payment is in the books.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop import clock
from desktop.books import Books  # noqa: E402
from desktop.errors import Refused  # noqa: E402
from desktop.paths import DataDir  # noqa: E402
from desktop.services.payments import PaymentInput, record_payment  # noqa: E402

# Small amounts, so that a hundred trials never run out of money owed.
AMOUNTS = (1_000, 2_000, 3_000, 5_000)


def owing_pairs(books: Books) -> list[tuple[str, str]]:
    """(project, household) codes that still owe money, each first supported before today."""
    rows = books.conn.execute(
        """SELECT p.code, h.code FROM membership m JOIN project p ON p.id = m.project_id
           JOIN household h ON h.id = m.household_id
           WHERE m.supported_on <= ? ORDER BY p.code, h.code""", (clock.today().isoformat(),))
    return [(r[0], r[1]) for r in rows]


def main(data_dir: str, seed: int) -> None:
    books = Books.open(DataDir(Path(data_dir)), actor="diễn tập mất điện")
    pairs = owing_pairs(books)
    rng = random.Random(seed)
    print("ready", flush=True)
    today = clock.today()
    while pairs:
        pair = rng.choice(pairs)
        try:
            result = record_payment(books, PaymentInput(pair[0], pair[1], rng.choice(AMOUNTS), today)).to_json()
        except Refused:  # more than this household still owes: once more with the smallest amount
            try:
                result = record_payment(books, PaymentInput(pair[0], pair[1], AMOUNTS[0], today)).to_json()
            except Refused:  # it has paid everything: go on with the others
                pairs.remove(pair)
                continue
        receipt = result["receipt"]
        print(receipt["uuid"], receipt["book"], receipt["year"], receipt["number"], receipt["amount"], flush=True)
    print("exhausted", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
