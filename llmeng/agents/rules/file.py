"""AG1xx: can the file be read, and is its frontmatter there and parseable?"""

from __future__ import annotations

from collections.abc import Iterator

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.agents.encoding import find_mojibake
from llmeng.agents.rules import SRC_REF, doc_finding
from llmeng.findings import Finding, Severity, Verdict
from llmeng.rules import Rule

CAT = "file"

NO_FRONTMATTER = Rule(
    id="AG101",
    name="no-frontmatter",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="The file has no YAML frontmatter, so Claude Code loads no agent from it.",
    why="Claude Code reads every `*.md` in an agents folder as an agent; a file without a `---` "
    "frontmatter block has no name, so it is skipped without a word, even in the debug log. If this "
    "file was meant to be an agent, it is invisible. (In a plugin's `agents/` it loads, named after "
    "the file and with no description: a warning there.) A README.md is AG112.",
    bad="# My agent\nYou review code.",
    good="---\nname: reviewer\ndescription: Reviews diffs.\n---\nYou review code.",
    fix="Start the file with a `---` block holding at least `name` and `description`, or move the document "
    "out of the agents folder.",
    sources=(SRC_REF + " §1.7",),
)
YAML_INVALID = Rule(
    id="AG102",
    name="yaml-invalid",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="The frontmatter is not YAML, even after Claude Code's lenient retry: the agent does not load.",
    why="When both the strict parse and the retry with quoted values fail, Claude Code sees an empty "
    "frontmatter, finds no name, and skips the agent without telling anyone (only the debug log knows).",
    bad="---\nname: x\ndescription: [unclosed\n  tools: {\n---\n",
    good="---\nname: x\ndescription: Reviews diffs.\n---\n",
    fix="Fix the YAML at the reported line; quote values that contain `: `, `#`, `[` or `{`.",
    sources=(SRC_REF + " §1.6",),
)
YAML_STRICT_ONLY = Rule(
    id="AG103",
    name="yaml-needs-lenient-parse",
    severity=Severity.WARNING,
    category=CAT,
    fixable=True,
    summary="Claude Code loads this frontmatter only through its lenient retry; strict YAML parsers reject it.",
    why="Claude Code quotes unquoted values containing `: ` or special characters and parses again, so the "
    "agent loads; `claude plugin validate`, PyYAML, editors and other tools fail on the file.",
    bad="---\nname: x\ndescription: Use when: the user asks\n---\n",
    good='---\nname: x\ndescription: "Use when: the user asks"\n---\n',
    fix="Quote the value or use a block scalar (`description: >-`); `llmeng validate --fix` quotes it for you.",
    sources=(SRC_REF + " §1.6, §5",),
)
NOT_MAPPING = Rule(
    id="AG104",
    name="frontmatter-not-mapping",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="The frontmatter is YAML but not a mapping of keys to values: the agent does not load.",
    why="Claude Code reads `name` and `description` from a mapping; a list or a bare string has neither.",
    bad="---\n- name: x\n---\n",
    good="---\nname: x\ndescription: Reviews diffs.\n---\n",
    fix="Write the frontmatter as `key: value` lines.",
    sources=(SRC_REF + " §1.7",),
)
TOO_LARGE = Rule(
    id="AG105",
    name="file-too-large",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="The file is over 1 MiB; Claude Code does not load it.",
    why="Claude Code skips agent files above its 1 MiB limit. Nothing in the session says so.",
    bad="(a 2 MiB agent file)",
    good="(an agent file of a few KiB)",
    fix="Shorten the body; move reference material into files the agent reads when it needs them.",
    sources=(SRC_REF + " §1.1",),
)
BOM = Rule(
    id="AG106",
    name="byte-order-mark",
    severity=Severity.WARNING,
    category=CAT,
    fixable=True,
    summary="The file starts with a UTF-8 byte-order mark.",
    why="Claude Code 2.1.330 strips the mark before it reads the frontmatter, but many other tools "
    "(YAML front-matter parsers, `head`-based scripts, older Claude Code builds) see a first line that "
    "is not `---` and find no frontmatter.",
    bad="\\ufeff---\nname: x\n---\n",
    good="---\nname: x\n---\n",
    fix="Save the file as UTF-8 without BOM; `llmeng validate --fix` removes it.",
    sources=(SRC_REF + " §1.3",),
)
CRLF = Rule(
    id="AG107",
    name="crlf-line-endings",
    severity=Severity.INFO,
    category=CAT,
    fixable=True,
    summary="The file uses Windows (CRLF) line endings.",
    why="Claude Code copes, but carriage returns end up in values and the system prompt, and diffs and "
    "other tools disagree about the file.",
    bad="---\\r\\nname: x\\r\\n---\\r\\n",
    good="---\nname: x\n---\n",
    fix="Convert to LF line endings; `llmeng validate --fix` does it.",
    sources=(SRC_REF + " §1.3",),
)
MOJIBAKE = Rule(
    id="AG108",
    name="mojibake",
    severity=Severity.WARNING,
    category=CAT,
    fixable=True,
    summary="The text has mojibake: UTF-8 that was decoded with another encoding (e.g. `â†’` for `→`).",
    why="The model reads the garbled characters as written, which wastes tokens and can change meaning; "
    "U+FFFD marks characters that were lost for good.",
    bad="Prompt optimization ‚Üí llm-prompt-engineer",
    good="Prompt optimization → llm-prompt-engineer",
    fix="Re-decode the text; `llmeng validate --fix` repairs reversible mojibake (U+FFFD needs a person).",
    sources=("ftfy: https://ftfy.readthedocs.io",),
)
INVALID_UTF8 = Rule(
    id="AG109",
    name="invalid-utf8",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="The file is not valid UTF-8.",
    why="Claude Code reads agent files as UTF-8; invalid bytes become replacement characters or binary "
    "content ends up in the system prompt.",
    bad="(bytes 0xff 0xfe in the file)",
    good="(UTF-8 text)",
    fix="Re-save the file as UTF-8 text.",
    sources=(SRC_REF + " §1.1",),
)
CLOSED_MID_LINE = Rule(
    id="AG110",
    name="frontmatter-cut-by-dashes",
    severity=Severity.ERROR,
    category=CAT,
    summary="A `---` inside a frontmatter value ends the frontmatter early.",
    why="Claude Code's frontmatter pattern stops at the first `---` anywhere, not only on its own line, "
    "so the rest of the value and every key after it land in the body.",
    bad="---\nname: x\ndescription: before---after\n---\n",
    good="---\nname: x\ndescription: before, after\n---\n",
    fix="Remove `---` from frontmatter values (use a dash or a comma).",
    sources=(SRC_REF + " §1.3",),
)
README_IN_AGENTS = Rule(
    id="AG112",
    name="readme-in-agents-folder",
    severity=Severity.INFO,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="A README.md without frontmatter in an agents folder: Claude Code skips it, as a README should be.",
    why="Claude Code treats a README like any other markdown file without frontmatter and drops it "
    "silently. That is the usual way to document an agents folder, so llmeng says so once, as advice, "
    "instead of calling it a broken agent (AG101).",
    bad="(.claude/agents/README.md)\n# Our agents\nWhat each agent is for.",
    good="(docs/agents.md)\n# Our agents\nWhat each agent is for.",
    fix="Nothing to do if the file is documentation; give it frontmatter if it was meant to be an agent.",
    sources=(SRC_REF + " §1.7", "tests/e2e/test_loader_facts_e2e.py"),
)
EMPTY_BODY = Rule(
    id="AG111",
    name="empty-body",
    severity=Severity.WARNING,
    category=CAT,
    summary="The agent has no body, so it runs with no system prompt of its own.",
    why="The body after the frontmatter is the subagent's system prompt; without it the agent knows only "
    "its description.",
    bad="---\nname: x\ndescription: Reviews diffs.\n---\n",
    good="---\nname: x\ndescription: Reviews diffs.\n---\nYou review diffs for correctness.",
    fix="Write the agent's instructions after the closing `---`.",
    sources=(SRC_REF + " §1.3",),
)
UNREADABLE = Rule(
    id="AG113",
    name="unreadable-file",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="The file could not be read.",
    why="A file the linter cannot read is a file Claude Code cannot read either.",
    bad="(a file without read permission)",
    good="(a readable file)",
    fix="Check the file's permissions and that it is a regular file.",
    sources=(SRC_REF + " §1.1",),
)
CHECK_FAILED = Rule(
    id="AG114",
    name="check-crashed",
    severity=Severity.ERROR,
    category=CAT,
    summary="One of llmeng's checks failed on this file, so its verdict is incomplete.",
    why="A check that stops half-way can neither clear the file nor report what it missed; the run goes on "
    "with every other check and file, and this finding keeps the gap from reading as a clean result.",
    bad="(a file on which one of the checks raises an exception)",
    good="(a file every check finishes on)",
    fix="Report it to llmeng with the file attached; until then, review the file by hand.",
    sources=(SRC_REF + " §1.1",),
)
# Rules the linter itself raises around the checks, rather than a check of their own.
GUARD_RULES = (CHECK_FAILED,)


