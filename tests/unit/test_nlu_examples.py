"""lapor_aman.nlu_examples: the one reader of Rasa NLU example files."""

from __future__ import annotations

from pathlib import Path

from lapor_aman.nlu_examples import Entity, read_examples


def test_examples_keep_their_raw_line_text_and_entities(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: inform\n  examples: |\n    - di [Kendari](place)\n",
        encoding="utf-8",
    )
    (tmp_path / "a.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: emergency\n  examples: |\n"
        '    - [suami]{"entity": "relation", "value": "partner"} lagi   mukul aku\n'
        "    - \n"
        "- synonym: partner\n  examples: |\n    - suami\n"
        "- lookup: place\n  examples: |\n    - Kendari\n",
        encoding="utf-8",
    )
    found = read_examples([tmp_path])
    assert [(e.source, e.intent, e.text) for e in found] == [
        ("a.yml", "emergency", "suami lagi mukul aku"),
        ("b.yml", "inform", "di Kendari"),
    ]
    assert found[0].raw.startswith('[suami]{"entity"')
    assert found[0].entities == (Entity("relation", "suami", "partner"),)
    assert found[1].entities == (Entity("place", "Kendari", None),)
    entity, surface, value = found[1].entities[0]
    assert (entity, surface, value) == ("place", "Kendari", None)


def test_every_example_line_of_the_heldout_files_is_read_without_annotations() -> None:
    root = Path(__file__).resolve().parents[2]
    heldout = read_examples([root / "tests" / "nlu" / "heldout"])
    lines = sum(
        1
        for path in (root / "tests" / "nlu" / "heldout").glob("*.yml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("    - ")
    )
    assert len(heldout) == lines
    assert all("](" not in e.text and "]{" not in e.text for e in heldout)
