"""Free text -> complaint-form facts (pure functions, app environment: Python 3.11).

Each parser returns exactly the ticket's enum strings, or None when the text does not say.
Two uses: pre-filling the form from the opener and every later message (``extract_facts``), and
reading the answer to one form question (``parse_age``, ``parse_yes_no``, ...). Lexicons live in
``lapor_aman/data/lexicon/``; negation ("tidak dipukul", "jangan telepon") is honoured throughout.
"""

from lapor_aman.extract.answers import is_skip, parse_yes_no
from lapor_aman.extract.contact import (
    ContactChannel,
    SafeTimeWindow,
    parse_contact_channel,
    parse_phone,
    parse_safe_times,
)
from lapor_aman.extract.facts import Facts, extract_facts, parse_correction
from lapor_aman.extract.incident import (
    NEEDS,
    VIOLENCE_TYPES,
    LocationType,
    Need,
    ViolenceType,
    parse_lives_with,
    parse_location_type,
    parse_needs,
    parse_ongoing,
    parse_violence_types,
)
from lapor_aman.extract.people import (
    AgeGroup,
    Relation,
    ReporterRole,
    Sex,
    age_group_for,
    parse_age,
    parse_age_group,
    parse_place,
    parse_relation,
    parse_reporter_role,
    parse_sex,
)
from lapor_aman.extract.when import OccurredBucket, bucket_for, parse_occurred

__all__ = [
    "NEEDS",
    "VIOLENCE_TYPES",
    "AgeGroup",
    "ContactChannel",
    "Facts",
    "LocationType",
    "Need",
    "OccurredBucket",
    "Relation",
    "ReporterRole",
    "SafeTimeWindow",
    "Sex",
    "ViolenceType",
    "age_group_for",
    "bucket_for",
    "extract_facts",
    "is_skip",
    "parse_age",
    "parse_age_group",
    "parse_contact_channel",
    "parse_correction",
    "parse_lives_with",
    "parse_location_type",
    "parse_needs",
    "parse_occurred",
    "parse_ongoing",
    "parse_phone",
    "parse_place",
    "parse_relation",
    "parse_reporter_role",
    "parse_safe_times",
    "parse_sex",
    "parse_violence_types",
    "parse_yes_no",
]
