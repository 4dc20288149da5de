"""Shared fixtures: small, deterministic feedback tables built in code (no network, no ../shared)."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).parent / "fixtures"

TOPICS = {
    # topic: (phrases, score range)
    "delivery": (["delivery was late again", "my parcel arrived two weeks late",
                  "the courier lost my parcel", "late delivery and no tracking updates",
                  "delivery took far too long"], (0, 6)),
    "billing": (["I was charged twice for one order", "the invoice was wrong",
                 "billing error on my card", "still waiting for my refund after the double charge",
                 "overcharged on the invoice"], (0, 6)),
    "staff": (["the staff were friendly and helpful", "friendly staff in the store",
               "helpful staff sorted everything", "lovely friendly staff",
               "the staff member was so helpful"], (9, 10)),
}


def make_feedback(n_per_topic: int = 60, seed: int = 0) -> pd.DataFrame:
    """A small export with three clear themes, a few non-answers and one bad score."""
    rng = random.Random(seed)
    rows = []
    for phrases, (low, high) in TOPICS.values():
        for _ in range(n_per_topic):
            rows.append({"comment": f"{rng.choice(phrases)} {rng.choice(['', 'really', 'honestly', 'today'])}".strip(),
                         "nps": str(rng.randint(low, high)), "channel": rng.choice(["web", "app"])})
    rows += [{"comment": c, "nps": "8", "channel": "web"} for c in ["n/a", "", "nothing", "-"]]
    rng.shuffle(rows)
    df = pd.DataFrame(rows)
    df.insert(0, "id", [f"r{i:04d}" for i in range(len(df))])
    return df


@pytest.fixture
def feedback() -> pd.DataFrame:
    return make_feedback()


@pytest.fixture
def feedback_csv(tmp_path, feedback) -> Path:
    path = tmp_path / "feedback.csv"
    feedback.to_csv(path, index=False)
    return path
