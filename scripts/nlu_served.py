"""Parse every held-out message with a trained model exactly as the running assistant would.

Runs inside the engine environment (Python 3.10, Rasa 3.6). ``rasa test nlu`` undoes the
FallbackClassifier before scoring (a message the assistant answers with "please rephrase" is scored
as the classifier's top guess); this script keeps the served intent, so scripts/nlu_report.py can
also report the stricter "as served" figures, where a fallback is a miss.

Usage (scripts/nlu_report.py calls it):
    .venv/engine/bin/python scripts/nlu_served.py MODEL HELDOUT_DIR OUTPUT_JSON
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path


async def _parse_all(model: str, heldout: str) -> list[dict[str, object]]:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    # The danger check's own reading of the ranking (rasa-sdk is in the engine environment too).
    from actions.danger import emergency_weight

    agent = Agent.load(model)
    examples = load_data(heldout).intent_examples
    served = []
    for example in examples:
        text = example.get("text")
        result = await agent.parse_message(text)
        intent = result.get("intent") or {}
        served.append(
            {
                "text": text,
                "expected": example.get("intent"),
                "served": intent.get("name"),
                "confidence": float(intent.get("confidence") or 0.0),
                "ranking": {
                    str(item.get("name")): round(float(item.get("confidence") or 0.0), 4)
                    for item in (result.get("intent_ranking") or [])[:5]
                },
                "emergency_confidence": emergency_weight(result),
            }
        )
    return served


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    model, heldout, output = argv
    logging.disable(logging.WARNING)
    served = asyncio.run(_parse_all(model, heldout))
    Path(output).write_text(json.dumps(served, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
