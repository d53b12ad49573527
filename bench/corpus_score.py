#!/usr/bin/python3
"""Score `xiaozhi check-ports` against the deployment corpus.

Every folder of the corpus (tests/fixtures/deployments by default) holds an
expected.json whose runs say what `xiaozhi check-ports --no-probe --format json
<folder> <args...>` must report. For each run this script compares the tool's
exit code and findings with the expectation, prints the missing and extra
findings of every folder that differs, and ends with totals: true positives,
false positives, false negatives, precision and recall over the findings of all
runs, plus exit-code mismatches and malformed outputs.

A finding matches an expected entry when rule, severity and key are equal, the
deployments are equal as sets (missing means []), and, when the entry gives
"file", the finding's origin.file ends with that folder-relative path.

Exit status: 0, or with --strict 1 when anything differs; 2 on a usage error.
Standard library only.
"""

import argparse
import json
import os
import subprocess
import sys

DEFAULT_CORPUS = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "deployments"))
TIMEOUT_SECONDS = 60


class Totals:
    def __init__(self):
        self.folders = 0
        self.folders_failed = 0
        self.runs = 0
        self.runs_failed = 0
        self.true_positives = 0
        self.false_positives = 0
        self.false_negatives = 0
        self.exit_mismatches = 0
        self.malformed = 0
        self.bad_expectations = 0
        self.per_rule = {}  # rule -> [tp, fp, fn]

    def count_rule(self, rule, slot):
        self.per_rule.setdefault(rule, [0, 0, 0])[slot] += 1


def normalized_path(path):
    return os.path.normpath(str(path)).replace("\\", "/")


def file_matches(actual_file, expected_file):
    """Whether origin file `actual_file` ends with the folder-relative path `expected_file`."""
    if not isinstance(actual_file, str) or not actual_file:
        return False
    actual = normalized_path(actual_file)
    expected = normalized_path(expected_file)
    return actual == expected or actual.endswith("/" + expected)


def deployments_of(item):
    value = item.get("deployments")
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        return None
    return frozenset(str(label) for label in value)


def origin_file(finding):
    origin = finding.get("origin")
    if isinstance(origin, dict):
        return origin.get("file")
    return None


def matches(expected, actual):
    for field in ("rule", "severity", "key"):
        if expected.get(field) != actual.get(field):
            return False
    if deployments_of(expected) != deployments_of(actual):
        return False
    if "file" in expected and not file_matches(origin_file(actual), expected["file"]):
        return False
    return True


def match_findings(expected, actual):
    """Maximum one-to-one matching (Kuhn's augmenting paths); returns expected index -> actual index."""
    candidates = [[j for j, a in enumerate(actual) if matches(e, a)] for e in expected]
    owner = {}  # actual index -> expected index

    def assign(i, visited):
        for j in candidates[i]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or assign(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(len(expected)):
        assign(i, set())
    return {i: j for j, i in owner.items()}


def describe(item, with_message=False):
    deployments = sorted(deployments_of(item) or [])
    text = f"{item.get('rule')} {item.get('severity')} key={item.get('key')}"
    file = item.get("file") if "file" in item else origin_file(item)
    if file:
        if "origin" in item and isinstance(item["origin"], dict) and item["origin"].get("line"):
            file = f"{file}:{item['origin'].get('line')}"
        text += f" file={file}"
    text += f" deployments={json.dumps(deployments, ensure_ascii=False)}"
    if with_message and item.get("message"):
        text += f"\n          message: {item['message']}"
    return text


def resolve_args(folder, args):
    resolved = []
    for arg in args:
        candidate = os.path.join(folder, arg)
        resolved.append(candidate if os.path.isfile(candidate) else arg)
    return resolved


def validate_expectation(expected):
    """Problems with an expected.json, or [] when it is well formed."""
    problems = []
    if not isinstance(expected, dict) or not isinstance(expected.get("runs"), list):
        return ["expected.json must be an object with a \"runs\" list"]
    if not expected["runs"]:
        problems.append("\"runs\" is empty")
    for index, item in enumerate(expected["runs"], 1):
        if not isinstance(item, dict):
            problems.append(f"run {index} is not an object")
            continue
        if not isinstance(item.get("args", []), list):
            problems.append(f"run {index}: \"args\" must be a list")
        if item.get("exit") not in (0, 1, 2):
            problems.append(f"run {index}: \"exit\" must be 0, 1 or 2")
        if item.get("exit") == 2:
            if "errors" in item and not isinstance(item["errors"], int):
                problems.append(f"run {index}: \"errors\" must be an integer")
            continue
        findings = item.get("findings")
        if not isinstance(findings, list):
            problems.append(f"run {index}: \"findings\" must be a list")
            continue
        for f in findings:
            if not isinstance(f, dict) or not all(isinstance(f.get(k), str) for k in ("rule", "severity", "key")):
                problems.append(f"run {index}: a finding needs string rule, severity and key: {f!r}")
            elif deployments_of(f) is None:
                problems.append(f"run {index}: \"deployments\" must be a list: {f!r}")
        has_error = any(isinstance(f, dict) and f.get("severity") == "error" for f in findings)
        if (item.get("exit") == 1) != has_error:
            problems.append(f"run {index}: exit {item.get('exit')} disagrees with its findings "
                            f"({'an' if has_error else 'no'} error finding)")
    return problems


def run_tool(binary, folder, args):
    command = [binary, "check-ports", "--no-probe", "--format", "json", folder] + resolve_args(folder, args)
    try:
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=TIMEOUT_SECONDS, cwd=folder)
    except subprocess.TimeoutExpired:
        return None, b"", f"timed out after {TIMEOUT_SECONDS}s".encode()
    except OSError as error:
        return None, b"", str(error).encode()
    return completed.returncode, completed.stdout, completed.stderr


