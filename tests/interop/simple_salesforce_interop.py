#!/usr/bin/env python3
"""simple-salesforce 1.12.10, unchanged, against the sfrpc emulator.

Every `*.salesforce.com:443` connection is routed to the emulator's listener inside this
process, so TLS SNI and the Host header keep the real names. Prints one JSON line per check
and exits non-zero when any check failed. Never prints a password, token or session id.
See README.md for the inputs and the plan.
"""

import argparse
import json
import os
import socket
import sys

CLIENT = "simple-salesforce"
INVALID_LOGIN = "Invalid username, password, security token; or user locked out."
MUST_USE_TOKEN_PREFIX = INVALID_LOGIN + " Are you at a new location?"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

# Values that must never reach stdout: the plan's passwords and tokens, tokens read from the
# outbox, session ids handed out by the emulator.
SECRETS = []
# Real hostnames whose connections went to the emulator, in order.
ROUTED = []


class CheckFailed(Exception):
    """A check whose outcome differs from what the real Salesforce would give."""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default=os.environ.get("SFRPC_EMULATOR_ADDR"))
    parser.add_argument("--ca", default=os.environ.get("SFRPC_EMULATOR_CA"))
    parser.add_argument("--plan", default=os.environ.get("SFRPC_INTEROP_PLAN"))
    args = parser.parse_args()
    for name in ("addr", "ca", "plan"):
        if not getattr(args, name):
            parser.error(f"--{name} (or its SFRPC_* variable) is required")
    return args


def route_salesforce_to(host, port):
    """Send every *.salesforce.com:443 connection urllib3 opens to host:port."""
    import urllib3.util.connection as urllib3_connection

    real_create_connection = urllib3_connection.create_connection

    def create_connection(address, *args, **kwargs):
        name, wanted_port = address
        if name == "salesforce.com" or name.endswith(".salesforce.com"):
            if wanted_port != 443:
                raise OSError(f"interop: {name} asked on port {wanted_port}, expected 443")
            ROUTED.append(name)
            return real_create_connection((host, port), *args, **kwargs)
        if name in LOOPBACK:
            return real_create_connection(address, *args, **kwargs)
        raise OSError(f"interop: refusing to connect to {name}:{wanted_port}")

    urllib3_connection.create_connection = create_connection


def scrub(text):
    text = str(text)
    for secret in sorted(SECRETS, key=len, reverse=True):
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


