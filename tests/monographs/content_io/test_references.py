"""References across files: every unknown or duplicated key is reported, pointing at its line."""

import pytest

from monographs.content_io import ContentInvalid, load_tree
from tests.monographs.content_io.helpers import (
    MONO,
    REF,
    RELATIVE_MONO,
    RELATIVE_REF,
    _opioids,
    _source,
    counts,
    error_matching,
    find_line,
    load_files,
    minimal_tree,
    to_toml,
    write_tree,
)


@pytest.mark.django_db
def test_every_reference_problem_is_reported_not_just_the_first(tmp_path):
    files = minimal_tree()
    _opioids(files)["severity"] = "severe"
    files[MONO]["use"][0]["condition"] = "gout"
    files[REF]["condition"][1]["sources"] = ["missing-source"]
    with pytest.raises(ContentInvalid) as excinfo:
        load_files(tmp_path, files)
    messages = [str(e) for e in excinfo.value.errors]
    assert len(messages) == 3, messages
    assert any("Value 'severe' is not a valid choice" in m for m in messages)
    assert any("no condition 'gout' is defined" in m for m in messages)
    assert any("no source 'missing-source' is defined" in m for m in messages)


@pytest.mark.django_db
def test_a_source_defined_twice_across_two_files_names_both_places(tmp_path):
    files = minimal_tree()
    files[MONO]["source"].append(_source("src-ref"))
    root = write_tree(tmp_path, files)

    with pytest.raises(ContentInvalid) as excinfo:
        load_tree(root)

    error = error_matching(excinfo, "source key 'src-ref' is already defined in")
    first_line = find_line(root / REF, "[[source]]")
    second_line = find_line(root / MONO, 'key = "src-ref"')
    assert f"{RELATIVE_MONO}:{second_line}: " in str(error)
    assert f"{RELATIVE_REF}:{first_line}" in str(error)
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_an_error_after_a_markdown_link_in_a_body_still_points_at_its_key(tmp_path):
    files = minimal_tree()
    files[MONO]["section"][0]["sources"] = ["src-leaflet", "nice-cks"]
    files[MONO] = to_toml(files[MONO]).replace(
        'body = "Baclofen relaxes *stiff* muscles."',
        'body = """Baclofen relaxes stiff muscles.\n[NHS: baclofen](https://www.nhs.uk/medicines/baclofen/)\n"""',
    )
    root = write_tree(tmp_path, files)
    with pytest.raises(ContentInvalid) as excinfo:
        load_tree(root)
    error = error_matching(excinfo, "no source 'nice-cks' is defined")
    assert error.line == find_line(root / MONO, '"nice-cks"')


def _combination(slug: str, ingredients: list[str]) -> dict:
    return {"slug": slug, "name": slug.capitalize(), "ingredients": ingredients, "brands": [], "sources": ["src-ref"]}


@pytest.mark.django_db
def test_a_combination_product_loads_with_each_of_its_medicines(tmp_path):
    files = minimal_tree()
    files[REF]["medication"].append(
        {"slug": "paracetamol", "name": "Paracetamol", "brands": ["Panadol"], "sources": ["src-ref"]}
    )
    files[REF]["medication"].append(_combination("co-morphamol", ["morphine", "paracetamol"]))
    load_files(tmp_path, files)
    from monographs.models import Medication

    combination = Medication.objects.get(slug="co-morphamol")
    assert sorted(combination.ingredients.values_list("slug", flat=True)) == ["morphine", "paracetamol"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ingredients", "message"),
    [
        pytest.param(["morphine"], "a combination lists at least two medicines", id="one-ingredient"),
        pytest.param(["morphine", "nothing"], "no medication 'nothing' is defined", id="unknown-ingredient"),
        pytest.param(["morphine", "co-mix"], "a medication cannot be its own ingredient", id="itself"),
        pytest.param(["morphine", "co-other"], "'co-other' is itself a combination", id="nested"),
    ],
)
def test_a_combination_names_two_or_more_single_medicines(tmp_path, ingredients, message):
    files = minimal_tree()
    files[REF]["medication"].append(_combination("co-other", ["morphine", "baclofen"]))
    files[REF]["medication"].append(_combination("co-mix", ingredients))
    root = write_tree(tmp_path, files)
    with pytest.raises(ContentInvalid) as excinfo:
        load_tree(root)
    error = error_matching(excinfo, message)
    assert f"{RELATIVE_REF}:" in str(error)
    assert set(counts().values()) == {0}
