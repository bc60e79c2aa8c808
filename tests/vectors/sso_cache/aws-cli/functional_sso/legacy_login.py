#!/usr/bin/env python3
# Writes legacy_login.json: usage
#   git -C aws-cli show 73fb33bb171ace3e9eaa03308f76e5de50c21393:awscli/customizations/sso/utils.py > sso_utils.py
#   git -C aws-cli show 73fb33bb171ace3e9eaa03308f76e5de50c21393:awscli/botocore/utils.py > bc_utils.py
#   python3 legacy_login.py sso_utils.py bc_utils.py > legacy_login.json
# Runs the AWS CLI v2's own device-flow token fetcher (BaseSSOTokenFetcher and
# SSOTokenFetcher from awscli/botocore/utils.py, copied out of its source by
# `ast`, not retyped) as `aws sso login` runs it for a profile without an
# sso-session (do_sso_login with session_name=None, registration_scopes=None),
# against a stand-in client and a fixed clock, and records what it sends and
# what it caches (file names, and the text `_sso_json_dumps` writes).
import ast, datetime, hashlib, json, sys, textwrap, time
import dateutil.parser
from dateutil.tz import tzutc

SSO_UTILS, BOTOCORE_UTILS = sys.argv[1], sys.argv[2]
def grab(path, name, kind):
    text = open(path).read()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, kind) and node.name == name:
            return textwrap.dedent(ast.get_source_segment(text, node))
ns = {'datetime': datetime, 'hashlib': hashlib, 'json': json, 'time': time,
      'dateutil': dateutil, 'tzutc': tzutc, '_DatetimeClass': datetime.datetime,
      'botocore': None, 'PendingAuthorizationExpiredError': RuntimeError}
# botocore.compat's total_seconds: `delta.total_seconds()`.
ns['total_seconds'] = lambda delta: delta.total_seconds()
exec(grab(BOTOCORE_UTILS, 'datetime2timestamp', ast.FunctionDef), ns)
for name in ['CachedProperty', 'BaseSSOTokenFetcher', 'SSOTokenFetcher']:
    exec(grab(BOTOCORE_UTILS, name, ast.ClassDef), ns)
for name in ['_serialize_utc_timestamp', '_sso_json_dumps']:
    exec(grab(SSO_UTILS, name, ast.FunctionDef), ns)

NOW = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=tzutc())
calls = []
class Client:
    class exceptions:
        class SlowDownException(Exception): pass
        class AuthorizationPendingException(Exception): pass
        class ExpiredTokenException(Exception): pass
    def register_client(self, **kw):
        calls.append(['RegisterClient', kw])
        return {'clientId': 'standin-client', 'clientSecret': 'STANDIN-CLIENT-SECRET',
                'clientSecretExpiresAt': 4102444800}
    def start_device_authorization(self, **kw):
        calls.append(['StartDeviceAuthorization', kw])
        return {'deviceCode': 'STANDIN-DEVICE-CODE', 'userCode': 'ABCD-EFGH',
                'verificationUri': 'https://device.example',
                'verificationUriComplete': 'https://device.example?code=ABCD-EFGH',
                'expiresIn': 600, 'interval': 1}
    def create_token(self, **kw):
        calls.append(['CreateToken', kw])
        return {'accessToken': 'STANDIN-ACCESS-TOKEN', 'expiresIn': 3600,
                'refreshToken': 'STANDIN-REFRESH-TOKEN', 'tokenType': 'Bearer'}

class Fetcher(ns['SSOTokenFetcher']):
    _client = Client()
cache = {}
fetcher = Fetcher('us-east-1', client_creator=None, parsed_globals=None, cache=cache,
                  on_pending_authorization=lambda **kw: None, time_fetcher=lambda: NOW,
                  sleep=lambda s: None)
START_URL = 'https://d-1234567890.awsapps.com/start'
fetcher.fetch_token(start_url=START_URL, session_name=None, force_refresh=True,
                    registration_scopes=None)
print(json.dumps({
    'start_url': START_URL,
    'region': 'us-east-1',
    'now': ns['_sso_json_dumps'](NOW).strip('"'),
    'calls': calls,
    'cache': [{'file': key + '.json', 'text': ns['_sso_json_dumps'](value)}
              for key, value in cache.items()],
}, indent=2))
