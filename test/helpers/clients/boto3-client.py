"""boto3 driver for the keepgate compat tests.

Usage: python3 boto3-client.py <operation> '<json arguments>'
Endpoint and credentials come from KEEPGATE_S3_ENDPOINT, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION. Prints one JSON document. An S3 error
response prints {"error": {...}} and exits 3, so the caller can tell it from a crash.
Runs on the newest boto3 and on Debian's old one, so it uses only long-standing APIs.
"""

import hashlib
import json
import os
import sys
from datetime import timezone

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError


def client(signature_version=None):
    cfg = {"s3": {"addressing_style": "path"}}
    if signature_version:
        cfg["signature_version"] = signature_version
    return boto3.client(
        "s3",
        endpoint_url=os.environ["KEEPGATE_S3_ENDPOINT"],
        config=Config(**cfg),
    )


def md5_file(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_v2(s3, bucket, prefix):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out.extend(page.get("Contents", []))
    return out


def list_v1(s3, bucket, prefix):
    out = []
    for page in s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix=prefix):
        out.extend(page.get("Contents", []))
    return out


def local_files(root):
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            yield os.path.relpath(full, root).replace(os.sep, "/"), full


def same(obj, path):
    """What a checksum-based sync compares: size, and the ETag when it is a plain MD5."""
    if obj["Size"] != os.path.getsize(path):
        return False
    etag = obj["ETag"].strip('"')
    return "-" in etag or etag == md5_file(path)


def op_version(_a):
    return {"boto3": boto3.__version__, "botocore": botocore.__version__, "python": sys.version.split()[0]}


def op_create_bucket(a):
    client().create_bucket(Bucket=a["bucket"])
    return {}


def op_list_buckets(_a):
    return {"buckets": [b["Name"] for b in client().list_buckets()["Buckets"]]}


def op_delete_bucket(a):
    client().delete_bucket(Bucket=a["bucket"])
    return {}


def op_put_file(a):
    with open(a["path"], "rb") as f:
        r = client().put_object(Bucket=a["bucket"], Key=a["key"], Body=f)
    return {"etag": r["ETag"]}


def op_get_file(a):
    r = client().get_object(Bucket=a["bucket"], Key=a["key"])
    with open(a["path"], "wb") as f:
        for chunk in r["Body"].iter_chunks(1 << 20):
            f.write(chunk)
    return {}


def op_head(a):
    try:
        h = client().head_object(Bucket=a["bucket"], Key=a["key"])
    except ClientError as e:
        if e.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return {"notFound": True}
        raise
    return {
        "size": h["ContentLength"],
        "etag": h["ETag"].strip('"'),
        "lastModified": h["LastModified"].astimezone(timezone.utc).isoformat(),
        "metadata": h.get("Metadata", {}),
    }


def op_delete_object(a):
    client().delete_object(Bucket=a["bucket"], Key=a["key"])
    return {}


def op_upload_file(a):
    client().upload_file(a["path"], a["bucket"], a["key"], Config=TransferConfig())
    return {}


def op_download_file(a):
    client().download_file(a["bucket"], a["key"], a["path"], Config=TransferConfig())
    return {}


def op_list(a):
    s3 = client()
    return {
        "v2": [o["Key"] for o in list_v2(s3, a["bucket"], a["prefix"])],
        "v1": [o["Key"] for o in list_v1(s3, a["bucket"], a["prefix"])],
    }


def op_sync_up(a):
    s3 = client()
    remote = {o["Key"]: o for o in list_v2(s3, a["bucket"], a["prefix"])}
    sent = 0
    for rel, full in local_files(a["dir"]):
        key = a["prefix"] + rel
        if key in remote and same(remote[key], full):
            continue
        s3.upload_file(full, a["bucket"], key)
        sent += 1
    return {"transferred": sent}


def op_sync_down(a):
    s3 = client()
    got = 0
    for o in list_v2(s3, a["bucket"], a["prefix"]):
        rel = o["Key"][len(a["prefix"]):]
        if rel == "" or rel.endswith("/"):
            continue  # directory placeholders
        full = os.path.join(a["dir"], *rel.split("/"))
        if os.path.exists(full) and same(o, full):
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        s3.download_file(a["bucket"], o["Key"], full)
        got += 1
    return {"transferred": got}


def op_get_range(a):
    r = client().get_object(Bucket=a["bucket"], Key=a["key"], Range="bytes=%d-%d" % (a["start"], a["end"]))
    with open(a["path"], "wb") as f:
        f.write(r["Body"].read())
    return {"contentRange": r.get("ContentRange")}


def op_copy(a):
    client().copy_object(
        Bucket=a["dstBucket"], Key=a["dstKey"], CopySource={"Bucket": a["srcBucket"], "Key": a["srcKey"]}
    )
    return {}


def op_delete_many(a):
    s3 = client()
    deleted = 0
    keys = a["keys"]
    for i in range(0, len(keys), 1000):
        r = s3.delete_objects(
            Bucket=a["bucket"], Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": False}
        )
        if r.get("Errors"):
            raise RuntimeError("delete_objects errors: %r" % r["Errors"])
        deleted += len(r.get("Deleted", []))
    return {"deleted": deleted}


def op_presign(a):
    params = {"Bucket": a["bucket"], "Key": a["key"]}
    return {
        "default": client().generate_presigned_url("get_object", Params=params, ExpiresIn=600),
        "s3v4": client("s3v4").generate_presigned_url("get_object", Params=params, ExpiresIn=600),
    }


def main():
    op = globals().get("op_" + sys.argv[1])
    if op is None:
        sys.exit("unknown operation " + sys.argv[1])
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        result = op(args)
    except ClientError as e:
        err = e.response.get("Error", {})
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        print(json.dumps({"error": {"code": err.get("Code"), "message": err.get("Message"), "status": status}}))
        sys.exit(3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
