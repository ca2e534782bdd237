"""STS against the Rolecall emulator with unmodified boto3 / botocore.

Usage: python3 sts_interop.py < input.json
Input: {"accessKeyId", "secretAccessKey", "sessionToken", "region", "chainedRoleArn", "expiredAccessKeyId"?}
Prints one JSON summary on stdout; an unexpected exception exits non-zero.
Credentials come from the input (never from HOME or the environment); the endpoint from
AWS_ENDPOINT_URL_STS in the environment, as a user would point botocore at it.
"""
import json
import sys

import boto3
import botocore.config
import botocore.exceptions


def error_of(call):
    try:
        call()
        return None
    except botocore.exceptions.ClientError as error:
        return {
            "code": error.response["Error"]["Code"],
            "message": error.response["Error"]["Message"],
            "type": error.response["Error"].get("Type"),
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
        }


def main():
    given = json.load(sys.stdin)
    config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})

    def sts(key, secret, token):
        return boto3.session.Session(
            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token, region_name=given["region"]
        ).client("sts", config=config)

    client = sts(given["accessKeyId"], given["secretAccessKey"], given["sessionToken"])
    summary = {"endpoint": client.meta.endpoint_url}
    who = client.get_caller_identity()
    summary["identity"] = {k: who[k] for k in ("Arn", "UserId", "Account")}

    assumed = client.assume_role(RoleArn=given["chainedRoleArn"], RoleSessionName="boto3-chain", DurationSeconds=900)
    creds = assumed["Credentials"]
    summary["assumed"] = {
        "arn": assumed["AssumedRoleUser"]["Arn"],
        "accessKeyId": creds["AccessKeyId"],
        "expiration": creds["Expiration"].isoformat(),
    }
    chained = sts(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]).get_caller_identity()
    summary["chainedIdentity"] = chained["Arn"]

    summary["wrongSecret"] = error_of(
        lambda: sts(given["accessKeyId"], given["secretAccessKey"][:-2] + "xx", given["sessionToken"]).get_caller_identity()
    )
    summary["tooLong"] = error_of(
        lambda: client.assume_role(RoleArn=given["chainedRoleArn"], RoleSessionName="boto3-chain", DurationSeconds=7200)
    )
    summary["denied"] = error_of(
        lambda: client.assume_role(RoleArn=given["chainedRoleArn"].replace("ChainedReadOnly", "NotTrusted"), RoleSessionName="x1")
    )
    if given.get("expiredAccessKeyId"):
        summary["expired"] = error_of(
            lambda: sts(given["expiredAccessKeyId"], given["expiredSecretAccessKey"], given["expiredSessionToken"]).get_caller_identity()
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
