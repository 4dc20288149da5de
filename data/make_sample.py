"""Generate the synthetic customer-feedback survey export ``data/sample_feedback.csv``.

Each row is one survey answer: ``id, submitted_at, channel, nps, comment``. The data is
fully synthetic (stdlib only, seeded with ``random.Random(SEED)``) and byte-identical on
every run. It plants known effects so the analysis can be checked against the truth:

* six themes, each written in many phrasings: ``delivery``, ``billing``, ``staff``,
  ``app``, ``price`` and ``quality``;
* ``delivery`` and ``billing`` strongly raise the odds of a detractor, ``staff`` strongly
  raises the odds of a promoter, ``app`` mildly raises detractor odds and its share of
  comments grows through 2025, ``price`` is mildly negative, ``quality`` is neutral on
  the score (its phrasing follows the score);
* the ``phone`` channel scores clearly worse than web, app and store.

Scores come from a latent satisfaction ``z = intercept + theme effects + channel effect
+ logistic noise`` cut into the eleven NPS points (an ordinal-logit model: all else equal,
a theme effect ``b`` multiplies the odds of a detractor by ``exp(-b)``; the realised
marginal odds ratios in README.md are smaller). The wording of each theme (praise or
complaint) is then drawn to agree with the score about 90% of the time.

It also plants the mess real exports have: non-answers, empty cells, typos, shouting,
negations, repeated comments, HTML fragments and entities, script/img tags, fake
e-mail addresses / phone numbers / URLs, emoji, embedded commas, quotes and newlines,
and a handful of invalid scores. ``data/README.md`` lists them with realised figures.

Usage (from the repository root)::

    python data/make_sample.py                       # writes data/sample_feedback.csv
    python data/make_sample.py --rows 1000000 --out /tmp/big.csv

Benchmarks can import it: ``generate(n_rows, seed)`` returns the rows as dicts,
``iter_rows`` yields them lazily and ``write_csv(rows, path)`` writes any iterable.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import math
import random
import re
import string
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

DEFAULT_ROWS = 2000
SEED = 20258
COLUMNS = ["id", "submitted_at", "channel", "nps", "comment"]
DEFAULT_OUT = Path(__file__).resolve().parent / "sample_feedback.csv"

# ---------------------------------------------------------------------------------
# Calendar and channels
# ---------------------------------------------------------------------------------
START_DATE = dt.date(2025, 1, 1)
N_DAYS = 365
DATES = [(START_DATE + dt.timedelta(days=d)).isoformat() for d in range(N_DAYS)]
MONTH_OF_DAY = [(START_DATE + dt.timedelta(days=d)).month for d in range(N_DAYS)]

CHANNELS = ["web", "app", "phone", "store"]
CHANNEL_WEIGHTS = [0.40, 0.28, 0.17, 0.15]
CHANNEL_EFFECT = {"web": 0.0, "app": 0.1, "phone": -1.1, "store": 0.3}

# ---------------------------------------------------------------------------------
# Score model: latent z -> NPS 0..10 via 10 cut points (score = cut points below z)
# ---------------------------------------------------------------------------------
INTERCEPT = 1.1
TOPIC_EFFECT = {  # added to z; negative = less satisfied
    "delivery": -2.3,
    "billing": -2.3,
    "staff": 1.7,
    "app": -1.3,
    "price": -0.6,
    "quality": 0.0,
}
# score s for  CUTS[s-1] <= z < CUTS[s];  detractor (0-6) <=> z < CUTS[6]
CUTS = [-3.6, -3.2, -2.8, -2.4, -2.0, -1.5, -0.9, -0.2, 0.5, 1.5]
SCORE_STR = [str(s) for s in range(11)]

# P(positive wording of a theme) for a detractor / passive / promoter.
POSITIVE_WORDING = {
    "delivery": (0.06, 0.35, 0.85),
    "billing": (0.05, 0.30, 0.80),
    "staff": (0.20, 0.75, 0.95),
    "app": (0.06, 0.35, 0.85),
    "price": (0.06, 0.40, 0.85),
    "quality": (0.08, 0.50, 0.92),
}

# ---------------------------------------------------------------------------------
# Row kinds and theme mix
# ---------------------------------------------------------------------------------
P_EMPTY = 0.02
P_NONANSWER = 0.05
P_DUPLICATE = 0.01  # exact copy of an earlier row's comment
P_GENERIC = 0.04  # themeless "great service" / "terrible experience"
P_TWO_TOPICS = 0.15  # of themed comments

TOPICS = ["delivery", "billing", "staff", "app", "price", "quality"]
# relative weights of the five non-app themes; the app share is set per month
OTHER_WEIGHTS = {"delivery": 0.26, "billing": 0.15, "staff": 0.22, "price": 0.15, "quality": 0.22}
APP_SHARE_JAN, APP_SHARE_DEC = 0.05, 0.25  # weight of "app" as first theme, Jan -> Dec (linear)


def _month_topic_cdfs() -> list[list[float]]:
    """Cumulative theme weights for months 1..12 (index 0 unused)."""
    cdfs: list[list[float]] = [[]]
    for month in range(1, 13):
        app = APP_SHARE_JAN + (APP_SHARE_DEC - APP_SHARE_JAN) * (month - 1) / 11
        weights = [OTHER_WEIGHTS.get(t, 0.0) * (1 - app) if t != "app" else app for t in TOPICS]
        total, cdf = 0.0, []
        for w in weights:
            total += w
            cdf.append(total)
        cdf[-1] = 1.0
        cdfs.append(cdf)
    return cdfs


MONTH_TOPIC_CDF = _month_topic_cdfs()

# ---------------------------------------------------------------------------------
# Phrase banks. Clauses are lower case with no final punctuation; {slots} are filled
# from SLOT_VALUES. Each theme has complaint ("neg") and praise ("pos") wordings.
# ---------------------------------------------------------------------------------
PHRASES: dict[str, dict[str, list[str]]] = {
    "delivery": {
        "neg": [
            "delivery took {weeks_w} weeks",
            "received my parcel after {n_weeks} weeks, slowest delivery ever",
            "the delivery never arrived",
            "delivery was late again",
            "delivery was so slow",
            "the courier left my parcel outside in the rain",
            "tracking said delivered but the parcel never came",
            "still waiting for my delivery after {days} days",
            "the delivery was {days} days late and no one told me why",
            "courier was useless, the delivery tracking never updated",
            "parcel arrived damaged and the delivery was a week late",
            "they missed the delivery slot twice",
            "late delivery",
            "slow delivery",
            "delivery took forever",
            "my parcel wasn't delivered on the promised day",
            "delivery is way too slow, {n_weeks} weeks for a parcel",
            "absolutely useless courier, late delivery again",
            "next day delivery took {weeks_w} weeks",
        ],
        "pos": [
            "fast delivery",
            "delivery was quick",
            "next day delivery, arrived as promised",
            "the parcel came a day early",
            "the courier was on time and the delivery tracking was spot on",
            "delivery wasn't slow at all",
            "received my parcel within {short_days} days",
            "very quick delivery",
            "delivery tracking was clear and the parcel arrived when promised",
            "no problems with the delivery",
            "super fast delivery",
            "the delivery driver was on time",
        ],
    },
    "billing": {
        "neg": [
            "i was charged twice and still no refund",
            "charged twice for the same order",
            "received the wrong invoice, charged for things i never ordered",
            "the invoice was wrong, i was charged {amount} more than at checkout",
            "i was charged twice, refund not processed after {weeks_w} weeks",
            "still didn't get my refund",
            "i was overcharged by {amount} and no refund",
            "billing error on my account, took {n_calls} calls to get a refund",
            "they charged my card {times}, waiting on a refund",
            "double charged and nobody will refund me",
            "charged for an order i cancelled, no refund yet",
            "billing is a mess, charged twice again",
            "refund promised {days} days ago and still nothing",
            "hidden charges on the invoice, i was charged {amount} extra",
            "the refund never showed up",
            "charged {amount} for something i returned, still waiting for the refund",
        ],
        "pos": [
            "charged twice by mistake but the refund was processed quickly",
            "billing was clear and i was charged the right amount",
            "got my refund within {short_days} days",
            "invoice was accurate, charged exactly what i expected",
            "they refunded the double charge straight away",
            "no issues with billing or refunds",
            "the refund was back on my card the same week",
            "clear invoice and i was only charged once",
            "quick refund, no fuss",
        ],
    },
    "staff": {
        "neg": [
            "staff were rude",
            "the assistant was unhelpful and dismissive, awful staff",
            "nobody on the staff seemed to care",
            "staff were not helpful at all",
            "rude staff",
            "the staff member i spoke to was rude and hung up on me",
            "{name} promised a call back and never rang, useless staff",
            "the staff didn't know anything",
            "unfriendly, unhelpful staff",
            "the staff were very impolite",
        ],
        "pos": [
            "friendly staff",
            "staff were really helpful",
            "the assistant {name} was lovely and really helpful",
            "{name} was so helpful and polite, lovely staff",
            "the staff went above and beyond",
            "great customer service from {name} and the staff",
            "the staff were friendly and knew their stuff",
            "no complaints about the staff",
            "polite, helpful staff",
            "the staff member i spoke to was very patient and helpful",
            "the staff could not have been more helpful",
            "{name} went out of their way to help me, lovely staff",
            "the assistant was absolutely lovely and helpful",
            "helpful and friendly staff",
            "staff were polite and sorted everything",
            "the team went above and beyond, lovely staff",
        ],
    },
    "app": {
        "neg": [
            "the app keeps crashing",
            "the app crashes every time i open it",
            "login fails on the app",
            "can't log in to the mobile app",
            "the app is so slow",
            "the latest app update broke checkout",
            "the app froze at checkout",
            "the app logged me out {times}",
            "mobile app is buggy",
            "the new update made the app unusable",
            "the app won't load my basket",
            "the payment screen in the app just spins",
            "app crashed {times} before i could order",
            "since the update the app is slow and crashes",
        ],
        "pos": [
            "the app is great",
            "the app is easy to use",
            "love the new app",
            "the mobile app works well",
            "checkout in the app is quick",
            "the app wasn't slow at all after the update",
            "smooth, reliable app",
            "the app makes reordering easy",
            "absolutely love the app",
        ],
    },
    "price": {
        "neg": [
            "too expensive for the price",
            "the price went up again",
            "the price went up by {amount}",
            "cheaper elsewhere, the price is too high",
            "found the same thing at a lower price elsewhere",
            "overpriced, the price is not worth it",
            "not worth the price",
            "prices have gone up {pct}% this year",
            "a bit pricey, the price keeps going up",
            "the price is higher than the competition",
            "way too expensive, terrible value for the price",
            "price rise again, too expensive",
        ],
        "pos": [
            "good value",
            "good value for the price",
            "great price",
            "cheaper than anywhere else, fair price",
            "it was a bargain at that price",
            "fair price",
            "reasonable price, good value",
            "not bad at all for the price",
            "the price is definitely fair",
            "good price and good value for money",
        ],
    },
    "quality": {
        "neg": [
            "the {product} broke after a week, poor quality",
            "poor quality",
            "flimsy {product}, terrible quality",
            "the quality is poor, feels flimsy and badly made",
            "product quality has gone downhill",
            "the {product} broke after {days} days, the quality is awful",
            "cheaply made, the quality is awful",
            "the {product} stopped working after {n_weeks} weeks, poor build quality",
            "quality is not what it used to be",
            "it fell apart within a month, bad quality",
            "not happy with the quality",
            "returned the {product} because the quality was so poor",
            "low quality product, badly made",
        ],
        "pos": [
            "well made, top quality",
            "great quality",
            "very sturdy, excellent quality",
            "excellent build quality",
            "product quality is excellent",
            "the {product} feels solid and well made, top quality",
            "still going strong after {months} months, top quality",
            "sturdy and well made, quality product",
            "quality is definitely better than expected",
            "the {product} is very well made, solid quality",
            "high quality product",
        ],
    },
}

# Short noun phrases for "..., shame about X" in mixed two-theme comments.
COMPLAINT_NOUNS = {
    "delivery": ["the late delivery", "the delivery", "the courier"],
    "billing": ["the double charge", "the billing", "the refund"],
    "staff": ["the rude staff", "the staff"],
    "app": ["the app", "the app crashing"],
    "price": ["the price", "the price rise"],
    "quality": ["the quality", "the flimsy {product}"],
}

# How two themes are joined: same wording (both praise / both complaint) or contrasting.
SAME_JOINERS = ("{a} and {b}", "{a}, {b}", "{a}. {b}", "{a}, also {b}")
CONTRAST_JOINERS = ("{a} but {b}", "{a}, but {b}", "{a}. however {b}", "{a} although {b}")

GENERIC = {  # themeless comments by score group: detractor, passive, promoter
    0: ["terrible experience", "not happy", "very disappointed", "never again", "awful",
        "poor service", "really poor"],
    1: ["it was alright", "average", "could be better", "decent overall", "mostly fine",
        "nothing special"],
    2: ["great service", "very happy", "would recommend", "excellent", "all good",
        "love it", "brilliant", "great service", "keep it up"],
}
CLOSERS = {
    0: ["won't be ordering again", "very disappointed", "sort it out", "not happy",
        "really not good enough"],
    1: ["otherwise fine", "overall ok", "nothing else to add", "could be better"],
    2: ["will definitely order again", "thanks", "keep up the good work",
        "would recommend to friends", "thank you"],
}
LEAD_INS = ["honestly, ", "to be honest ", "tbh ", "well, ", "overall ", "i have to say "]

NONANSWERS = ["n/a", "N/A", "nothing", "-", "no comment", "none", ".", "nothing to add",
              "na", "no", "None", "Nothing", "N/a", "no comment"]

SLOT_VALUES: dict[str, list[str]] = {
    "days": [str(d) for d in range(3, 15)],
    "short_days": ["2", "3", "two", "three", "a couple of"],
    "weeks_w": ["two", "three", "four", "2", "3"],
    "n_weeks": ["2", "3", "4", "two", "three"],
    "months": ["6", "8", "12", "18", "six"],
    "product": ["kettle", "desk lamp", "blender", "phone case", "backpack", "hair dryer",
                "duvet", "office chair", "coffee grinder", "toaster", "rain jacket", "suitcase"],
    "amount": ["£4.99", "£12", "£15.50", "£20", "£39.99", "£7.45", "£60"],
    "times": ["twice", "three times", "twice", "4 times"],
    "n_calls": ["3", "4", "5", "three", "four"],
    "pct": ["10", "15", "20", "25"],
    "name": ["Sam", "Sam", "Sam", "Priya", "Tom", "Aisha", "Dave"],
}

TYPOS = [("delivery", "delivry"), ("received", "recieved"), ("definitely", "definately"),
         ("absolutely", "absolutly"), ("really", "realy"), ("arrived", "arived"),
         ("refund", "refnd"), ("because", "becuase"), ("quality", "qaulity"),
         ("helpful", "helpfull"), ("expensive", "expencive")]
SLIPS = [("the ", "teh "), (" and ", " adn "), ("was ", "wsa ")]  # used when no TYPOS word is there
EMOJI_POS = ["😊", "👍", "🙂", "❤️", "👌"]
EMOJI_NEG = ["😡", "👎", "🙄", "😤", "😞"]
FAKE_EMAILS = ["jane.doe@example.com", "john.smith@example.org", "a.customer@example.net"]

# Realism knobs (probabilities per themed/generic comment)
P_LEAD_IN = 0.06
P_CLOSER = 0.12
P_TYPO = 0.07
P_SHOUT = 0.03  # "sooooo slow!!!" on complaints
P_CAPS = 0.03  # ALL CAPS on complaints
P_EMOJI = 0.008
P_HTML = 0.004
P_PII = 0.003
P_NEWLINE = 0.025  # closing sentence on a new line (and 1/5 of this: a line break after a comma)

# Fixed plants, placed at a fraction of the way through the file, so a file of any size
# gets each once (files under PLANT_MIN_ROWS rows get none of them). Invalid scores
# replace the score of the row at that position.
PLANT_MIN_ROWS = 100
INVALID_SCORES = [(0.031, "11"), (0.142, "-1"), (0.227, "ten"), (0.318, "9.5"),
                  (0.409, ""), (0.536, "11"), (0.644, ""), (0.759, "-1"), (0.871, "9.5")]
# "9.0" goes on the first row at/after the position whose score is 9.
DECIMAL_NINES = [0.095, 0.48, 0.93]
# Comment plants go on the first themed row at/after the position in the score group.
PLANTED_COMMENTS = [
    # (position, score group 0/1/2, theme(s), comment)
    (0.12, 0, "delivery", 'the courier wrote "sorry we missed you" but i was home all day'),
    (0.58, 2, "staff", 'Sam said "leave it with me" and sorted it in minutes, brilliant'),
    (0.33, 2, "staff", "great service <script>alert(1)</script>"),
    (0.67, 0, "app", "<img src=x onerror=alert(1)> the app crashed at checkout"),
]
# Edits that guarantee at least one of each rare artefact (they also occur at random at
# P_HTML / P_PII): applied to the first themed row at/after the position whose comment
# contains the needle.
PLANTED_EDITS = [
    # (position, needle, old, new)  -> comment.replace(old, new, 1)
    (0.05, "", "", "my email is jane.doe@example.com - "),
    (0.44, "", "", "please call me on 07700 900123. "),
    (0.78, "", "", "see https://example.com/order/123 "),
    (0.21, " and ", " and ", " &amp; "),
    (0.61, "staff", "staff", "<b>staff</b>"),
    (0.35, "received", "received", "recieved"),
    (0.70, "because", "because", "becuase"),
    (0.90, "definitely", "definitely", "definately"),
    (0.15, "absolutely", "absolutely", "absolutly"),
]

_FORMATTER = string.Formatter()
SO_RE = re.compile(r"\bso\b")
VERY_RE = re.compile(r"\bvery\b")


def _slots(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in _FORMATTER.parse(template) if name)


# template -> slot names, computed once so rows only pay for the slots they use
TEMPLATE_SLOTS = {t: _slots(t) for bank in PHRASES.values() for ts in bank.values() for t in ts}
TEMPLATE_SLOTS.update({t: _slots(t) for ts in COMPLAINT_NOUNS.values() for t in ts})


# ---------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------
def _fill(rng: random.Random, template: str) -> str:
    names = TEMPLATE_SLOTS.get(template)
    if not names:
        return template
    return template.format(**{n: rng.choice(SLOT_VALUES[n]) for n in names})


def _group(score: int) -> int:
    """0 = detractor (0-6), 1 = passive (7-8), 2 = promoter (9-10)."""
    return 0 if score <= 6 else (1 if score <= 8 else 2)


def _score(rng: random.Random, topics: Iterable[str], channel: str) -> int:
    z = INTERCEPT + CHANNEL_EFFECT[channel]
    for t in topics:
        z += TOPIC_EFFECT[t]
    u = rng.random() or 1e-12
    z += math.log(u / (1.0 - u))  # standard logistic noise
    return bisect.bisect_right(CUTS, z)


def _pick_topics(rng: random.Random, month: int) -> tuple[str, ...]:
    cdf = MONTH_TOPIC_CDF[month]
    first = TOPICS[bisect.bisect_right(cdf, rng.random() * 0.999999)]
    if rng.random() >= P_TWO_TOPICS:
        return (first,)
    while True:
        second = TOPICS[bisect.bisect_right(cdf, rng.random() * 0.999999)]
        if second != first:
            return (first, second)


def _themed_text(rng: random.Random, topics: tuple[str, ...], group: int) -> tuple[str, str]:
    """Comment text for the given themes and score group, plus polarity signs ('+'/'-')."""
    pols = ["pos" if rng.random() < POSITIVE_WORDING[t][group] else "neg" for t in topics]
    a = _fill(rng, rng.choice(PHRASES[topics[0]][pols[0]]))
    if len(topics) == 1:
        text = a
    else:
        second = topics[1]
        if pols[0] == pols[1]:
            b = _fill(rng, rng.choice(PHRASES[second][pols[1]]))
            text = rng.choice(SAME_JOINERS).format(a=a, b=b)
        elif pols[0] == "pos" and rng.random() < 0.35:
            b = _fill(rng, rng.choice(COMPLAINT_NOUNS[second]))
            text = f"{a}, shame about {b}"
        else:
            b = _fill(rng, rng.choice(PHRASES[second][pols[1]]))
            text = rng.choice(CONTRAST_JOINERS).format(a=a, b=b)
    return text, ";".join("+" if p == "pos" else "-" for p in pols)


def _decorate(rng: random.Random, text: str, negative: bool, group: int) -> str:
    """Surface variation: lead-ins, closers, typos, case, shouting, emoji, HTML, PII."""
    r = rng.random
    if r() < P_LEAD_IN:
        text = rng.choice(LEAD_INS) + text
    closer = rng.choice(CLOSERS[group]) if r() < P_CLOSER else ""
    if r() < P_TYPO:  # misspell one of the words that can be misspelt
        candidates = [pair for pair in TYPOS if pair[0] in text]
        if not candidates and r() < 0.3:
            candidates = [pair for pair in SLIPS if pair[0] in text]
        if candidates:
            right, wrong = rng.choice(candidates)
            text = text.replace(right, wrong, 1)
    if negative and r() < P_SHOUT:
        text = SO_RE.sub("sooooo", VERY_RE.sub("very very", text, 1), 1)
        end = "!!!"
    else:
        x = r()
        end = "." if x < 0.5 else ("" if x < 0.82 else ("!" if x < 0.95 else "!!"))
    if closer:
        sep = "\n" if r() < P_NEWLINE else " "
        text = f"{text}{end if end else '.'}{sep}{closer[0].upper()}{closer[1:]}"
        end = "." if r() < 0.6 else ("!" if group == 2 else "")
    elif r() < P_NEWLINE / 5:
        text = text.replace(", ", ",\n", 1)
    x = r()
    if negative and x < P_CAPS:
        text = text.upper()
    elif x < 0.68:
        text = text[0].upper() + text[1:]
    # else leave it all lower case, as many people type
    text += end
    if r() < P_EMOJI:
        text += " " + rng.choice(EMOJI_NEG if negative else EMOJI_POS)
    if r() < P_HTML:
        kind = r()
        if kind < 0.4 and " and " in text:
            text = text.replace(" and ", " &amp; ", 1)
        elif kind < 0.7:
            text = text.replace(". ", ".<br>", 1) if ". " in text else text + "<br>"
        else:
            words = text.split(" ")
            i = rng.randrange(len(words))
            words[i] = f"<b>{words[i]}</b>"
            text = " ".join(words)
    if r() < P_PII:
        kind = rng.randrange(3)
        if kind == 0:
            text += f" call me on 07700 900{rng.randrange(1000):03d}"
        elif kind == 1:
            text += f" my email is {rng.choice(FAKE_EMAILS)}"
        else:
            text += f" see https://example.com/order/{rng.randrange(10000, 99999)}"
    return text


def _due(pending: list[tuple], i: int, fits: Callable[[tuple], bool]) -> int | None:
    """Index of the first pending plant (sorted by position) due at row ``i`` that fits."""
    for k, item in enumerate(pending):
        if item[0] > i:
            return None
        if fits(item):
            return k
    return None


def iter_rows(n_rows: int = DEFAULT_ROWS, seed: int = SEED, *,
              with_truth: bool = False) -> Iterator[dict[str, str]]:
    """Yield ``n_rows`` survey rows (dicts keyed by ``COLUMNS``), sorted by date.

    With ``with_truth`` each row also carries the planted ground truth: ``kind``
    (themed / generic / nonanswer / empty / duplicate / planted), ``topics``
    (e.g. ``"app;delivery"``) and ``polarity`` (``"+;-"``: praise or complaint per theme).
    """
    rng = random.Random(seed)
    days = sorted(rng.randrange(N_DAYS) for _ in range(n_rows))
    channel_cdf = [sum(CHANNEL_WEIGHTS[: i + 1]) for i in range(len(CHANNELS))]
    width = max(5, len(str(n_rows)))
    invalid: dict[int, str] = {}
    nines: list[int] = []
    plants: list[tuple[int, int, str, str]] = []
    edits: list[tuple[int, str, str, str]] = []
    if n_rows >= PLANT_MIN_ROWS:  # tiny files (unit tests) get no fixed plants
        invalid = {int(f * n_rows): s for f, s in INVALID_SCORES}
        nines = sorted(int(f * n_rows) for f in DECIMAL_NINES)
        plants = sorted((int(f * n_rows), g, t, c) for f, g, t, c in PLANTED_COMMENTS)
        edits = sorted((int(f * n_rows), n, o, w) for f, n, o, w in PLANTED_EDITS)
    earlier: list[tuple[str, tuple[str, ...], str]] = []  # (comment, topics, polarity)
    r = rng.random
    cut_empty = P_EMPTY
    cut_non = cut_empty + P_NONANSWER
    cut_dup = cut_non + P_DUPLICATE
    cut_gen = cut_dup + P_GENERIC

    for i in range(n_rows):
        day = days[i]
        channel = CHANNELS[bisect.bisect_right(channel_cdf, r() * 0.999999)]
        x = r()
        topics: tuple[str, ...] = ()
        polarity = ""
        if x < cut_empty:
            kind, comment = "empty", ""
            score = _score(rng, topics, channel)
        elif x < cut_non:
            kind, comment = "nonanswer", rng.choice(NONANSWERS)
            score = _score(rng, topics, channel)
        elif x < cut_dup and earlier:
            comment, topics, polarity = earlier[rng.randrange(len(earlier))]
            kind = "duplicate"
            score = _score(rng, topics, channel)
        elif x < cut_gen:
            kind = "generic"
            score = _score(rng, topics, channel)
            group = _group(score)
            comment = _decorate(rng, rng.choice(GENERIC[group]), group == 0, group)
        else:
            kind = "themed"
            topics = _pick_topics(rng, MONTH_OF_DAY[day])
            score = _score(rng, topics, channel)
            group = _group(score)
            text, polarity = _themed_text(rng, topics, group)
            comment = _decorate(rng, text, polarity.startswith("-"), group)
            # a themed row may carry one of the fixed plants instead (see PLANTED_*)
            k = _due(plants, i, lambda plant, g=group: plant[1] == g)
            if k is not None:
                _, _, t, comment = plants.pop(k)
                kind, topics = "planted", tuple(t.split(";"))
                polarity = "-" if group == 0 else "+"
            else:
                k = _due(edits, i, lambda edit, c=comment: edit[1] in c)
                if k is not None:
                    _, _, old, new = edits.pop(k)
                    comment = comment.replace(old, new, 1)
        if kind in ("themed", "generic"):
            earlier.append((comment, topics, polarity))

        nps = SCORE_STR[score]
        if i in invalid:
            nps = invalid[i]
        elif nines and i >= nines[0] and score == 9:
            nines.pop(0)
            nps = "9.0"
        row = {"id": f"R{i + 1:0{width}d}", "submitted_at": DATES[day], "channel": channel,
               "nps": nps, "comment": comment}
        if with_truth:
            row["kind"] = kind
            row["topics"] = ";".join(topics)
            row["polarity"] = polarity
        yield row


def generate(n_rows: int = DEFAULT_ROWS, seed: int = SEED, *,
             with_truth: bool = False) -> list[dict[str, str]]:
    """All rows of a synthetic export as a list of dicts (see ``iter_rows``)."""
    return list(iter_rows(n_rows, seed, with_truth=with_truth))


def write_csv(rows: Iterable[dict[str, str]], path: str | Path) -> int:
    """Write rows (any iterable of dicts) as UTF-8 CSV with ``\\n`` line ends; return the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic NPS + comment survey export (see data/README.md).")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                        help=f"number of rows (default {DEFAULT_ROWS})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output CSV (default: sample_feedback.csv next to this script)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    n = write_csv(iter_rows(args.rows, args.seed), args.out)
    print(f"wrote {n} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
