"""The esco-links library query on the shipped standard: curated links (mappings/*.sssom.tsv) apart
from suggested ones (the other ESCO occupations of the qualification's ISCO group).

Every expected row below is written by hand from mappings/it-juht-occupations.sssom.tsv,
mappings/it-juht-skills.sssom.tsv and the ISCO 1330 occupations of ontology/esco.ttl."""
from __future__ import annotations

from pathlib import Path

import pytest

import kutse_rdf.query as q

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
OCC = "occupation/"
SKILL = "skill/"

# it-juht-occupations.sssom.tsv: (ESCO concept, relation), one per row
CURATED_OCCUPATIONS = {
    (OCC + "82f90e87-de92-4678-adae-61d3e5f7e1e4", "qualifiesFor"),  # qualification: chief information officer
    (OCC + "7b1b5da8-573a-49bb-a38e-68725a949f4f", "relatedMatch"),  # qualification: chief technology officer
    (OCC + "7b1b5da8-573a-49bb-a38e-68725a949f4f", "qualifiesFor"),  # IT arendusjuht: the same
    (OCC + "719f101d-1866-49d3-8d5c-2256f606a8b9", "relatedMatch"),  # IT arendusjuht: digital transformation manager
    (OCC + "f0ca39a8-1e30-487c-95f9-ef2d5e734adc", "qualifiesFor"),  # IT haldusjuht: ICT operations manager
    ("isco/C1330", "qualifiesFor"),  # IT meeskonna- ja partnerlusjuht: the ISCO group
    (OCC + "e297ec12-4712-40a4-ad98-ba004cacb205", "qualifiesFor"),  # Andmehaldusejuht: chief data officer
    (OCC + "276ba420-ef09-4a0e-b215-2c2e2f80ad28", "qualifiesFor"),  # Infoturbejuht: chief ICT security officer (ISCO 2529)
}
# esco.ttl's occupations of ISCO 1330 that no row names: suggestions
SUGGESTED_OCCUPATIONS = {
    OCC + "c90e5009-37f2-4dcd-aea2-362fc817bc98",  # ICT environmental manager
    OCC + "a79170ad-0b7b-4697-864f-1748359aa10a",  # ICT product manager
    OCC + "8b6388a4-4904-471b-9331-d3b1211f5525",  # ICT project manager
}
# it-juht-skills.sssom.tsv: (competence, ESCO concept, relation)
CURATED_SKILLS = {
    ("B.3.1", SKILL + "3cfa46e9-b7da-44ac-b09e-9596dffe0425", "narrowMatch"),
    ("B.3.1", SKILL + "17c9a790-5664-4673-8237-c4cf3c5a8da5", "relatedMatch"),
    ("B.3.4", SKILL + "4d85b881-e490-4b4c-897a-2faa4ef53956", "relatedMatch"),
    ("B.3.4", SKILL + "c453cf81-6197-428e-84c6-70c773b63f27", "relatedMatch"),
    ("B.3.5", SKILL + "cc716f65-a0d0-4fba-95d9-64c358f697c0", "narrowMatch"),
    ("B.3.5", SKILL + "8327754d-3990-4056-b07e-4faa49cfcd26", "narrowMatch"),
    ("B.3.6", SKILL + "ee02393d-27dd-438a-8879-b8088ce45e79", "relatedMatch"),
    ("B.3.8", SKILL + "3be6b84a-fa78-42b9-a8df-150cdb40b9d7", "relatedMatch"),
    ("B.3.8", SKILL + "fafe0b9d-dbd9-46bd-b770-26299539ce66", "relatedMatch"),
    ("B.3.9", SKILL + "bc067d2e-e151-408f-8e34-24effd2b7fd6", "relatedMatch"),
    ("B.3.11", SKILL + "9ff9db9d-d14b-426e-83f3-e7449af6c79f", "relatedMatch"),
    ("B.3.12", SKILL + "ddfe79e2-c2e3-4ba7-9bdf-3820b4f75b54", "closeMatch"),
    ("B.3.13", SKILL + "cd5efa8c-e44d-4cbc-91c6-796018dbed68", "narrowMatch"),
    ("B.3.13", SKILL + "94dd823c-148e-4614-a6e8-99249b16357d", "relatedMatch"),
    ("B.3.14", SKILL + "69cfc5ed-6569-4aca-a4cc-fd782ba51d9c", "closeMatch"),
    ("B.3.16", SKILL + "fafe0b9d-dbd9-46bd-b770-26299539ce66", "relatedMatch"),
    ("B.3.18", SKILL + "4918ec9a-0204-4935-8b09-b0112370daa8", "closeMatch"),
    ("B.3.18", SKILL + "11eebd42-44ab-401d-8a2c-bdb9fc9beb50", "relatedMatch"),
    ("B.3.18", SKILL + "06358891-8424-43c5-891e-d40f226bef40", "narrowMatch"),
    ("B.3.19", SKILL + "b8271c8a-cba6-4baa-80f5-6361af3f07e3", "narrowMatch"),
}
UNLINKED = {"B.3.2", "B.3.3", "B.3.7", "B.3.10", "B.3.15", "B.3.17"}  # 19 competences, 13 mapped
ESCO = "http://data.europa.eu/esco/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
KUTSE = "https://w3id.org/kutse-rdf/ontology#"


