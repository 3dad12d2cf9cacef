"""Request bodies, friendly and hostile: every app decodes, caps and refuses them alike."""

import pytest
from parity._support import ANN
from parity._support import API_KEY
from parity._support import MAX_BODY
from parity._support import MIB
from parity._support import CountingBody
from parity._support import app_of
from parity._support import me
from parity._support import multipart
from parity._support import refusal_of
from parity._support import refused
from parity._support import state

FORM = "application/x-www-form-urlencoded"
CREDENTIALS = b"username=ann&password=correct+horse"


def test_a_form_login_reaches_the_view(client):
    response = client.post("/local", content=CREDENTIALS, headers={"Content-Type": FORM})
    assert (response.status_code, response.json()) == (200, state(ANN, {}))


def test_malformed_json_is_a_400(client):
    response = client.post("/local", content=b'{"username": "ann",', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert me(client) is None


def test_a_form_in_latin_1_is_a_415(client):
    headers = {"Content-Type": f"{FORM}; charset=latin-1"}
    response = client.post("/local", content=CREDENTIALS, headers=headers)
    assert response.status_code == 415


def test_a_form_that_is_not_utf_8_is_a_400(client):
    response = client.post("/local", content=b"username=\xe9&password=x", headers={"Content-Type": FORM})
    assert response.status_code == 400


def test_a_repeated_username_is_refused_as_missing_credentials(client):
    body = CREDENTIALS + b"&username=bob"
    response = client.post("/local", content=body, headers={"Content-Type": FORM})
    assert refusal_of(response) == refused(400)
    assert me(client) is None


def test_a_json_username_that_is_not_a_string_is_refused(client):
    response = client.post("/local", json={"username": {"$ne": ""}, "password": "correct horse"})
    assert refusal_of(response) == refused(400)


def test_json_with_nan_is_a_400(client):
    response = client.post(
        "/local", content=b'{"username": "ann", "password": NaN}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_json_nested_too_deep_is_a_400(client):
    response = client.post("/local", content=b"[" * 100_000, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_form_with_too_many_fields_is_a_400(client):
    body = CREDENTIALS + b"".join(b"&f%d=1" % i for i in range(1500))
    response = client.post("/local", content=body, headers={"Content-Type": FORM})
    assert response.status_code == 400
    assert me(client) is None


def test_credentials_in_the_query_are_ignored(client):
    response = client.post("/local?username=ann&password=correct+horse", content=b"", headers={"Content-Type": FORM})
    assert refusal_of(response) == refused(400)


# -- the size cap --------------------------------------------------------------------------------


def _padded_form(size: int) -> bytes:
    head = CREDENTIALS + b"&pad="
    return head + b"x" * (size - len(head))


def test_a_form_of_exactly_the_cap_is_read(client):
    response = client.post("/local", content=_padded_form(MAX_BODY), headers={"Content-Type": FORM})
    assert (response.status_code, response.json()["user"]) == (200, ANN)


def test_a_form_one_byte_over_the_cap_is_a_413(client):
    response = client.post("/local", content=_padded_form(MAX_BODY + 1), headers={"Content-Type": FORM})
    assert response.status_code == 413
    assert me(client) is None


def test_a_declared_length_over_the_cap_is_a_413_before_the_body_is_read(client):
    body = CountingBody(8 * MIB, prefix=CREDENTIALS + b"&pad=")
    headers = {"Content-Type": FORM, "Content-Length": str(body.total)}
    response = client.post("/local", content=body, headers=headers)
    assert response.status_code == 413
    assert body.pulled < 2 * MIB


CHUNKED = {
    "form": (FORM, CREDENTIALS + b"&pad="),
    "json": ("application/json", b'{"username": "ann", "password": "correct horse", "pad": "'),
    "multipart": (
        "multipart/form-data; boundary=parity-boundary",
        b'--parity-boundary\r\nContent-Disposition: form-data; name="pad"\r\n\r\n',
    ),
}


# Django's WSGI request reads CONTENT_LENGTH bytes and nothing without it (it ignores
# wsgi.input_terminated), so under WSGI a chunked body is an empty one for Django, for its views
# and for passport alike: no credentials (400), and not a byte pulled. Under ASGI Django reads it.


@pytest.mark.parametrize("kind", list(CHUNKED))
def test_a_chunked_body_over_the_cap_is_a_413_and_reading_stops_early(client, kind):
    content_type, prefix = CHUNKED[kind]
    body = CountingBody(8 * MIB, prefix=prefix)
    response = client.post("/local", content=body, headers={"Content-Type": content_type})
    assert "content-length" not in response.request.headers  # really sent chunked
    if app_of(client) == "django":
        assert (response.status_code, body.pulled) == (400, 0)
        return
    assert response.status_code == 413
    assert body.pulled < 2 * MIB


def test_a_small_chunked_form_is_read_whole(client):
    response = client.post(
        "/local", content=iter([b"username=ann&", b"password=correct+horse"]), headers={"Content-Type": FORM}
    )
    if app_of(client) == "django":
        assert refusal_of(response) == refused(400)  # Missing credentials: the body Django read is empty
        return
    assert (response.status_code, response.json()["user"]) == (200, ANN)


# -- multipart -----------------------------------------------------------------------------------


def test_a_multipart_form_logs_in(client):
    body, content_type = multipart({"username": "ann", "password": "correct horse"})
    response = client.post("/local", content=body, headers={"Content-Type": content_type})
    assert (response.status_code, response.json()) == (200, state(ANN, {}))
    assert me(client) == ANN


def test_a_multipart_form_with_a_file_part_still_logs_in(client):
    files = {"avatar": ("me.png", b"\x89PNG\r\n\x1a\n", "image/png")}
    response = client.post("/local", data={"username": "ann", "password": "correct horse"}, files=files)
    assert (response.status_code, response.json()["user"]) == (200, ANN)


def test_a_multipart_body_over_the_cap_is_a_413(client):
    body, content_type = multipart({"username": "ann", "password": "correct horse", "pad": b"x" * (2 * MIB)})
    response = client.post("/local", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 413
    assert me(client) is None


def test_a_multipart_body_without_a_boundary_is_a_400(client):
    body, _ = multipart({"username": "ann", "password": "correct horse"})
    response = client.post("/local", content=body, headers={"Content-Type": "multipart/form-data"})
    assert response.status_code == 400


# -- what strategies see of other bodies ---------------------------------------------------------


def _echoed_body(client, content: bytes, content_type: str):
    response = client.post("/echo/body", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    return response.json()["auth_info"]["body"]


def test_a_text_body_gives_strategies_no_fields_and_no_error(client):
    assert _echoed_body(client, b"username=ann&password=correct+horse", "text/plain") == {}


def test_an_upload_body_gives_strategies_no_fields(client):
    assert _echoed_body(client, b"\x00\x01\x02\xff", "application/octet-stream") == {}


def test_a_get_with_a_form_body_gives_strategies_no_fields(client):
    response = client.request("GET", "/echo/get", content=b"a=1", headers={"Content-Type": FORM})
    assert (response.status_code, response.json()["auth_info"]["body"]) == (200, {})


def test_a_json_array_gives_strategies_no_fields(client):
    assert _echoed_body(client, b'["username", "ann"]', "application/json") == {}


def test_an_empty_json_body_gives_strategies_no_fields(client):
    assert _echoed_body(client, b"", "application/json") == {}


def test_a_json_suffix_type_is_read_as_json(client):
    assert _echoed_body(client, b'{"a": 1}', "application/vnd.api+json") == {"a": 1}


def test_content_type_names_are_case_insensitive(client):
    assert _echoed_body(client, b'{"a": 1}', "Application/JSON; Charset=UTF-8") == {"a": 1}


def test_json_keeps_its_types(client):
    body = b'{"n": 1, "f": 1.5, "t": true, "z": null, "list": [1, "a"], "obj": {"k": "v"}}'
    expected = {"n": 1, "f": 1.5, "t": True, "z": None, "list": [1, "a"], "obj": {"k": "v"}}
    assert _echoed_body(client, body, "application/json") == expected


def test_a_repeated_form_field_arrives_as_a_list(client):
    assert _echoed_body(client, b"a=1&a=2&b=%C3%A9&c=", FORM) == {"a": ["1", "2"], "b": "é", "c": ""}


# -- the view reads the body again -----------------------------------------------------------------


def test_the_view_reads_a_json_body_the_guard_already_read(client):
    sent = b'{"id": 1, "note": "\xc3\xa9"}'
    response = client.post("/reread", content=sent, headers={"X-API-Key": API_KEY, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json() == {"raw": sent.decode(), "json": {"id": 1, "note": "é"}, "form": {}}


def test_the_view_reads_a_form_the_guard_already_read(client):
    response = client.post("/reread", data={"a": ["1", "2"], "b": "x y"}, headers={"X-API-Key": API_KEY})
    assert response.status_code == 200, response.text
    assert response.json()["form"] == {"a": ["1", "2"], "b": ["x y"]}


def test_the_view_reads_a_multipart_form_and_its_file_after_the_guard(client):
    response = client.post(
        "/reread",
        data={"note": "hi"},
        files={"upload": ("report.txt", b"contents", "text/plain")},
        headers={"X-API-Key": API_KEY},
    )
    assert response.status_code == 200, response.text
    assert response.json()["form"] == {"note": ["hi"], "upload": ["report.txt"]}
