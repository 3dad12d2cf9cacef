"""A first smoke: the valid code flow."""

from conftest import login


def test_valid_code_flow(make_oidc, op):
    result = login(make_oidc())
    assert result.action == "success", result.error
    assert result.user["sub"] == "user-248289761001"
