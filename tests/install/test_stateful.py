"""Random sequences of installs, user edits, source changes and uninstalls keep the promises.

Invariants after every step: a file the user wrote or changed is never altered or deleted without
--force; every manifest record matches its file or the file is one the user changed; no staged or
journal files are left behind.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from llmeng.install import manifest as mf
from llmeng.install import txn
from llmeng.install.apply import apply
from llmeng.install.components import Components, Want
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.sources import default_linter

from .support import Env, request

NAMES = ("alpha", "beta", "gamma")
AGENT = "---\nname: {name}\ndescription: Agent {name}. Use when testing, revision {rev}.\n---\nBody {rev}.\n"
EXTRAS = Components(Want.PRESENT, Want.PRESENT, Want.PRESENT, Want.PRESENT)


class InstallMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="llmeng-stateful-"))
        home, project, self.source = self.tmp / "home", self.tmp / "project", self.tmp / "src"
        for d in (home, project, self.source):
            d.mkdir()
        self.env = Env(home, project, {"HOME": str(home)})
        self.lint = default_linter(env=self.env.env, cwd=project, home=home)
        self.user_files: dict[Path, bytes] = {}  # what the user last wrote, which we must never touch
        self.rev = 0
        for name in NAMES:
            self._write_source(name)

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _write_source(self, name: str) -> None:
        self.rev += 1
        (self.source / f"{name}.md").write_text(AGENT.format(name=name, rev=self.rev))

    def _agent(self, name: str) -> Path:
        return self.env.dirs().agents / f"{name}.md"

    @rule(names=st.lists(st.sampled_from(NAMES), unique=True))
    def install(self, names: list[str]) -> None:
        apply(plan_install(request(self.env.dirs(), self.source, *names, components=EXTRAS), lint=self.lint))

    @rule(names=st.lists(st.sampled_from(NAMES), min_size=1, unique=True))
    def force_install(self, names: list[str]) -> None:
        apply(
            plan_install(
                request(self.env.dirs(), self.source, *names, components=EXTRAS, force=True), lint=self.lint
            )
        )
        for name in names:  # --force is the one way a user's file may be replaced
            self.user_files.pop(self._agent(name), None)

    @rule(name=st.sampled_from(NAMES))
    def user_edits_installed_file(self, name: str) -> None:
        path = self._agent(name)
        if path.exists():
            content = path.read_bytes() + b"\nmy own note\n"
            path.write_bytes(content)
            self.user_files[path] = content

    @rule(name=st.sampled_from(NAMES))
    def user_writes_own_file(self, name: str) -> None:
        path = self._agent(name)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            content = AGENT.format(name=name, rev="mine").encode()
            path.write_bytes(content)
            self.user_files[path] = content

    @rule(name=st.sampled_from(NAMES))
    def source_changes(self, name: str) -> None:
        self._write_source(name)

    @rule(names=st.lists(st.sampled_from(NAMES), unique=True))
    def uninstall(self, names: list[str]) -> None:
        installed = {r.name for r in mf.load(self.env.dirs().manifest, "project").agents().values()}
        chosen = [n for n in names if n in installed]
        if chosen or not names:
            apply(plan_uninstall(self.env.dirs(), chosen))

    @invariant()
    def user_files_untouched(self) -> None:
        for path, content in self.user_files.items():
            assert path.read_bytes() == content, path

    @invariant()
    def manifest_matches_files(self) -> None:
        dirs = self.env.dirs()
        for rel, record in mf.load(dirs.manifest, "project").files.items():
            path = dirs.root / rel
            assert path.exists(), rel
            assert mf.sha256(path.read_bytes()) == record.sha256 or path in self.user_files, rel

    @invariant()
    def nothing_left_over(self) -> None:
        dirs = self.env.dirs()
        assert not dirs.journal.exists()
        leftovers = [
            p for p in self.env.project.rglob("*") if txn.STAGED_MARK in p.name or txn.OLD_MARK in p.name
        ]
        assert leftovers == []


InstallMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=12, deadline=None)
test_install_state_machine = InstallMachine.TestCase
