from lapor_aman.consent import CONSENT_TEXT_VERSION, current_digest, recorded_digest


def test_consent_wording_change_requires_a_new_version() -> None:
    # Tickets record which consent text was agreed to; silent edits would make that record false.
    assert current_digest() == recorded_digest(), (
        f"consent wording changed: bump `version` in lapor_aman/data/consent.yml "
        f"(now {CONSENT_TEXT_VERSION}) and set sha256 to {current_digest()}"
    )


def test_consent_version_is_recorded() -> None:
    assert CONSENT_TEXT_VERSION
