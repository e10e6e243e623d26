"""How good the tag suggestions are (tags/suggest.py) on the two shared UPR lists. Prints numbers.

    python bench/tag_suggestions.py

- SDGs: 5-fold cross-validation within cycle 3 (cycle 2 states no SDGs), folds by a fixed
  shuffle of the rows; micro precision, recall and F1 over all folds.
- Themes and groups: learnt from cycle 2, measured on cycle 3 (a cycle the model has not
  seen); a theme or group is the same term by its code (`term_code`).
No database: the lists are parsed and the model built from the parsed rows.
"""

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.test")

import django  # noqa: E402

django.setup()

from recommendations.importing.parsers.upr import parse_docx  # noqa: E402
from recommendations.tags.services import tag_key  # noqa: E402
from recommendations.tags.suggest import THRESHOLD, Example, K, Model  # noqa: E402
from recommendations.tags.vocabularies import Vocabulary  # noqa: E402

LISTS = ROOT / "tests" / "fixtures" / "upr"
FOLDS = 5


def examples(path: Path, year: int) -> list[Example]:
    records = parse_docx(path.read_bytes(), year=year).records
    return [
        Example(
            record.action,
            tuple(
                tag_key(vocabulary, term)
                for vocabulary in (Vocabulary.SDG, Vocabulary.THEME, Vocabulary.GROUP)
                for term in record.tags[vocabulary]
            ),
        )
        for record in records
    ]


def counts(model: Model, tested: list[Example], vocabulary: str) -> tuple[int, int, int]:
    true_positive = false_positive = false_negative = 0
    for example in tested:
        suggested = {code for code, _score in model.suggest(example.text)[vocabulary]}
        stated = {code for kind, code in example.tags if kind == vocabulary}
        true_positive += len(suggested & stated)
        false_positive += len(suggested - stated)
        false_negative += len(stated - suggested)
    return true_positive, false_positive, false_negative


def line(name: str, tp: int, fp: int, fn: int) -> str:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"{name}: micro precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    cycle_2 = examples(LISTS / "UPR20__Slovenia_ThematicListRecommendations_E.docx", 2014)
    cycle_3 = examples(LISTS / "UPR34_Slovenia_Thematic_list_of_Recommendations.docx", 2019)
    print(f"k={K}, threshold={THRESHOLD}; cycle 2: {len(cycle_2)} rows, cycle 3: {len(cycle_3)} rows")
    order = list(range(len(cycle_3)))
    random.Random(29).shuffle(order)  # noqa: S311 - a fixed shuffle of the rows, not a secret
    totals = [0, 0, 0]
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        model = Model([example for index, example in enumerate(cycle_3) if index not in held])
        for index, value in enumerate(counts(model, [cycle_3[index] for index in sorted(held)], Vocabulary.SDG)):
            totals[index] += value
    print(line(f"SDGs, {FOLDS}-fold cross-validation within cycle 3", *totals))
    model = Model(cycle_2)
    for vocabulary, name in ((Vocabulary.THEME, "Themes"), (Vocabulary.GROUP, "Groups")):
        print(line(f"{name}, learnt from cycle 2, on cycle 3", *counts(model, cycle_3, vocabulary)))


if __name__ == "__main__":
    main()