def first_line(data):
    text = data.decode("utf-8", errors="replace").strip()
    return text.splitlines()[0] if text else ""


def score_run(binary, folder, expected_run, totals, lines):
    """Scores one run; appends report lines; returns True when it matched."""
    args = expected_run.get("args", [])
    code, stdout, stderr = run_tool(binary, folder, args)
    label = "check-ports " + (" ".join(args) if args else "(no args)")
    ok = True
    problems = []
    expected_findings = [] if expected_run["exit"] == 2 else expected_run["findings"]

    if code is None:
        totals.malformed += 1
        problems.append(f"did not run: {first_line(stderr)}")
        document = None
    else:
        try:
            document = json.loads(stdout.decode("utf-8"))
            if not isinstance(document, dict):
                raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError) as error:
            document = None
            if expected_run["exit"] != 2 or "errors" in expected_run:
                totals.malformed += 1
                problems.append(f"output is not a JSON object ({error})"
                                + (f"; stderr: {first_line(stderr)}" if stderr.strip() else ""))
        if code != expected_run["exit"]:
            totals.exit_mismatches += 1
            problems.append(f"exit {code}, expected {expected_run['exit']}"
                            + (f"; stderr: {first_line(stderr)}" if stderr.strip() else ""))

    if expected_run["exit"] == 2:
        if "errors" in expected_run and document is not None:
            errors = document.get("errors")
            if not isinstance(errors, list):
                totals.malformed += 1
                problems.append("output has no \"errors\" list")
            elif len(errors) != expected_run["errors"]:
                problems.append(f"{len(errors)} entries in \"errors\", expected {expected_run['errors']}")
        ok = not problems
    else:
        actual = None
        if document is not None:
            actual = document.get("findings")
            if not isinstance(actual, list) or not all(isinstance(a, dict) for a in actual):
                totals.malformed += 1
                problems.append("output has no \"findings\" list of objects")
                actual = None
        if actual is None:
            actual = []
        matched = match_findings(expected_findings, actual)
        used = set(matched.values())
        missing = [e for i, e in enumerate(expected_findings) if i not in matched]
        extra = [a for j, a in enumerate(actual) if j not in used]
        totals.true_positives += len(matched)
        totals.false_negatives += len(missing)
        totals.false_positives += len(extra)
        for i in matched:
            totals.count_rule(expected_findings[i].get("rule"), 0)
        for e in missing:
            totals.count_rule(e.get("rule"), 2)
        for a in extra:
            totals.count_rule(a.get("rule"), 1)
        for e in missing:
            problems.append("missing: " + describe(e))
        for a in extra:
            problems.append("extra:   " + describe(a, with_message=True))
        ok = not problems

    if not ok:
        lines.append(f"  run {label}")
        lines.extend("    " + p for p in problems)
    return ok


def folders_in(corpus, only):
    names = sorted(name for name in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, name)))
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise SystemExit(f"corpus_score: no such folder in {corpus}: {', '.join(unknown)}")
        names = [name for name in names if name in set(only)]
    return names


def ratio(numerator, denominator):
    return f"{numerator / denominator:.3f}" if denominator else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the xiaozhi binary to run")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS,
                        help="folder of deployment folders (default: tests/fixtures/deployments)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any mismatch")
    parser.add_argument("--only", nargs="+", metavar="FOLDER", help="score only these folders")
    parser.add_argument("--quiet", action="store_true", help="print only the folders that differ and the totals")
    options = parser.parse_args()

    binary = os.path.abspath(options.binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"corpus_score: {options.binary} is not an executable file", file=sys.stderr)
        return 2
    corpus = os.path.abspath(options.corpus)
    if not os.path.isdir(corpus):
        print(f"corpus_score: {options.corpus} is not a folder", file=sys.stderr)
        return 2

    totals = Totals()
    for name in folders_in(corpus, options.only):
        folder = os.path.join(corpus, name)
        totals.folders += 1
        lines = []
        path = os.path.join(folder, "expected.json")
        try:
            with open(path, encoding="utf-8") as f:
                expected = json.load(f)
            problems = validate_expectation(expected)
        except (OSError, ValueError) as error:
            problems = [f"cannot read expected.json: {error}"]
        if problems:
            totals.bad_expectations += 1
            totals.folders_failed += 1
            print(f"FAIL {name}: bad expected.json")
            for problem in problems:
                print("    " + problem)
            continue
        folder_ok = True
        for expected_run in expected["runs"]:
            totals.runs += 1
            if not score_run(binary, folder, expected_run, totals, lines):
                totals.runs_failed += 1
                folder_ok = False
        if folder_ok:
            if not options.quiet:
                print(f"ok   {name}")
        else:
            totals.folders_failed += 1
            print(f"FAIL {name}")
            for line in lines:
                print(line)

    tp, fp, fn = totals.true_positives, totals.false_positives, totals.false_negatives
    print()
    if totals.per_rule:
        print("per rule (tp fp fn):")
        for rule in sorted(totals.per_rule):
            r_tp, r_fp, r_fn = totals.per_rule[rule]
            print(f"  {rule:<26} {r_tp:4d} {r_fp:4d} {r_fn:4d}")
        print()
    print(f"folders: {totals.folders}, failed: {totals.folders_failed}; "
          f"runs: {totals.runs}, failed: {totals.runs_failed}")
    print(f"true positives: {tp}, false positives: {fp}, false negatives: {fn}")
    print(f"precision: {ratio(tp, tp + fp)}, recall: {ratio(tp, tp + fn)}")
    print(f"exit-code mismatches: {totals.exit_mismatches}, malformed outputs: {totals.malformed}, "
          f"bad expected.json: {totals.bad_expectations}")

    failed = totals.folders_failed > 0
    return 1 if options.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
