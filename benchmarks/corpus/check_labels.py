"""Sanity-check the labels against the unpacked corpus.

Usage: python benchmarks/corpus/check_labels.py [--labels PATH] [--split dev|test|holdout] [--root DIR]

For every call-site label: the file exists under the corpus root, it parses, and an ast `Call` starts
on `line` whose function's last name (`create` in `client.chat.completions.create`) is the method
named in the label's `call` text. Project labels (`line` 0) must name an unpacked release. Every
label must use known rule ids, never list a rule as both expected and not expected, and no
(path, line) may be labelled twice. Prints a per-package / per-rule summary.

Exit codes: 0 all labels pass, 1 some label is wrong, 2 the corpus is not fetched or the labels
file is unreadable (run fetch.py first).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import Counter
from pathlib import Path

from labelset import LABELS, SPLITS, load_labels

HERE = Path(__file__).resolve().parent
RULES = {
    "LLM101",
    "LLM102",
    "LLM103",
    "LLM104",
    "LLM105",
    "LLM106",
    "LLM107",
    "LLM108",
    "LLM201",
    "LLM202",
    "LLM203",
    "LLM204",
    "LLM301",
    "LLM302",
    "LLM303",
    "LLM304",
    "LLM401",
}
PROJECT_RULES = {"LLM107", "LLM108", "LLM204", "LLM401"}
FIELDS = ("path", "line", "call", "expect", "not_expect", "why")


def method_of(call_text: str) -> str:
    """The last identifier before the first '(' of the label's call text."""
    head = call_text.split("(", 1)[0]
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", head)
    if not names:
        raise ValueError(f"no callable name in {call_text!r}")
    return names[-1]


def func_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def calls_by_line(path: Path, cache: dict[Path, dict[int, set[str]]]) -> dict[int, set[str]]:
    if path not in cache:
        tree = ast.parse(path.read_bytes(), filename=str(path))
        found: dict[int, set[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (name := func_name(node.func)):
                found.setdefault(node.lineno, set()).add(name)
        cache[path] = found
    return cache[path]


def check_label(label: dict, root: Path, cache: dict) -> list[str]:
    missing = [f for f in FIELDS if f not in label]
    if missing:
        return [f"missing fields {missing}"]
    problems = []
    expect, not_expect = set(label["expect"]), set(label["not_expect"])
    if unknown := (expect | not_expect) - RULES:
        problems.append(f"unknown rule ids {sorted(unknown)}")
    if both := expect & not_expect:
        problems.append(f"rules both expected and not expected: {sorted(both)}")
    if not label["why"].strip():
        problems.append("empty why")
    target = root / label["path"]
    if label["line"] == 0:
        if not target.is_dir() or "/" in label["path"]:
            problems.append("project label must name an unpacked release folder")
        if stray := (expect | not_expect) - PROJECT_RULES:
            problems.append(f"call-scope rules on a project label: {sorted(stray)}")
        return problems
    if not target.is_file():
        return problems + ["file does not exist"]
    try:
        lines = calls_by_line(target, cache)
        method = method_of(label["call"])
    except (SyntaxError, ValueError) as exc:
        return problems + [str(exc)]
    if method not in lines.get(label["line"], set()):
        have = sorted(lines.get(label["line"], set())) or "no call"
        problems.append(f"no call to {method!r} starts on line {label['line']} (found: {have})")
    if stray := (expect | not_expect) & PROJECT_RULES:
        problems.append(f"project rules on a call label: {sorted(stray)}")
    return problems


def summarize(labels: list[dict]) -> str:
    per_pkg = Counter(lab["path"].split("/", 1)[0] for lab in labels if lab["line"])
    exp = Counter(r for lab in labels for r in lab["expect"])
    nexp = Counter(r for lab in labels for r in lab["not_expect"])
    out = [f"{len(labels)} labels, {sum(per_pkg.values())} call sites"]
    out += [f"  {pkg:28} {n}" for pkg, n in sorted(per_pkg.items())]
    out.append("  rule     expect  not_expect")
    out += [f"  {r}  {exp[r]:6}  {nexp[r]:10}" for r in sorted(RULES) if exp[r] or nexp[r]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS, help="a labels folder or .jsonl file")
    parser.add_argument("--split", choices=SPLITS, help="only this half")
    parser.add_argument("--root", type=Path, default=HERE / "downloads")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"error: {args.root} missing; run python benchmarks/corpus/fetch.py first", file=sys.stderr)
        return 2
    try:
        labels = load_labels(args.labels, args.split)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args.labels}: {exc}", file=sys.stderr)
        return 2
    cache: dict = {}
    seen: Counter = Counter((lab.get("path"), lab.get("line")) for lab in labels)
    bad = 0
    for number, label in enumerate(labels, 1):
        problems = check_label(label, args.root, cache)
        if seen[(label.get("path"), label.get("line"))] > 1:
            problems.append("duplicate (path, line)")
        for problem in problems:
            print(f"{label['_source']}: {label.get('path')}:{label.get('line')}: {problem}")
        bad += bool(problems)
    print(summarize(labels))
    print(f"{len(labels) - bad} ok, {bad} bad")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
