"""The HTCDS v2.0 schema as typed data: complete, typed, and identical to the reference when present."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tipnet.core.standard import HTCDS, FieldType

REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "htcds" / "HTCDS Field Standards 2.0.ods"


def test_every_field_of_the_ods_is_there_with_a_type() -> None:
    assert len(HTCDS.fields) == 84
    assert len(set(HTCDS.names)) == 84
    assert all(isinstance(f.type, FieldType) for f in HTCDS)
    assert {f.prefix for f in HTCDS} == {"org_", "prs_", "vic_", "per_", "cas_", "cco_", "hte_", "spl_", "con_"}


def test_picklists_carry_their_value_names() -> None:
    assert HTCDS["prs_Gender"].values == (
        "Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming", "NonSpecifiedUnknown")
    assert len(HTCDS["vic_MethodsOfControl"].values) == 16
    assert len(HTCDS["vic_TypeOfExploitation"].values) == 11
    assert HTCDS["vic_TypeOfExploitation"].type == FieldType.MULTI_PICKLIST
    assert "Line" in HTCDS["vic_RecruitmentWebsitesAndApps"].values
    assert HTCDS["spl_Type"].values[-1] == "SocialCare"


def test_code_lists_replace_instructions() -> None:
    citizenship = HTCDS["prs_Citizenship"]
    assert citizenship.type == FieldType.MULTI_PICKLIST and citizenship.code_list == "iso3166"
    assert {"JP", "VN", "PH"} <= citizenship.allowed()
    assert {"jpn", "ja", "vie"} <= HTCDS["prs_PrimaryLanguage"].allowed()


def test_types_core_status_and_required() -> None:
    assert HTCDS["prs_Birthdate"].type == FieldType.DATE and HTCDS["prs_Birthdate"].core
    assert HTCDS["con_Consent"].type == FieldType.CHECKBOX
    assert HTCDS["vic_LocationOfExploitation"].type == FieldType.LOOKUP
    assert HTCDS["vic_Vulnerabilities"].status == "deprecated"
    assert HTCDS["prs_MobilePhone"].is_phone
    assert not any(f.required for f in HTCDS)  # HTCDS makes no field mandatory (schema.py)
    assert HTCDS.to_dict()["fields"][0]["name"] == "org_Name"


@pytest.mark.skipif(not REFERENCE.exists(), reason="the HTCDS reference (../shared) is not beside this checkout")
def test_checked_in_data_is_what_the_generator_makes(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
    try:
        import gen_htcds_schema  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    fields = gen_htcds_schema.fields_from_rows(gen_htcds_schema.read_rows(REFERENCE))
    out = tmp_path / "_htcds_v2.py"
    gen_htcds_schema.write_schema(fields, out)
    checked_in = Path(__file__).resolve().parents[3] / "src" / "tipnet" / "core" / "standard" / "_htcds_v2.py"
    assert out.read_text() == checked_in.read_text()


def test_standard_imports_without_django() -> None:
    code = "import sys, tipnet.core.standard; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
