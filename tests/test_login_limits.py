"""Password guessing: one limit, whichever door the guesses come through (the site's login
form, the admin's, the API's token endpoint), per (username, address) with a looser ceiling
per username, lock-outs that expire, and addresses and usernames that cannot be disguised."""

import itertools
import time
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from .factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
GUESSER = "203.0.113.7"
OWNER = "198.51.100.20"
DOORS = ("site", "admin", "token")
PAIR_LIMIT = settings.LOGIN_LIMITS["per_address_and_username"]


@pytest.fixture(autouse=True)
def no_counters(clear_throttle_cache):
    """Counters live in the cache: each test starts with none."""


def sign_in(door: str, username: str, password: str, address: str = GUESSER, **headers) -> bool:
    """Try to sign in through `door`; whether it worked. Each try is a fresh client."""
    if door == "token":
        answer = APIClient(REMOTE_ADDR=address, **headers).post(
            "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
        )
        assert answer.status_code in (200, 401, 429), answer.content
        if answer.status_code == 429:
            assert int(answer["Retry-After"]) > 0
        return answer.status_code == 200
    client = Client(REMOTE_ADDR=address, **headers)
    path = "/login/" if door == "site" else "/admin/login/"
    response = client.post(path, {"username": username, "password": password})
    assert response.status_code in (200, 302), response.status_code
    return "_auth_user_id" in client.session


def locked_out_message(door: str, username: str, address: str = GUESSER) -> str:
    path = "/login/" if door == "site" else "/admin/login/"
    response = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en").post(
        path, {"username": username, "password": PASSWORD}
    )
    return response.content.decode()


@pytest.mark.parametrize("door", DOORS)
def test_wrong_passwords_then_the_right_one_is_refused_at_every_door(db, door):
    """The reported attack: 50 wrong passwords, then the right one, logged in."""
    user = UserFactory(role="admin")
    for guess in range(50):
        assert not sign_in(door, user.username, f"guess-{guess}")
    assert not sign_in(door, user.username, PASSWORD)


@pytest.mark.parametrize("door", ["site", "admin"])
def test_a_locked_out_form_says_why(db, door):
    user = UserFactory(role="admin")
    for guess in range(PAIR_LIMIT):
        sign_in(door, user.username, f"guess-{guess}")
    assert "Too many failed sign-in attempts" in locked_out_message(door, user.username)


@pytest.mark.parametrize("order", list(itertools.permutations(DOORS)))
def test_the_doors_share_one_limit(db, order):
    user = UserFactory(role="admin")
    for guess, door in zip(range(PAIR_LIMIT), itertools.cycle(order), strict=False):
        assert not sign_in(door, user.username, f"guess-{guess}")
    for door in DOORS:
        assert not sign_in(door, user.username, PASSWORD), door


def test_below_the_limit_the_right_password_works(db):
    user = UserFactory(role="admin")
    for guess in range(PAIR_LIMIT - 1):
        sign_in("token", user.username, f"guess-{guess}")
    assert sign_in("site", user.username, PASSWORD)


def test_the_lock_out_expires(db):
    user = UserFactory(role="admin")
    for guess in range(PAIR_LIMIT):
        sign_in("site", user.username, f"guess-{guess}")
    assert not sign_in("token", user.username, PASSWORD)
    # The local-memory cache reads time.time() for expiry.
    later = time.time() + settings.LOGIN_LIMITS["lockout_seconds"] + 1
    with mock.patch("time.time", return_value=later):
        assert sign_in("token", user.username, PASSWORD)


@pytest.mark.parametrize(
    "disguise",
    [
        lambda name: f" {name}",
        lambda name: f"{name}   ",
        lambda name: f"\t{name}\n",
        lambda name: f"\u00a0{name}\u3000",  # no-break and ideographic spaces
        lambda name: name.upper(),
        lambda name: "".join(chr(ord(letter) + 0xFEE0) for letter in name),  # fullwidth letters
    ],
    ids=["leading space", "trailing spaces", "tab and newline", "unicode spaces", "upper case", "fullwidth"],
)
@pytest.mark.parametrize("door", DOORS)
def test_a_disguised_username_counts_as_the_username(db, door, disguise):
    user = UserFactory(role="admin")
    for guess in range(PAIR_LIMIT):
        assert not sign_in(door, disguise(user.username), f"guess-{guess}")
    assert not sign_in(door, user.username, PASSWORD)


