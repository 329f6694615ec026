"""What a change to the safety-net lexicon does, on every training and held-out message.

Runs the deterministic safety net (``lapor_aman.safety.detect_emergency``) over every message of
``data/nlu`` and ``tests/nlu/heldout``, once with the working tree's lexicon and code and once with
those of a git revision (default ``HEAD``), and prints the emergencies caught, the false alarms, and
every message whose result changed. A reviewed lexicon change should catch more and lose nothing:

    .venv/app/bin/python scripts/lexicon_check.py            # working tree against HEAD
    .venv/app/bin/python scripts/lexicon_check.py --base main~3

Exit status 1 when the change loses an emergency or raises a new false alarm, so it can gate a review.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: scripts/ is on the path, the repository is not
    sys.path.insert(0, str(ROOT))

from lapor_aman.nlu_examples import Example, read_examples  # noqa: E402

MESSAGE_DIRS = (ROOT / "data" / "nlu", ROOT / "tests" / "nlu" / "heldout")
EMERGENCY = "emergency"
# Run inside the revision's copy of lapor_aman: reads texts on stdin, writes one 0/1 per line.
_DETECT = (
    "import sys\n"
    "from lapor_aman.safety import detect_emergency\n"
    "for line in sys.stdin.read().split('\\n'):\n"
    "    print(int(detect_emergency(line).is_emergency) if line else 0)\n"
)


@dataclass(frozen=True)
class Flip:
    message: Example
    before: bool
    after: bool

    @property
    def is_loss(self) -> bool:
        """A lost emergency or a new false alarm."""
        return self.after != (self.message.intent == EMERGENCY)


def messages(directories: Sequence[Path] = MESSAGE_DIRS) -> list[Example]:
    """Every example of every intent (``text``: entity annotations removed)."""
    return read_examples(directories)


def detect_all(texts: Sequence[str], package_root: Path) -> list[bool]:
    """The safety net's verdict on each text, with the code and lexicon under package_root."""
    completed = subprocess.run(
        [sys.executable, "-c", _DETECT],
        input="\n".join(texts),
        cwd=package_root,
        env={"PYTHONPATH": str(package_root), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    verdicts = [line == "1" for line in completed.stdout.split()]
    if len(verdicts) != len(texts):
        raise RuntimeError(f"expected {len(texts)} verdicts, got {len(verdicts)}")
    return verdicts


def export_package(revision: str, into: Path) -> Path:
    """Extract lapor_aman/ as it is at a git revision; returns the directory to import it from."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "lapor_aman"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def flips(found: Sequence[Example], before: Sequence[bool], after: Sequence[bool]) -> list[Flip]:
    return [Flip(m, b, a) for m, b, a in zip(found, before, after, strict=True) if b != a]


def summary(found: Sequence[Example], verdicts: Sequence[bool]) -> dict[str, int]:
    emergencies = [v for m, v in zip(found, verdicts, strict=True) if m.intent == EMERGENCY]
    others = [v for m, v in zip(found, verdicts, strict=True) if m.intent != EMERGENCY]
    return {
        "messages": len(found),
        "emergencies": len(emergencies),
        "caught": sum(emergencies),
        "others": len(others),
        "false_alarms": sum(others),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base", default="HEAD", help="git revision to compare with (default HEAD)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    found = messages()
    texts = [m.text for m in found]
    with tempfile.TemporaryDirectory(prefix="lexicon-check-") as tmp:
        before = detect_all(texts, export_package(args.base, Path(tmp)))
    after = detect_all(texts, ROOT)
    changed = flips(found, before, after)
    result = {
        "base": args.base,
        "before": summary(found, before),
        "after": summary(found, after),
        "changed": [
            {
                "source": f.message.source,
                "intent": f.message.intent,
                "text": f.message.text,
                "before": f.before,
                "after": f.after,
                "worse": f.is_loss,
            }
            for f in changed
        ],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        b, a = result["before"], result["after"]
        print(f"{b['messages']} messages; safety net against {args.base}:")
        print(f"  emergencies caught {b['caught']} -> {a['caught']} of {a['emergencies']}")
        print(f"  false alarms       {b['false_alarms']} -> {a['false_alarms']} of {a['others']}")
        for f in changed:
            mark = "WORSE" if f.is_loss else "better"
            print(f"  {mark:6} {f.message.intent:16} {f.message.source}: {f.message.text}")
    return 1 if any(f.is_loss for f in changed) else 0


if __name__ == "__main__":
    sys.exit(main())
