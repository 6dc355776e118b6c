"""A local S3 endpoint (moto's server) for tests of remote input and output."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow.fs as pafs

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def s3_endpoint(bucket: str = "corpus") -> Iterator[str]:
    """Start an S3 server on a free local port with `bucket` created; yield the URI options
    that point pyarrow at it (`endpoint_override=...&scheme=http&region=us-east-1`)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        options = f"endpoint_override={host}:{port}&scheme=http&region=us-east-1"
        fs = pafs.S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http",
                               region="us-east-1", allow_bucket_creation=True)
        fs.create_dir(bucket)
        yield options
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
