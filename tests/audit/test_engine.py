"""audit_paths over real trees: skipping, parse errors, cross-file callers, parallel runs, progress."""

from __future__ import annotations

import itertools
import os

import pytest

from llmeng.audit import AuditConfig, audit_paths, audit_source
from llmeng.errors import LlmengError

LEAF = (
    "import openai\nclient = openai.OpenAI(timeout=30)\n\n\n"
    "def ask(q):\n    return client.chat.completions.create(model='gpt-4o', messages=q, max_tokens=9)\n"
)


def _rules_at(result, path, line):
    return {f.rule_id for f in result.findings if f.location.path == str(path) and f.location.line == line}


def test_binary_huge_and_non_utf8_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "ok.py").write_text(LEAF)
    (tmp_path / "bin.py").write_bytes(b"x = 1\0\0")
    (tmp_path / "latin.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "big.py").write_text("x = 1\n" * 100)
    result = audit_paths([tmp_path], config=AuditConfig(max_file_bytes=300))
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in result.skipped}
    assert reasons["bin.py"] == "binary"
    assert reasons["latin.py"] == "not UTF-8"
    assert reasons["big.py"].startswith("too large")
    assert result.files_scanned == 1 and result.findings


def test_a_walk_passes_over_special_files_and_links_out_of_the_root_with_a_note(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "ok.py").write_text(LEAF)
    os.mkfifo(root / "pipe.py")  # would block a plain open() forever
    (root / "zero.py").symlink_to("/dev/zero")  # would be read without end
    (tmp_path / "outside.py").write_text('KEY = "sk-proj-' + "a1B2" * 12 + '"\n')
    (root / "leak.py").symlink_to(tmp_path / "outside.py")
    (root / "gone.py").symlink_to(root / "missing.py")
    os.mkfifo(root / ".env")
    result = audit_paths([root])
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in result.skipped}
    assert "FIFO" in reasons["pipe.py"] and "FIFO" in reasons[".env"]
    assert "outside" in reasons["zero.py"] and "outside" in reasons["leak.py"]
    assert reasons["gone.py"] == "a dangling symlink"
    assert result.files_scanned == 1
    assert not [f for f in result.findings if "outside" in f.location.path or "leak" in f.location.path]


def test_a_named_fifo_or_device_is_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "ok.py").write_text(LEAF)
    result = audit_paths([tmp_path / "pipe.py", tmp_path / "ok.py"])
    assert [(s.path, s.reason) for s in result.skipped] == [
        (str(tmp_path / "pipe.py"), "not a regular file (a FIFO)")
    ]


def test_unparsable_file_is_reported_not_fatal(tmp_path):
    (tmp_path / "ok.py").write_text(LEAF)
    (tmp_path / "broken.py").write_text("import openai\ndef f(:\n")
    result = audit_paths([tmp_path])
    assert [e.path for e in result.parse_errors] == [str(tmp_path / "broken.py")]
    assert "line 2" in result.parse_errors[0].reason
    assert _rules_at(result, tmp_path / "ok.py", 6)


@pytest.mark.parametrize("depth", [500, 2000])
def test_a_file_that_parses_but_nests_too_deeply_to_analyse_is_a_note_not_the_end_of_the_run(tmp_path, depth):
    # Found by tests/hostile: m()()()...() 500 deep in a call's argument parses, then ast.unparse in the
    # taint pass recursed past the limit and the whole audit ended in a traceback.
    (tmp_path / "ok.py").write_text(LEAF)
    call = "client.chat.completions.create(model='gpt-4o', messages=m" + "()" * depth + ")\n"
    (tmp_path / "deep.py").write_text("from openai import OpenAI\nclient = OpenAI(timeout=None)\n" + call)
    result = audit_paths([tmp_path])
    [(path, reason)] = [(e.path, e.reason) for e in result.parse_errors]
    assert path == str(tmp_path / "deep.py") and "nests too deeply" in reason
    assert _rules_at(result, tmp_path / "ok.py", 6)


