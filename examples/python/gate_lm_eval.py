"""Gate an lm-evaluation-harness run from Python. Run from the repository root."""
import sys

import tollgate

policy = tollgate.Policy.load("examples/lm-eval-typhoon/policy.gate")
evidence = tollgate.Evidence.load(
    ["lm-eval:examples/lm-eval-typhoon/typhoon2-3b.json"],
    baseline=["lm-eval:examples/lm-eval-typhoon/llama-3.2-3b.json"],
)
result = policy.evaluate(evidence)
print(result.to_text())
sys.exit(1 if result.decision == tollgate.Decision.BLOCK else 0)
