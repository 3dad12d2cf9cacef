"""Answers whose exact form the design leaves open, but which every app must give alike.

These take ``clients`` (one client per app) and compare their answers with one another.
"""

import pytest
from parity._support import MIB
from parity._support import answer_of
from parity._support import login
from parity._support import multipart


def agree(answers):
    first = next(iter(answers.values()))
    report = "\n".join(f"{kind}: {answer!r}" for kind, answer in answers.items())
    assert all(answer == first for answer in answers.values()), f"the apps disagree:\n{report}"


def test_a_passport_error_with_a_status_has_the_same_body_and_content_type_everywhere(clients):
    agree({kind: answer_of(client.get("/error/upstream")) for kind, client in clients.items()})


FORM = "application/x-www-form-urlencoded"
BAD_BODIES = {
    "malformed json": (b'{"username": "ann",', "application/json"),
    "form not utf-8": (b"username=\xe9&password=x", FORM),
    "json with NaN": (b'{"a": NaN}', "application/json"),
    "json nested too deep": (b"[" * 100_000, "application/json"),
    "too many form fields": (b"&".join(b"f%d=1" % i for i in range(1500)), FORM),
    "latin-1 form": (b"username=ann&password=x", f"{FORM}; charset=latin-1"),
    "form over the cap": (b"username=ann&pad=" + b"x" * (2 * MIB), FORM),
    "multipart over the cap": multipart({"username": "ann", "pad": b"x" * (2 * MIB)}),
    "multipart without a boundary": (multipart({"username": "ann"})[0], "multipart/form-data"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_a_refused_body_gets_the_same_answer_everywhere(clients, case):
    content, content_type = BAD_BODIES[case]
    agree(
        {
            kind: answer_of(client.post("/local", content=content, headers={"Content-Type": content_type}))
            for kind, client in clients.items()
        }
    )


@pytest.mark.parametrize("page", ["/protected/%D0%BA%D0%BB", "/protected/a%20b?q=1", "/protected/page?tab=1"])
def test_the_return_location_is_the_same_everywhere(clients, page):
    locations = {}
    for kind, client in clients.items():
        client.get(page)
        locations[kind] = login(client).headers.get("location")
    agree(locations)


def test_the_login_required_location_is_the_same_everywhere(clients):
    agree({kind: client.get("/protected/%D0%BA").headers.get("location") for kind, client in clients.items()})


def test_a_failure_flash_without_a_redirect_sets_the_session_cookie_everywhere(clients):
    agree({kind: "set-cookie" in client.get("/flash/failure/no-redirect").headers for kind, client in clients.items()})
