"""The client's address, for rate limits: forwarding headers count only from our own proxies.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as
the deployment says: `TRUSTED_PROXIES` (addresses or networks of the proxies in front; the
rightmost addresses that belong to them are skipped) or `NUM_PROXIES` (how many proxies
append to the header). Neither is set by default: the address is the connection's.
"""

import ipaddress

from django.conf import settings


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "")
    forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    networks = [ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES]
    if networks:
        client = remote
        # From the right: each hop a trusted proxy added names who connected to it.
        while _trusted(_address(client), networks) and forwarded:
            candidate = _address(forwarded.pop())
            if candidate is None:
                break  # a proxy of ours passed on garbage: that proxy is all we know
            client = str(candidate)
        return client
    if settings.NUM_PROXIES and forwarded:
        candidate = _address(forwarded[-min(settings.NUM_PROXIES, len(forwarded))])
        if candidate is not None:
            return str(candidate)
    return remote
