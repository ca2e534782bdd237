"""Unmodified boto3/botocore on the other side of Rolecall's AWS CLI interop.

Run with HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE pointing at a temp dir, and
AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC at the emulator. Arguments come as one JSON
object on stdin; every command prints one JSON object on stdout.
"""
import json
import os
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import boto3
import botocore
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CACHE_DIR = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))


def credentials(args):
    """What any boto3 program gets for a profile: SSO (through the token cache) or credential_process."""
    session = boto3.Session(profile_name=args["profile"])
    try:
        found = session.get_credentials()
        frozen = found.get_frozen_credentials()
    except Exception as error:  # the test checks the message the user would see
        return {"error": type(error).__name__, "message": str(error)}
    return {
        "method": found.method,
        "accessKeyId": frozen.access_key,
        "hasSecret": bool(frozen.secret_key),
        "hasToken": bool(frozen.token),
    }


def admin_approve(url, user_code):
    request = urllib.request.Request(
        url + "/_emulator/device/approve",
        data=json.dumps({"userCode": user_code}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["result"]


def aws_sso_login(args):
    """What `aws sso login --sso-session NAME` does, with boto3's own sso-oidc client and botocore's cache writer."""
    region = args["region"]
    oidc = boto3.client("sso-oidc", region_name=region)  # endpoint from AWS_ENDPOINT_URL_SSO_OIDC
    client = oidc.register_client(
        clientName="botocore-client-interop",
        clientType="public",
        scopes=["sso:account:access"],
        grantTypes=[DEVICE_GRANT, "refresh_token"],
    )
    device = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=args["startUrl"]
    )
    admin_approve(args["adminUrl"], device["userCode"])
    token = None
    for _ in range(50):  # bounded: the code is approved, so this ends at once
        try:
            token = oidc.create_token(
                clientId=client["clientId"],
                clientSecret=client["clientSecret"],
                grantType=DEVICE_GRANT,
                deviceCode=device["deviceCode"],
            )
            break
        except oidc.exceptions.AuthorizationPendingException:
            time.sleep(0.2)
    if token is None:
        raise SystemExit("device flow never completed")
    now = datetime.now(timezone.utc)
    # The keys and types botocore's SSOTokenProvider writes after a refresh (datetimes
    # serialised by _sso_json_dumps), i.e. the AWS CLI's own cache format.
    entry = {
        "startUrl": args["startUrl"],
        "region": region,
        "accessToken": token["accessToken"],
        "expiresAt": now + timedelta(seconds=token["expiresIn"]),
        "clientId": client["clientId"],
        "clientSecret": client["clientSecret"],
        "registrationExpiresAt": datetime.fromtimestamp(client["clientSecretExpiresAt"], timezone.utc),
        "refreshToken": token["refreshToken"],
    }
    loader = SSOTokenLoader(cache=JSONFileCache(CACHE_DIR, dumps_func=_sso_json_dumps))
    loader.save_token(args["startUrl"], entry, session_name=args["sessionName"])
    return {"cacheDir": CACHE_DIR, "files": sorted(os.listdir(CACHE_DIR))}


COMMANDS = {"credentials": credentials, "aws-sso-login": aws_sso_login}

if __name__ == "__main__":
    command = sys.argv[1]
    arguments = json.loads(sys.stdin.read() or "{}")
    result = COMMANDS[command](arguments)
    print(json.dumps({"botocore": botocore.__version__, **result}))
