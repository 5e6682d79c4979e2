from llmeng.cli import main


def test_version_exits_zero(capsys):
    assert main(["--version"]) == 0
    assert "llmeng" in capsys.readouterr().out
