"""Drives the Rolecall emulator with unmodified boto3, as the AWS CLI would.

Usage: python3 boto3_flow.py <emulator url> [region]
Prints one JSON summary on stdout; any unexpected exception exits non-zero.
"""
import json
import sys
import time
import urllib.request

import boto3
import botocore.exceptions

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def admin(url, path, body):
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def main():
    url = sys.argv[1]
    region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
    oidc = boto3.client("sso-oidc", endpoint_url=url, region_name=region)
    sso = boto3.client("sso", endpoint_url=url, region_name=region)
    summary = {}

    client = oidc.register_client(
        clientName="boto3-interop",
        clientType="public",
        scopes=["sso:account:access"],
        grantTypes=[DEVICE_GRANT, "refresh_token"],
    )
    summary["clientSecretExpiresAt"] = client["clientSecretExpiresAt"]
    device = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=url + "/start"
    )
    summary["verificationUriComplete"] = device["verificationUriComplete"]

    def create_token():
        return oidc.create_token(
            clientId=client["clientId"],
            clientSecret=client["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=device["deviceCode"],
        )

    try:
        create_token()
        summary["pendingSeen"] = False
    except oidc.exceptions.AuthorizationPendingException:
        summary["pendingSeen"] = True

    summary["approve"] = admin(url, "/_emulator/device/approve", {"userCode": device["userCode"]})["result"]

    token = None
    interval = device.get("interval", 1)
    for _ in range(50):  # bounded: the code is approved, so this ends at once
        try:
            token = create_token()
            break
        except oidc.exceptions.AuthorizationPendingException:
            time.sleep(interval)
        except oidc.exceptions.SlowDownException:
            interval += 5
            time.sleep(interval)
    if token is None:
        raise SystemExit("device flow never completed")
    summary["tokenType"] = token["tokenType"]

    refreshed = oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )
    summary["refreshRotated"] = refreshed["refreshToken"] != token["refreshToken"]
    access_token = refreshed["accessToken"]

    accounts = []
    pages = 0
    for page in sso.get_paginator("list_accounts").paginate(
        accessToken=access_token, PaginationConfig={"PageSize": 4}
    ):
        pages += 1
        accounts.extend(page["accountList"])
    summary["accountPages"] = pages
    summary["accounts"] = [a["accountId"] for a in accounts]

    roles = {}
    for account in accounts:
        names = []
        for page in sso.get_paginator("list_account_roles").paginate(
            accessToken=access_token, accountId=account["accountId"]
        ):
            names.extend(r["roleName"] for r in page["roleList"])
        roles[account["accountId"]] = names
    summary["roles"] = roles

    first = accounts[0]["accountId"]
    creds = sso.get_role_credentials(
        accessToken=access_token, accountId=first, roleName=roles[first][0]
    )["roleCredentials"]
    summary["credentials"] = {"accessKeyId": creds["accessKeyId"], "expiration": creds["expiration"]}

    try:
        sso.get_role_credentials(accessToken=access_token, accountId=first, roleName="NoSuchRole")
        summary["forbidden"] = None
    except botocore.exceptions.ClientError as error:
        # ForbiddenException is not in the model: botocore raises a plain ClientError.
        summary["forbidden"] = {
            "code": error.response["Error"]["Code"],
            "message": error.response["Error"]["Message"],
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
        }

    try:
        sso.list_account_roles(accessToken=access_token, accountId="000000000000")
        summary["rolesOfUnassignedAccount"] = False
    except sso.exceptions.ResourceNotFoundException:
        summary["rolesOfUnassignedAccount"] = True

    try:
        sso.list_accounts(maxResults=500, accessToken=access_token)
        summary["invalidRequest"] = False
    except sso.exceptions.InvalidRequestException:
        # botocore checks only the minimum client-side, so 500 reaches the server.
        summary["invalidRequest"] = True

    sso.logout(accessToken=access_token)
    try:
        sso.list_accounts(accessToken=access_token)
        summary["unauthorizedAfterLogout"] = False
    except sso.exceptions.UnauthorizedException:
        summary["unauthorizedAfterLogout"] = True

    print(json.dumps(summary))


if __name__ == "__main__":
    main()
