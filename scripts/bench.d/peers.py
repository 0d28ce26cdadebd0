"""Helpers of scripts/bench-peers, against one peer app at BASE (http://host:port).

  peers.py login BASE [N]        a session cookie of a fresh login ("name=value"),
                                 or of N logins, one per line
  peers.py race BASE ROUNDS      in how many rounds a logout raced by page views
                                 left the user signed in
  peers.py calls ENDPOINT        the emulator's DynamoDB calls so far, as JSON
  peers.py item-bytes TABLE      DynamoDB's size of the largest item of TABLE

Only the standard library and botocore (which either emulator's venv holds).
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request


def request(base, method, path, cookie=None, body=None):
    """(status, body, Set-Cookie header or None) of one request."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    set_cookie = response.getheader("Set-Cookie")
    conn.close()
    return response.status, text, set_cookie


def cookie_of(set_cookie):
    """The cookie a Set-Cookie header gives, or "" when it removes it."""
    first, *attributes = [part.strip() for part in set_cookie.split(";")]
    name, _, value = first.partition("=")
    removed = not value or any(
        a.lower() == "max-age=0" or a.lower().startswith("expires=thu, 01 jan 1970") for a in attributes
    )
    return "" if removed else f"{name}={value}"


def login(base, user="alice"):
    status, _, set_cookie = request(base, "POST", "/login", body=f"user={user}")
    assert status in (302, 303) and set_cookie, f"login failed: {status}"
    return cookie_of(set_cookie)


def signed_in(base, cookie):
    if not cookie:
        return False
    _, text, _ = request(base, "GET", "/read", cookie=cookie)
    return text.strip() == "alice"


def race_round(base):
    """A browser logs out while its other tabs' page views are in flight;
    the browser's cookie jar takes each Set-Cookie in the order the answers
    arrive. True when the user is still signed in afterwards, in that
    browser or with the old cookie."""
    original = login(base)
    jar = {"cookie": original}
    lock = threading.Lock()
    stop = time.monotonic() + 0.4

    def take(set_cookie):
        if set_cookie:
            with lock:
                jar["cookie"] = cookie_of(set_cookie)

    def tab():
        while time.monotonic() < stop:
            with lock:
                cookie = jar["cookie"]
            take(request(base, "GET", "/", cookie=cookie or None)[2])

    tabs = [threading.Thread(target=tab) for _ in range(6)]
    for t in tabs:
        t.start()
    time.sleep(0.1)
    take(request(base, "POST", "/logout", cookie=original)[2])
    for t in tabs:
        t.join()
    time.sleep(0.2)  # writes still in flight in the app
    return signed_in(base, jar["cookie"]) or signed_in(base, original)


def item_bytes(table):
    import botocore.session

    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
    )

    def size(value):
        (kind, v), = value.items()
        if kind == "S":
            return len(v.encode())
        if kind == "N":
            digits = len(v.lstrip("-").replace(".", "").strip("0")) or 1
            return (digits + 1) // 2 + 1
        if kind == "B":
            return len(v)
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(len(k.encode()) + size(x) + 1 for k, x in v.items())
        if kind == "L":
            return 3 + sum(size(x) + 1 for x in v)
        raise ValueError(kind)

    items = client.scan(TableName=table)["Items"]
    return max(sum(len(k.encode()) + size(v) for k, v in item.items()) for item in items)


def main():
    command, *args = sys.argv[1:]
    if command == "login":
        for _ in range(int(args[1]) if len(args) > 1 else 1):
            print(login(args[0]))
    elif command == "race":
        base, rounds = args[0], int(args[1])
        print(sum(race_round(base) for _ in range(rounds)))
    elif command == "calls":
        with urllib.request.urlopen(f"{args[0]}/_bench/calls") as answer:
            print(answer.read().decode())
    elif command == "item-bytes":
        print(item_bytes(args[0]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
