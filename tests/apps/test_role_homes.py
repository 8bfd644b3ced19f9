"""Each role's home shows its work, and no page shows a link the viewing role cannot follow.

The crawl loads the demo clinic, logs in as each role, opens the home page, then every
link found on it (the role's main pages), then every link found on those; each must
answer without a 403. Links that change state (POST forms) are not followed: they are
forms, not links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

HREF = re.compile(r'href="([^"#]*)[^"]*"')
SKIP_PREFIXES = ("/static/", "/accounts/logout", "/i18n/", "/media/")


def _links(html: str) -> set[str]:
    found = set()
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(SKIP_PREFIXES):
            continue
        found.add(href)
    return found


def _crawl(client: Client, depth: int = 2) -> dict[str, int]:
    seen: dict[str, int] = {}
    response = client.get("/", follow=True)
    assert response.status_code == 200
    frontier = _links(response.content.decode())
    for _level in range(depth):
        next_frontier: set[str] = set()
        for url in sorted(frontier - set(seen)):
            answer = client.get(url, follow=True)
            seen[url] = answer.status_code
            content_type = answer.get("Content-Type", "")
            if answer.status_code == 200 and content_type.startswith("text/html"):
                next_frontier |= _links(answer.content.decode())
        frontier = next_frontier
    return seen


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", verbosity=0)


def _client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize(
    "username", ["dr.martin", "inf.bernard", "coord.petit", "admin", "monique.lefevre"]
)
def test_it_follows_every_link_of_each_roles_pages_without_a_403(demo, username):
    seen = _crawl(_client_for(username))
    forbidden = sorted(url for url, status in seen.items() if status == 403)
    assert len(seen) > 3
    assert forbidden == []
    assert not [url for url, status in seen.items() if status >= 500]


def test_it_shows_the_coordinator_the_visits_to_book_in_french(demo):
    from cryoneuro.followup.models import FollowUpItem

    client = _client_for("coord.petit")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Consultations à programmer" in html
    visit = (
        FollowUpItem.objects.filter(kind="visit", status__in=["planned", "sent"])
        .order_by("due_date")
        .first()
    )
    assert visit is not None
    assert f"/patients/{visit.patient_id}/appointments/new/" in html
    # least privilege: the coordinator still cannot open the clinical follow-up worklist
    assert client.get("/follow-up/").status_code == 403


def test_it_lists_an_evaluation_needing_review_on_the_physicians_home(demo):
    from cryoneuro.evaluation.models import Evaluation

    waiting = Evaluation.objects.filter(outcome="needs_review", reviewed_at__isnull=True).first()
    assert waiting is not None
    html = _client_for("dr.martin").get("/").content.decode()
    assert f'href="/evaluations/{waiting.pk}/"' in html
    # a nurse cannot review: the list is not on her home
    nurse_html = _client_for("inf.bernard").get("/").content.decode()
    assert f'href="/evaluations/{waiting.pk}/"' not in nurse_html


def test_it_drops_a_reviewed_evaluation_from_the_worklist(demo):
    from django.contrib.auth import get_user_model

    from cryoneuro.evaluation.models import Evaluation
    from cryoneuro.evaluation.selectors import evaluations_awaiting_review
    from cryoneuro.evaluation.services import evaluation_review

    doctor = get_user_model().objects.get(username="dr.martin")
    waiting = evaluations_awaiting_review(user=doctor).first()
    assert waiting is not None
    evaluation_review(evaluation=waiting, reviewed_by=doctor, approved=True, note="vu")
    assert waiting.pk not in set(
        evaluations_awaiting_review(user=doctor).values_list("pk", flat=True)
    )
    assert Evaluation.objects.get(pk=waiting.pk).review_approved is True


def test_it_offers_the_nurse_no_booking_link(demo):
    html = _client_for("inf.bernard").get("/follow-up/").content.decode()
    assert "/appointments/new/" not in html