@pytest.fixture(scope="module")
def seed(pipeline_dataset):
    return q.store_from_dataset(pipeline_dataset([SEED]))


def _rows(store) -> list[dict]:
    result = q.run(store, q.library()["esco-links"])
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row)}
            for row in result.rows]


def _short(iri: str | None, prefix: str) -> str | None:
    """The IRI less `prefix` (a relation: less the SKOS or kutse namespace)."""
    if iri and prefix == SKOS and iri.startswith(KUTSE):
        return iri[len(KUTSE):]
    return iri[len(prefix):] if iri else None


def test_seed_rows_say_curated_or_suggested(seed):
    rows = _rows(seed)
    occupations = {(_short(r["esco"], ESCO), _short(r["relation"], SKOS), r["curated"])
                   for r in rows if r["kind"] == "occupation"}
    assert occupations == ({(e, rel, "true") for e, rel in CURATED_OCCUPATIONS}
                           | {(e, None, "false") for e in SUGGESTED_OCCUPATIONS})
    skills = {(r["notation"], _short(r["esco"], ESCO), _short(r["relation"], SKOS), r["curated"])
              for r in rows if r["kind"] == "skill"}
    assert skills == {(n, e, rel, "true") for n, e, rel in CURATED_SKILLS}
    unlinked = {(r["notation"], r["curated"]) for r in rows if r["kind"] == "unlinked-competence"}
    assert unlinked == {(n, None) for n in UNLINKED}
    assert len(rows) == len(CURATED_OCCUPATIONS) + len(SUGGESTED_OCCUPATIONS) + len(CURATED_SKILLS) + len(UNLINKED)


def test_labelled_table_has_the_curated_column(seed):
    result = q.run(seed, q.library()["esco-links"])
    columns, rows = q.labelled(result.variables, result.rows, seed, "en")
    assert columns == ["standard", "standardLabel", "kind", "esco", "escoLabel", "competence",
                       "competenceLabel", "notation", "relation", "relationLabel", "via",
                       "curated"]  # a boolean, no label column
    by_esco = {(row[3], row[8]): row for row in rows}
    cio = by_esco[(ESCO + OCC + "82f90e87-de92-4678-adae-61d3e5f7e1e4", KUTSE + "qualifiesFor")]
    assert (cio[4], cio[-1]) == ("chief information officer", "true")
    assert cio[9] == "kutse:qualifiesFor"  # a property is labelled by its CURIE, as skos:closeMatch is
    product = by_esco[(ESCO + OCC + "a79170ad-0b7b-4697-864f-1748359aa10a", "")]
    assert (product[4], product[-1]) == ("ICT product manager", "false")
