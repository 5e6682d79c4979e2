from llmeng.cli import run

run()
