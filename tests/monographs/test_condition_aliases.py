"""A condition's aliases are a list of names: any other JSON is refused at the model, with its message next to the
field, because search reads every alias as a name (a number or a bare string broke every search)."""

import pytest
from django.core.exceptions import ValidationError

from monographs.models import Condition
from monographs.services.content import content_save
from tests.admin_forms import client_for, open_change_form

pytestmark = pytest.mark.django_db

BAD_ALIASES = [
    pytest.param(5, id="a-number"),
    pytest.param([1, 2], id="a-list-of-numbers"),
    pytest.param("MS", id="a-bare-string"),
    pytest.param(["MS", ""], id="an-empty-name"),
    pytest.param({"MS": True}, id="an-object"),
]


@pytest.mark.parametrize("aliases", BAD_ALIASES)
def test_the_service_refuses_aliases_that_are_not_a_list_of_names(shipped_content, aliases):
    condition = Condition.objects.get(slug="multiple-sclerosis")
    condition.aliases = aliases
    with pytest.raises(ValidationError) as refused:
        content_save(obj=condition, reason="test edit")
    assert "aliases" in refused.value.message_dict
    condition.refresh_from_db()
    assert condition.aliases == ["MS"]


@pytest.mark.parametrize("posted", ["5", "[1, 2]", '"MS"'])
def test_the_admin_shows_the_aliases_error_next_to_the_field(client, shipped_content, posted):
    client, _ = client_for(client, "pharmacist")
    condition = Condition.objects.get(slug="multiple-sclerosis")
    url, data = open_change_form(client, condition)
    data |= {"aliases": posted, "change_reason": "Testing aliases"}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, not a 500 and not a redirect
    assert response.context["adminform"].form.errors["aliases"] == [
        'Give a list of names in quotes, e.g. ["MS", "Multiple sclerosis"].'
    ]
    condition.refresh_from_db()
    assert condition.aliases == ["MS"]


def test_a_list_of_names_is_accepted(shipped_content):
    condition = Condition.objects.get(slug="multiple-sclerosis")
    condition.aliases = ["MS", "Disseminated sclerosis"]
    content_save(obj=condition, reason="test edit")
    condition.refresh_from_db()
    assert condition.aliases == ["MS", "Disseminated sclerosis"]
