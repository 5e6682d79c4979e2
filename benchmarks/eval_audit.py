"""Score llmeng.audit against the hand-made corpus labels: precision and recall per rule, micro averages.

Usage: python benchmarks/eval_audit.py [--split dev|test|tuned|holdout|all] [--corpus DIR] [--labels PATH] [--json] [--misses]

A label line is {"path": "<package>/<path in release>", "line": N, "call": "...", "expect": [...],
"not_expect": [...], "why": "..."}; only the rules it names are scored for that call site. A finding
matches a label when it is in the same file and the label's line lies within the finding's call span
(line..end_line). Project-scope labels have line 0 and match any finding of that rule in the package.
Each package is audited on its own, as a user would run `llmeng audit <package>`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from llmeng.audit import AuditConfig, audit_paths
from llmeng.audit.registry import CATALOG_RULES
from llmeng.findings import Finding

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from labelset import LABELS, SPLITS, load_labels

HERE = Path(__file__).resolve().parent
PROJECT_RULES = {"LLM107", "LLM108", "LLM204", "LLM401"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def audit_packages(corpus: Path, packages: set[str]) -> dict[str, list[tuple[str, Finding]]]:
    """Package -> (path relative to the corpus, finding) for every finding in it."""
    out: dict[str, list[tuple[str, Finding]]] = {}
    for pkg in sorted(packages):
        result = audit_paths([corpus / pkg], config=AuditConfig())
        out[pkg] = [
            (Path(f.location.path).resolve().relative_to(corpus.resolve()).as_posix(), f)
            for f in result.findings
        ]
    return out


def _matches(label: dict, rule: str, findings: list[tuple[str, Finding]]) -> bool:  # type: ignore[type-arg]
    line = int(label["line"])
    for rel, f in findings:
        if f.rule_id != rule:
            continue
        if line == 0:
            return True
        end = f.evidence.get("end_line", f.location.line)
        if rel == label["path"] and f.location.line <= line <= max(end, f.location.line):
            return True
    return False


def score(labels: list[dict], found: dict[str, list[tuple[str, Finding]]]) -> dict[str, Score]:  # type: ignore[type-arg]
    scores: dict[str, Score] = defaultdict(Score)
    for label in labels:
        findings = found[label["path"].split("/", 1)[0]]
        where = f"{label['path']}:{label['line']} {label.get('call', '')}"
        for rule in label.get("expect", []):
            if _matches(label, rule, findings):
                scores[rule].tp += 1
            else:
                scores[rule].fn += 1
                scores[rule].misses.append(f"FN {where}")
        for rule in label.get("not_expect", []):
            if _matches(label, rule, findings):
                scores[rule].fp += 1
                scores[rule].misses.append(f"FP {where}")
            else:
                scores[rule].tn += 1
    return dict(scores)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def micro(scores: dict[str, Score], rules: set[str]) -> Score:
    total = Score()
    for rule in rules:
        s = scores[rule]
        total.tp, total.fp, total.fn, total.tn = (
            total.tp + s.tp,
            total.fp + s.fp,
            total.fn + s.fn,
            total.tn + s.tn,
        )
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus" / "downloads")
    ap.add_argument("--labels", type=Path, default=LABELS, help="a labels folder or .jsonl file")
    ap.add_argument(
        "--split",
        choices=(*SPLITS, "tuned", "all"),
        default="dev",
        help="which half to score (default dev; tuned = dev + test; holdout is held out: run it only to measure)",
    )
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--misses", action="store_true", help="list every false positive and false negative")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir() or not args.labels.exists():
        print(
            f"error: need {args.corpus} and {args.labels}; run benchmarks/corpus/fetch.py first",
            file=sys.stderr,
        )
        return 2
    try:
        labels = load_labels(args.labels, None if args.split == "all" else args.split)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    found = audit_packages(args.corpus, {lab["path"].split("/", 1)[0] for lab in labels})
    scores = score(labels, found)
    active = {r for r in scores if r not in CATALOG_RULES}
    overall = micro(scores, active)
    calls = micro(scores, active - PROJECT_RULES)
    if args.json:
        print(
            json.dumps(
                {
                    "rules": {
                        r: {
                            "tp": s.tp,
                            "fp": s.fp,
                            "fn": s.fn,
                            "tn": s.tn,
                            "precision": s.precision,
                            "recall": s.recall,
                        }
                        for r, s in sorted(scores.items())
                    },
                    "micro": {"precision": overall.precision, "recall": overall.recall},
                    "micro_call_rules": {"precision": calls.precision, "recall": calls.recall},
                    "labels": len(labels),
                    "split": args.split,
                },
                indent=2,
            )
        )
        return 0
    sites = Counter(lab["path"].split("/", 1)[0] for lab in labels if int(lab["line"]) > 0)
    print(f"split: {args.split}")
    print(f"{len(labels)} labels ({sum(sites.values())} call sites) in {len(found)} packages")
    print("| rule | TP | FP | FN | TN | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for rule, s in sorted(scores.items()):
        note = " (no catalog: inactive)" if rule in CATALOG_RULES else ""
        print(
            f"| {rule}{note} | {s.tp} | {s.fp} | {s.fn} | {s.tn} | {_fmt(s.precision)} | {_fmt(s.recall)} |"
        )
    print(
        f"| micro (call-scope rules) | {calls.tp} | {calls.fp} | {calls.fn} | {calls.tn} | "
        f"{_fmt(calls.precision)} | {_fmt(calls.recall)} |"
    )
    print(
        f"| micro (active rules) | {overall.tp} | {overall.fp} | {overall.fn} | {overall.tn} | "
        f"{_fmt(overall.precision)} | {_fmt(overall.recall)} |"
    )
    if args.misses:
        for rule, s in sorted(scores.items()):
            for miss in s.misses:
                print(f"{rule} {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
