"""Evaluate themes and theme groups against human labels on real feedback (``../shared/data``).

At automatic k (the default engine, nothing tuned per data set) each labelled set is fitted
with :class:`feedbackml.themes.ThemeModel` and scored:

* **agreement with human labels** — NMI and ARI of the primary theme and of its group
  against: the reasons of negative airline tweets, the aspect categories of restaurant
  review sentences (single-category sentences), the consumer complaints' Issue (themes)
  and Product (groups). ``level`` says which level's count is closer to the number of
  labels (the level the issue's targets are read at);
* **granularity and membership** — themes, groups, the largest theme's share of themed
  comments, themes per themed comment and the share without a theme, also on the largest
  real sets (all airline tweets, long seat reviews);
* **precision / recall of membership** on multi-category restaurant sentences (each theme
  stands for the category most of its single-category sentences have);
* **stability** — NMI between the themes of fits with seeds 0/1/2, and between fits on two
  seeded 90 % subsamples (both applied to all comments); the share of comments that keep
  their theme ID when refitted on 90 % with ``previous``; byte-identical refits;
* **planted reasons** — whether cancellations, lost luggage and delays (airline reasons)
  each have a theme of their own (a theme where that reason is the most common one);
* **label hygiene** — labels holding a segment value (the airline), an @handle, a
  placeholder, a digit or a lemma error ("doe", "numb", "clothe", "crow").

The previous engine's figures (same script at commit a260660) are in docs/themes.md.

Usage (from the repository root)::

    python benchmarks/eval_themes.py                 # data from ../shared/data
    python benchmarks/eval_themes.py --data DIR      # another folder with the same layout
    python benchmarks/eval_themes.py --quick         # skip the stability refits
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedbackml.text.cleaning import TextCleaner  # noqa: E402
from feedbackml.themes import NO_THEME, ThemeModel  # noqa: E402

TWEETS = "twitter_us_airline_sentiment/tweets.csv"
RESTAURANTS = "semeval2014_absa_restaurants/restaurants_sentences.csv"
COMPLAINTS = "cfpb_consumer_complaints_sample/complaints_with_narrative.csv"
SEATS = "skytrax_lounge_seat_reviews/seat_reviews.csv"
PLANTED = ("Cancelled Flight", "Lost Luggage", "Late Flight")
LEMMA_ERRORS = {"doe", "numb", "clothe", "crow"}


def usable_text(texts: pd.Series) -> pd.Series:
    """Cleaned text, empty for non-answers: exactly what the pipeline gives ThemeModel."""
    cleaned = TextCleaner().transform(texts.reset_index(drop=True))
    return cleaned["clean_text"].where(~cleaned["is_nonanswer"], "")


def load(data: Path) -> dict:
    """The labelled sets: name → (texts, labels for themes, labels for groups or None, segment values)."""
    tweets = pd.read_csv(data / TWEETS, dtype=str, keep_default_na=False)
    complaint = (tweets["negativereason"] != "") & (tweets["negativereason"] != "Can't Tell")
    rest = pd.read_csv(data / RESTAURANTS, dtype=str, keep_default_na=False)
    single = ~rest["categories"].str.contains(";")
    cfpb = pd.read_csv(data / COMPLAINTS, dtype=str, keep_default_na=False)
    sets = {
        "airline complaints (reasons)": (tweets.loc[complaint, "text"], tweets.loc[complaint, "negativereason"],
                                         None, tweets["airline"].unique()),
        "restaurant sentences (categories)": (rest.loc[single, "text"], rest.loc[single, "categories"], None, ()),
        "consumer complaints (Issue / Product)": (cfpb["Consumer complaint narrative"], cfpb["Issue"],
                                                  cfpb["Product"], cfpb["Company"].unique()),
    }
    if (data / SEATS).is_file():
        seats = pd.read_csv(data / SEATS, dtype=str, keep_default_na=False)
        sets["seat reviews (no labels)"] = (seats["content"], None, None, seats["airline_name"].unique())
    sets["all airline tweets (no labels)"] = (tweets["text"], None, None, tweets["airline"].unique())
    return {name: (texts.reset_index(drop=True), None if y is None else y.reset_index(drop=True),
                   None if g is None else g.reset_index(drop=True), seg) for name, (texts, y, g, seg) in sets.items()}


def fit(texts: pd.Series, seed: int = 0, previous=None, segment_values=()) -> tuple[ThemeModel, pd.DataFrame]:
    model = ThemeModel(random_state=seed, blocked_words=tuple(segment_values))
    codes, distinct = pd.factorize(texts)
    model.fit(pd.Series(distinct, dtype=object), sample_weight=np.bincount(codes), previous=previous)
    return model, model.transform(texts)


def scores(name, texts, y, y_groups, segment_values, seed) -> dict:
    usable = usable_text(texts)
    start = time.perf_counter()
    model, out = fit(usable, seed, segment_values=segment_values)
    seconds = time.perf_counter() - start
    theme, group = out["theme_id"].to_numpy(), out["group_id"].to_numpy()
    themed = theme != NO_THEME
    shares = pd.Series(theme[themed]).value_counts(normalize=True)
    row = {"data": name, "comments": len(texts), "themes": len(model.themes_), "groups": len(model.groups_),
           "largest": float(shares.max()) if len(shares) else 0.0,
           "per_comment": float(out["themes"].str.len()[themed].mean()) if themed.any() else 0.0,
           "no_theme": float((~themed).mean()), "fit_s": seconds, "model": model, "out": out,
           "stable": (model.auto_k_ or {}).get("stability", {}).get("stable")}
    if y is not None:
        row["labels"] = y.nunique()
        row["nmi_t"], row["ari_t"] = normalized_mutual_info_score(y, theme), adjusted_rand_score(y, theme)
        target = y if y_groups is None else y_groups
        row["group_labels"] = target.nunique()
        row["nmi_g"], row["ari_g"] = normalized_mutual_info_score(target, group), adjusted_rand_score(target, group)
        closer = abs(len(model.groups_) - y.nunique()) < abs(len(model.themes_) - y.nunique())
        row["level"] = "groups" if closer and y_groups is None else "themes"
    return row


def hygiene(model: ThemeModel, segment_values) -> list[str]:
    """Labels (themes and groups) breaking a rule, with the rule."""
    seg = {w for v in segment_values for w in re.findall(r"[a-z]+", str(v).lower()) if len(w) > 2}
    bad = []
    for label in list(model.themes_["label"]) + list(model.groups_["label"]):
        words = set(re.findall(r"[\w@\[\]']+", label.lower()))
        for rule, hit in (("segment value", words & seg), ("handle", {w for w in words if w.startswith("@")}),
                          ("placeholder", {w for w in words if w.startswith("[") or re.fullmatch(r"x{2,}", w)}),
                          ("digit", {w for w in words if re.search(r"\d", w)}), ("lemma error", words & LEMMA_ERRORS)):
            if hit:
                bad.append(f"{label!r}: {rule} {sorted(hit)}")
    return bad


def multilabel(data: Path, seed: int) -> tuple[float, float, float]:
    """Micro precision / recall of the categories a sentence's themes stand for, on restaurant
    sentences with several categories; themes stand for their majority single category."""
    rest = pd.read_csv(data / RESTAURANTS, dtype=str, keep_default_na=False)
    usable = usable_text(rest["text"])
    model, out = fit(usable, seed)
    single = ~rest["categories"].str.contains(";")
    first = out["theme_id"][single & (out["theme_id"] != NO_THEME)]
    stands = pd.crosstab(first, rest.loc[first.index, "categories"]).idxmax(axis=1).to_dict()
    several = rest["categories"].str.contains(";")
    tp = fp = fn = 0
    for themes, truth in zip(out.loc[several, "themes"], rest.loc[several, "categories"]):
        found, true = {stands.get(t) for t in themes} - {None}, set(truth.split(";"))
        tp, fp, fn = tp + len(found & true), fp + len(found - true), fn + len(true - found)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), float(several.sum())


def stability(texts: pd.Series, segment_values, seed: int) -> dict:
    """Seed and subsample stability, ID retention with ``previous``, byte-identical refits."""
    usable = usable_text(texts)
    runs = [fit(usable, s, segment_values=segment_values) for s in (seed, seed + 1, seed + 2)]
    ids = [o["theme_id"].to_numpy() for _, o in runs]
    seeds = np.mean([normalized_mutual_info_score(ids[i], ids[j]) for i in range(3) for j in range(i + 1, 3)])
    rng = np.random.default_rng(seed)
    halves = []
    for _ in range(2):
        rows = np.sort(rng.choice(len(usable), int(0.9 * len(usable)), replace=False))
        model, _ = fit(usable.iloc[rows].reset_index(drop=True), seed, segment_values=segment_values)
        halves.append(model.transform(usable)["theme_id"].to_numpy())
    sub = normalized_mutual_info_score(halves[0], halves[1])
    base, base_out = runs[0]
    rows = np.sort(rng.choice(len(usable), int(0.9 * len(usable)), replace=False))
    follow, _ = fit(usable.iloc[rows].reset_index(drop=True), seed, previous=base, segment_values=segment_values)
    after = follow.transform(usable)["theme_id"].to_numpy()
    before = base_out["theme_id"].to_numpy()
    themed = before != NO_THEME
    kept = float((after[themed] == before[themed]).mean())
    twin, twin_out = fit(usable, seed, segment_values=segment_values)
    digest = lambda m, o: hashlib.sha256((m.themes_.to_csv() + m.groups_.to_csv() + o.to_csv()).encode()).hexdigest()  # noqa: E731
    return {"seeds_nmi": seeds, "subsample_nmi": sub, "kept_ids": kept,
            "identical": digest(base, base_out) == digest(twin, twin_out)}


def planted(row: dict, reasons: pd.Series) -> dict[str, bool]:
    """Whether each planted reason is the most common reason of at least one theme."""
    theme = row["out"]["theme_id"]
    ok = theme != NO_THEME
    top = pd.crosstab(theme[ok], reasons[ok]).idxmax(axis=1)
    return {reason: bool((top == reason).any()) for reason in PLANTED}


def default_data() -> Path:
    """``../shared/data`` next to the clone (or next to the folder holding a git worktree)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data(),
                        help="folder with the labelled data sets (default ../shared/data)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="skip the stability refits")
    args = parser.parse_args(argv)
    missing = [p for p in (TWEETS, RESTAURANTS, COMPLAINTS) if not (args.data / p).is_file()]
    if missing:
        print(f"eval_themes: {', '.join(missing)} not in {args.data}; pass --data DIR", file=sys.stderr)
        return 2
    sets = load(args.data)
    rows = [scores(name, *value, seed=args.seed) for name, value in sets.items()]
    print("| data | comments | themes | groups | labels | NMI themes | ARI themes | NMI groups | ARI groups |"
          " level read | largest theme | themes / themed comment | no theme | stable vs null | fit s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        def lab(key, r=r):
            return f"{r[key]:.3f}" if key in r else "—"

        labels = f"{r['labels']}" + (f" / {r['group_labels']}" if r.get("group_labels", r.get("labels")) !=
                                     r.get("labels") else "") if "labels" in r else "—"
        print(f"| {r['data']} | {r['comments']:,} | {r['themes']} | {r['groups']} | {labels} | {lab('nmi_t')} | "
              f"{lab('ari_t')} | {lab('nmi_g')} | {lab('ari_g')} | {r.get('level', '—')} | {r['largest']:.1%} | "
              f"{r['per_comment']:.2f} | {r['no_theme']:.1%} | {r['stable']} | {r['fit_s']:.1f} |")
    airline = rows[0]
    reasons = sets["airline complaints (reasons)"][1]
    print("\nplanted reasons with a theme of their own (airline complaints): "
          + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in planted(airline, reasons).items()))
    precision, recall, n = multilabel(args.data, args.seed)
    print(f"membership on {n:.0f} multi-category restaurant sentences: precision {precision:.2f}, recall {recall:.2f}")
    bad = [b for r, (name, value) in zip(rows, sets.items()) for b in hygiene(r["model"], value[3])]
    print(f"label hygiene: {len(bad)} label(s) break a rule" + ("".join(f"\n  {b}" for b in bad) if bad else ""))
    if not args.quick:
        s = stability(sets["airline complaints (reasons)"][0], sets["airline complaints (reasons)"][3], args.seed)
        print(f"airline complaints: NMI between seeds {s['seeds_nmi']:.3f}; between 90% subsamples "
              f"{s['subsample_nmi']:.3f}; theme ID kept on a 90% refit with previous {s['kept_ids']:.1%}; "
              f"byte-identical refit {'yes' if s['identical'] else 'NO'}")
    for r in rows:
        if r["data"].startswith(("airline complaints", "seat")):
            print(f"\n{r['data']}: groups and themes")
            print(taxonomy_table(r["model"], r["out"]))
    return 0


def taxonomy_table(model: ThemeModel, out: pd.DataFrame) -> str:
    sizes = out["theme_id"].value_counts()
    lines = []
    for group in model.groups_.itertuples():
        members = model.themes_[model.themes_["group_id"] == group.group_id]
        lines.append(f"  {group.label}  ({int(sizes.reindex(members['theme_id']).fillna(0).sum())})")
        lines += [f"      {t.label}  ({int(sizes.get(t.theme_id, 0))})" for t in members.itertuples()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