@pytest.mark.parametrize("door", DOORS)
def test_rotating_x_forwarded_for_does_not_make_a_new_client(db, door):
    """No proxy is trusted by default: the header is the client's own words."""
    user = UserFactory(role="admin")
    for guess in range(PAIR_LIMIT):
        forged = f"10.{guess}.{guess}.{guess}"
        assert not sign_in(door, user.username, f"guess-{guess}", HTTP_X_FORWARDED_FOR=forged)
    assert not sign_in(door, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")


PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    "proxies",
    [{"TRUSTED_PROXIES": [PROXY]}, {"TRUSTED_PROXIES": ["10.0.0.0/24"]}, {"NUM_PROXIES": 1}],
    ids=["trusted address", "trusted network", "one proxy"],
)
def test_behind_a_configured_proxy_the_address_it_saw_counts(db, proxies):
    """A trusted proxy appends the address that connected to it; what the client wrote
    before that is still the client's own words."""
    user = UserFactory(role="admin")
    with override_settings(**proxies):
        for guess in range(PAIR_LIMIT):
            forged = f"192.0.2.{guess}, 10.9.9.{guess}"
            headers = {"HTTP_X_FORWARDED_FOR": f"{forged}, {GUESSER}"}
            assert not sign_in("token", user.username, f"guess-{guess}", address=PROXY, **headers)
        # The guesser is locked out; someone else behind the same proxy is not.
        assert not sign_in("site", user.username, PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR=GUESSER)
        assert sign_in("site", user.username, PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR=OWNER)


def test_a_proxy_that_is_not_configured_is_not_believed(db):
    user = UserFactory(role="admin")
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/24"]):
        for guess in range(PAIR_LIMIT):
            # Connects from outside the trusted network, claims to forward for others.
            headers = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{guess}"}
            assert not sign_in("token", user.username, f"guess-{guess}", address=GUESSER, **headers)
        assert not sign_in("token", user.username, PASSWORD, address=GUESSER, HTTP_X_FORWARDED_FOR=OWNER)


def test_a_stranger_cannot_lock_the_owner_out(db):
    """The stranger's guesses lock out the stranger's address, not the account."""
    user = UserFactory(role="admin")
    for guess in range(50):
        sign_in("token", user.username, f"guess-{guess}", address=GUESSER)
    assert not sign_in("token", user.username, PASSWORD, address=GUESSER)
    assert sign_in("site", user.username, PASSWORD, address=OWNER)
    assert sign_in("token", user.username, PASSWORD, address=OWNER)


def test_many_addresses_guessing_one_account_hit_its_ceiling_but_not_its_owner(db):
    user = UserFactory(role="admin")
    assert sign_in("site", user.username, PASSWORD, address=OWNER)  # the owner's usual place
    ceiling = 8
    with override_settings(LOGIN_LIMITS={**settings.LOGIN_LIMITS, "per_username": ceiling}):
        for guess in range(ceiling):
            assert not sign_in("token", user.username, "guess", address=f"192.0.2.{guess}")
        # A new address is refused even with the right password: the account's ceiling.
        assert not sign_in("token", user.username, PASSWORD, address="192.0.2.250")
        # The owner, from where they signed in before, is not.
        assert sign_in("token", user.username, PASSWORD, address=OWNER)
        # Other accounts are not affected.
        assert sign_in("token", UserFactory(role="analyst").username, PASSWORD, address="192.0.2.251")


def test_one_address_guessing_many_accounts_is_locked_out(db):
    users = [UserFactory(role="analyst") for _ in range(3)]
    per_address = 6
    with override_settings(LOGIN_LIMITS={**settings.LOGIN_LIMITS, "per_address": per_address}):
        for guess, user in zip(range(per_address), itertools.cycle(users), strict=False):
            assert not sign_in("token", user.username, f"guess-{guess}")
        assert not sign_in("token", UserFactory(role="analyst").username, PASSWORD)
        assert sign_in("token", users[0].username, PASSWORD, address=OWNER)


def test_unknown_usernames_are_limited_too(db):
    for guess in range(PAIR_LIMIT):
        assert not sign_in("token", "nobody-here", f"guess-{guess}")
    UserFactory(username="nobody-here")
    assert not sign_in("token", "nobody-here", PASSWORD)


@pytest.mark.usefixtures("clear_throttle_cache")
def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_throttle(db):
    client = APIClient()
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "1000/minute"}}
    with override_settings(REST_FRAMEWORK=rates):
        statuses = [client.get("/api/v1/areas/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