def check_failed(doc: AgentDoc, check_name: str, error: Exception) -> Finding:
    """The finding that stands in for a check that raised on `doc`."""
    detail = f"{type(error).__name__}: {error}"
    return doc_finding(CHECK_FAILED, doc, f"the check {check_name} failed ({detail[:200]})", line=1)


def read_problem(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    if doc.read_error is not None:
        rule_id, message, line = doc.read_error
        rule = {r.id: r for r in (TOO_LARGE, INVALID_UTF8, UNREADABLE)}[rule_id]
        yield doc_finding(rule, doc, message, line=line)


def frontmatter_present(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    p = doc.parsed
    if p is None:
        return
    if not p.has_frontmatter:
        if doc.plugin is not None:
            yield doc_finding(
                NO_FRONTMATTER,
                doc,
                "no frontmatter: Claude Code loads it as a plugin agent named after the file, with no description",
                line=1,
                severity=Severity.WARNING,
                effect=Verdict.LOADED,
            )
        elif doc.path.stem.lower() == "readme":
            yield doc_finding(
                README_IN_AGENTS,
                doc,
                "a README without frontmatter: Claude Code skips it as documentation",
                line=1,
            )
        else:
            yield doc_finding(
                NO_FRONTMATTER,
                doc,
                "no frontmatter: Claude Code skips this file silently; it is no agent",
                line=1,
            )
    elif p.not_mapping:
        yield doc_finding(
            NOT_MAPPING,
            doc,
            f"the frontmatter is not a mapping: {_unparsed_outcome(doc)}",
            line=p.fm_line,
            effect=_unparsed_effect(doc),
        )
    elif p.strict_error is not None and not p.lenient_ok:
        e = p.strict_error
        yield doc_finding(
            YAML_INVALID,
            doc,
            f"invalid YAML ({e.message}): {_unparsed_outcome(doc)}",
            line=e.line,
            col=e.col,
            effect=_unparsed_effect(doc),
        )
    elif p.strict_error is not None:
        e = p.strict_error
        yield doc_finding(
            YAML_STRICT_ONLY,
            doc,
            f"strict YAML fails ({e.message}); Claude Code loads it only "
            "after quoting values, other tools will not",
            line=e.line,
            col=e.col,
        )
    if p.close_mid_line:
        yield doc_finding(
            CLOSED_MID_LINE,
            doc,
            "the frontmatter ends at a `---` in the middle of a line",
            line=p.fm_line + p.frontmatter_text.count("\n"),
        )


def _unparsed_outcome(doc: AgentDoc) -> str:
    if doc.plugin is None:
        return "Claude Code will not load this agent"
    return "Claude Code loads this plugin agent named after its file, with every other field dropped"


def _unparsed_effect(doc: AgentDoc) -> Verdict | None:
    """A plugin agent whose frontmatter Claude Code cannot read still loads, named after its file."""
    return Verdict.LOADED if doc.plugin is not None else None


def encoding(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    if doc.text is None:
        return
    if doc.has_bom:
        yield doc_finding(BOM, doc, "the file starts with a byte-order mark (U+FEFF)", line=1)
    if "\r\n" in doc.text:
        yield doc_finding(CRLF, doc, "the file uses CRLF line endings", line=1)
    spot = find_mojibake(doc.text)
    if spot is not None:
        line, sample = spot
        yield doc_finding(MOJIBAKE, doc, f"mojibake: {sample!r}", line=line)


def body_present(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    p = doc.parsed
    if p is not None and p.data is not None and not p.body.strip():
        last = (doc.text or "").count("\n") + 1
        yield doc_finding(
            EMPTY_BODY, doc, "the agent has no body (system prompt)", line=min(p.body_line, last)
        )


FILE_CHECKS = (
    (UNREADABLE, read_problem),
    (TOO_LARGE, read_problem),
    (INVALID_UTF8, read_problem),
    (NO_FRONTMATTER, frontmatter_present),
    (README_IN_AGENTS, frontmatter_present),
    (YAML_INVALID, frontmatter_present),
    (YAML_STRICT_ONLY, frontmatter_present),
    (NOT_MAPPING, frontmatter_present),
    (CLOSED_MID_LINE, frontmatter_present),
    (BOM, encoding),
    (CRLF, encoding),
    (MOJIBAKE, encoding),
    (EMPTY_BODY, body_present),
)
