# Prints, as JSON, requests signed by botocore (the library under boto3 and the AWS CLI v1) for
# botocore-interop.test.ts. Nothing is sent: a before-send hook captures each prepared request
# and answers it locally. Usage: python3 botocore-requests.py <access key> <secret key>
import base64
import json
import sys

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config

ACCESS_KEY, SECRET_KEY = sys.argv[1], sys.argv[2]
KEY = 'dir/a b+c%é⛵.txt'
captured = []


class _Raw:
    def stream(self, **_kwargs):
        yield b''


def capture(request, **_kwargs):
    body = request.body
    if hasattr(body, 'read'):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    captured.append({
        'method': request.method,
        'url': request.url,
        'headers': {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
        'body': base64.b64encode(body or b'').decode(),
    })
    return AWSResponse(request.url, 200, {'ETag': '"0"'}, _Raw())


def client(endpoint, signature_version=None):
    session = botocore.session.get_session()
    config = Config(signature_version=signature_version, s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
    c = session.create_client('s3', region_name='us-east-1', endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                              aws_secret_access_key=SECRET_KEY, config=config)
    c.meta.events.register('before-send', capture)
    return c


out = {'botocore': botocore.__version__, 'requests': []}

# Header-signed SigV4: over http the checksum rides in a header, over https in an aws-chunked trailer.
for name, endpoint in [('put-http', 'http://gw.test:9000'), ('put-https', 'https://gw.test')]:
    c = client(endpoint, 's3v4')
    c.put_object(Bucket='bucket', Key=KEY, Body=b'hello from botocore\n' * 1000, ContentType='text/plain', Metadata={'color': 'blue'})
    c.list_objects_v2(Bucket='bucket', Prefix='dir/a b', Delimiter='/')
    c.delete_objects(Bucket='bucket', Delete={'Objects': [{'Key': KEY}, {'Key': 'x y'}]})
    for i, req in enumerate(captured):
        out['requests'].append({'name': f'{name}-{i}', 'kind': 'request', **req})
    captured.clear()

# Presigned URLs: SigV2 is botocore's default for a custom endpoint; SigV4 on request.
for name, version in [('presign-default', None), ('presign-v4', 's3v4')]:
    c = client('http://gw.test:9000', version)
    for op, params in [('get_object', {'Bucket': 'bucket', 'Key': KEY, 'ResponseContentType': 'text/plain'}),
                       ('put_object', {'Bucket': 'bucket', 'Key': KEY})]:
        url = c.generate_presigned_url(op, Params=params, ExpiresIn=3600)
        out['requests'].append({'name': f'{name}-{op}', 'kind': 'presigned', 'method': 'GET' if op == 'get_object' else 'PUT',
                                'url': url, 'headers': {'host': 'gw.test:9000'}, 'body': ''})

# Header-signed SigV2 ('s3' is botocore's name for it).
c = client('http://gw.test:9000', 's3')
c.get_object(Bucket='bucket', Key=KEY)
c.get_bucket_acl(Bucket='bucket')
for i, req in enumerate(captured):
    out['requests'].append({'name': f'sigv2-header-{i}', 'kind': 'request', **req})

print(json.dumps(out))