class Checks:
    """Runs named checks and prints one JSON line for each."""

    def __init__(self):
        self.failed = 0

    def run(self, name, check):
        try:
            detail = check()
            ok = True
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reported check
            detail = f"{type(exc).__name__}: {exc}"
            ok = False
        self.emit(name, ok, detail)
        return ok

    def emit(self, name, ok, detail):
        if not ok:
            self.failed += 1
        line = {"client": CLIENT, "check": name, "ok": ok, "detail": scrub(detail or "")}
        print(json.dumps(line), flush=True)


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def soql_literal(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Interop:
    """The scenario, step by step; state flows from one check to the next."""

    def __init__(self, addr, plan):
        self.addr = addr
        self.plan = plan
        self.admin = None
        self.target_id = None
        self.token_after_change = ""
        self.outbox_seq = 0

    def login(self, user, password, token, domain="login"):
        from simple_salesforce import Salesforce

        sf = Salesforce(
            username=user, password=password, security_token=token, domain=domain
        )
        SECRETS.append(sf.session_id)
        return sf

    def expect_login_fault(self, user, password, token, domain, code, message=None):
        from simple_salesforce.exceptions import SalesforceAuthenticationFailed

        try:
            sf = self.login(user, password, token, domain)
        except SalesforceAuthenticationFailed as exc:
            expect(exc.code == code, f"code {exc.code!r}, expected {code}")
            if message is not None:
                expect(message(exc.auth_message), f"message {exc.auth_message!r}")
            return f"SalesforceAuthenticationFailed {exc.code}"
        raise CheckFailed(f"login succeeded (instance {sf.sf_instance}), expected {code}")

    def user_id(self, sf, username):
        result = sf.query(f"SELECT Id FROM User WHERE Username = {soql_literal(username)}")
        expect(result.get("totalSize") == 1, f"totalSize {result.get('totalSize')}")
        record_id = result["records"][0]["Id"]
        expect(record_id.startswith("005") and len(record_id) == 18, f"Id {record_id}")
        return record_id

    def outbox(self, username):
        import requests

        response = requests.get(f"https://{self.addr}/__emulator/outbox", timeout=15)
        response.raise_for_status()
        entries = [
            entry
            for entry in response.json()
            if entry.get("username", "").lower() == username.lower()
            and entry.get("kind") == "security_token"
        ]
        for entry in entries:
            SECRETS.append(entry.get("token", ""))
        return max(entries, key=lambda entry: entry["seq"], default=None)

    def admin_login(self):
        admin = self.plan["admin"]
        self.admin = self.login(admin["username"], admin["password"], admin.get("token", ""))
        instance = self.admin.sf_instance
        expect(instance.endswith(".my.salesforce.com"), f"instance {instance}")
        return f"instance {instance}"

    def query_target(self):
        expect(self.admin is not None, "no admin session (login failed)")
        self.target_id = self.user_id(self.admin, self.plan["target"]["username"])
        latest = self.outbox(self.plan["target"]["username"])
        self.outbox_seq = latest["seq"] if latest else 0
        return f"Id {self.target_id}"

    def set_password(self):
        expect(self.target_id is not None, "no target user id (query failed)")
        result = self.admin.set_password(self.target_id, self.plan["target"]["new_password"])
        # simple-salesforce returns None only for HTTP 204 (200 returns the JSON body).
        expect(result is None, f"set_password returned {result!r}, expected None (HTTP 204)")
        return "HTTP 204"

    def new_token(self):
        target = self.plan["target"]
        latest = self.outbox(target["username"])
        expect(latest is not None, "no security_token in the outbox")
        expect(latest["seq"] > self.outbox_seq, "no new token after the password change")
        expect(latest["token"] != target.get("token"), "the token did not change")
        self.token_after_change = latest["token"]
        return f"seq {latest['seq']}"

    def login_new_password(self):
        target = self.plan["target"]
        token = self.token_after_change if target.get("needs_token") else ""
        sf = self.login(target["username"], target["new_password"], token)
        expect(self.user_id(sf, target["username"]) == self.target_id, "another user's Id")
        return f"instance {sf.sf_instance}"

    def old_password_refused(self):
        target = self.plan["target"]
        token = self.token_after_change if target.get("needs_token") else ""
        return self.expect_login_fault(
            target["username"], target["password"], token, "login", "INVALID_LOGIN"
        )

    def invalid_login(self):
        user = self.plan["wrong_password"]
        return self.expect_login_fault(
            user["username"], "Not-the-password-42", user.get("token", ""), "login",
            "INVALID_LOGIN", lambda message: message == INVALID_LOGIN,
        )

    def missing_token(self):
        user = self.plan["token_user"]
        return self.expect_login_fault(
            user["username"], user["password"], "", "login",
            "LOGIN_MUST_USE_SECURITY_TOKEN",
            lambda message: message.startswith(MUST_USE_TOKEN_PREFIX),
        )

    def sandbox_login(self):
        user = self.plan["sandbox"]
        sf = self.login(user["username"], user["password"], user.get("token", ""), "test")
        instance = sf.sf_instance
        expect(instance.endswith(".sandbox.my.salesforce.com"), f"instance {instance}")
        self.user_id(sf, user["username"])
        return f"instance {instance}"

    def sandbox_user_on_login_host(self):
        user = self.plan["sandbox"]
        return self.expect_login_fault(
            user["username"], user["password"], user.get("token", ""), "login",
            "INVALID_LOGIN",
        )

    def routed_by_name(self):
        names = set(ROUTED)
        for needed in ("login.salesforce.com", "test.salesforce.com"):
            expect(needed in names, f"{needed} never connected; saw {sorted(names)}")
        expect(any(n.endswith(".my.salesforce.com") for n in names), "no My Domain host")
        return " ".join(sorted(names))


def main():
    args = parse_args()
    with open(args.plan, encoding="utf-8") as handle:
        plan = json.load(handle)
    for user in plan.values():
        for key in ("password", "new_password", "js_new_password", "token"):
            if user.get(key):
                SECRETS.append(user[key])
    host, _, port = args.addr.rpartition(":")
    # requests reads REQUESTS_CA_BUNDLE on every call and lets it win over session.verify.
    os.environ["REQUESTS_CA_BUNDLE"] = args.ca
    os.environ.pop("CURL_CA_BUNDLE", None)
    # Only the emulator is reachable: never go through a proxy from the environment.
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"):
        os.environ.pop(name, None)
    socket.setdefaulttimeout(30)
    route_salesforce_to(host, int(port))

    interop = Interop(args.addr, plan)
    checks = Checks()
    checks.run("soap_login", interop.admin_login)
    checks.run("query_user", interop.query_target)
    checks.run("rest_set_password", interop.set_password)
    if plan["target"].get("needs_token"):
        checks.run("new_token_in_outbox", interop.new_token)
    checks.run("login_new_password", interop.login_new_password)
    checks.run("old_password_refused", interop.old_password_refused)
    checks.run("invalid_login", interop.invalid_login)
    checks.run("missing_token", interop.missing_token)
    checks.run("sandbox_login", interop.sandbox_login)
    checks.run("sandbox_user_on_login_host", interop.sandbox_user_on_login_host)
    checks.run("routed_by_name", interop.routed_by_name)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