def test_directories_like_venv_and_git_are_not_walked(tmp_path):
    for d in (".venv", ".git", "node_modules", "__pycache__"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.py").write_text(LEAF)
    (tmp_path / "app.py").write_text(LEAF)
    assert audit_paths([tmp_path]).files_scanned == 1


def test_no_python_files_is_an_error_with_a_fix(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(LlmengError) as e:
        audit_paths([tmp_path])
    assert "no Python files" in str(e.value) and e.value.fix


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(LlmengError, match="no such file"):
        audit_paths([tmp_path / "nope"])


def test_caller_in_a_file_without_llm_words_still_counts(tmp_path):
    (tmp_path / "llm_client.py").write_text(LEAF)
    # This file names no SDK, so the first pass does not parse it; the caller pass must.
    (tmp_path / "service.py").write_text(
        "from llm_client import ask\n\n\ndef handle(q):\n    try:\n        return ask(q)\n"
        "    except Exception:\n        return 'sorry'\n"
    )
    result = audit_paths([tmp_path])
    assert "LLM105" not in _rules_at(result, tmp_path / "llm_client.py", 6)
    alone = audit_paths([tmp_path / "llm_client.py"])
    assert "LLM105" in {f.rule_id for f in alone.findings}


def test_mitigation_three_callers_up_counts_but_four_does_not():
    def chain(levels: int) -> str:
        code = LEAF
        names = ["ask"] + [f"level{i}" for i in range(1, levels + 1)]
        for callee, caller in itertools.pairwise(names):
            code += f"\n\ndef {caller}(q):\n    return {callee}(q)\n"
        top = names[-1]
        return (
            code
            + f"\n\ndef main(q):\n    try:\n        return {top}(q)\n    except Exception:\n        return None\n"
        )

    near = audit_source(chain(2), "c.py")  # try/except in main: 3 levels above ask
    far = audit_source(chain(3), "c.py")  # 4 levels above ask
    assert "LLM105" not in _rules(near, 6)
    assert "LLM105" in _rules(far, 6)
    evidence = [f for f in near.findings if f.location.line == 6 and f.rule_id == "LLM102"]
    assert not evidence  # timeout=30 is explicit


def _rules(result, line):
    return {f.rule_id for f in result.findings if f.location.line == line}


def test_parallel_run_matches_serial_run_and_reports_progress(tmp_path):
    for i in range(320):
        body = LEAF if i % 40 == 0 else f"def f{i}():\n    return {i}\n"
        (tmp_path / f"m{i:03}.py").write_text(body)
    seen = []
    serial = audit_paths([tmp_path], jobs=1)
    parallel = audit_paths([tmp_path], jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert parallel.findings == serial.findings
    assert parallel.files_scanned == serial.files_scanned == 320
    assert seen and seen[-1] == (320, 320)


def test_config_files_can_switch_tracing_on(tmp_path):
    (tmp_path / "app.py").write_text(LEAF)
    assert "LLM401" in {f.rule_id for f in audit_paths([tmp_path]).findings}
    (tmp_path / ".env.example").write_text("LANGSMITH_TRACING=true\n")
    assert "LLM401" not in {f.rule_id for f in audit_paths([tmp_path]).findings}


def test_litellm_globals_set_elsewhere_in_the_project(tmp_path):
    (tmp_path / "settings.py").write_text(
        "import litellm\nlitellm.request_timeout = 30\nlitellm.num_retries = 0\n"
    )
    (tmp_path / "app.py").write_text("import litellm\nlitellm.completion(model='gpt-4o', messages=[])\n")
    found = {f.rule_id for f in audit_paths([tmp_path]).findings if f.location.line == 2}
    assert "LLM102" not in found and "LLM103" in found


def test_project_rules_need_an_llm_call(tmp_path):
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    assert audit_paths([tmp_path]).findings == ()


def test_result_to_dict_is_plain_data(tmp_path):
    (tmp_path / "app.py").write_text(LEAF)
    data = audit_paths([tmp_path]).to_dict()
    assert data["files_scanned"] == 1 and data["findings"][0]["rule"].startswith("LLM")


def test_errors_handled_at_future_result_cover_submitted_functions():
    code = LEAF + (
        "\n\nimport concurrent.futures\n\n\ndef run_all(qs):\n"
        "    with concurrent.futures.ThreadPoolExecutor() as ex:\n"
        "        futures = [ex.submit(ask, q) for q in qs]\n"
        "        for f in futures:\n            try:\n                f.result()\n"
        "            except Exception:\n                pass\n"
    )
    assert "LLM105" not in _rules(audit_source(code, "c.py"), 6)
    unhandled = code.replace(
        "            try:\n                f.result()\n            except Exception:\n                pass\n",
        "            f.result()\n",
    )
    assert "LLM105" in _rules(audit_source(unhandled, "c.py"), 6)
