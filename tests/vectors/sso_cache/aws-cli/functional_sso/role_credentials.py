#!/usr/bin/env python3
# Writes role_credentials.json: usage
#   git -C aws-cli show 73fb33bb171ace3e9eaa03308f76e5de50c21393:awscli/botocore/credentials.py > bc_credentials.py
#   git -C aws-cli show 73fb33bb171ace3e9eaa03308f76e5de50c21393:awscli/botocore/utils.py > bc_utils.py
#   python3 role_credentials.py bc_credentials.py bc_utils.py > role_credentials.json
# Runs the AWS CLI v2's own SSO role-credential fetcher (CachedCredentialFetcher,
# SSOCredentialFetcher and JSONFileCache, copied out of its source by `ast`, not
# retyped) as the CLI runs it for an SSO profile (its credential cache is a
# JSONFileCache of ~/.aws/cli/cache, awscli/customizations/sso/__init__.py),
# against a stand-in `sso` client, and records the GetRoleCredentials calls and
# the files it caches (name and text). Then it reads each file back through the
# same fetcher (no second call: the cache is used) and records what it gives.
import ast, datetime, json, logging, os, sys, tempfile, textwrap
from copy import deepcopy
from hashlib import sha1
from pathlib import Path
import dateutil.parser
from dateutil.parser import parse
from dateutil.tz import tzlocal, tzutc

CREDENTIALS, UTILS = sys.argv[1], sys.argv[2]
def grab(path, name, kind):
    text = open(path).read()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, kind) and node.name == name:
            return textwrap.dedent(ast.get_source_segment(text, node))
    raise SystemExit(f"{name} not found in {path}")

class UnauthorizedSSOTokenError(Exception):
    pass
ns = {'datetime': datetime, 'json': json, 'os': os, 'deepcopy': deepcopy,
      'sha1': sha1, 'Path': Path, 'dateutil': dateutil, 'parse': parse,
      'tzlocal': tzlocal, 'tzutc': tzutc, '_DatetimeClass': datetime.datetime,
      'logger': logging.getLogger('vector'), 'UNSIGNED': object(),
      'Config': lambda **kw: kw, 'register_feature_ids': lambda ids: None,
      'UnauthorizedSSOTokenError': UnauthorizedSSOTokenError}
# botocore.compat's total_seconds: `delta.total_seconds()`.
ns['total_seconds'] = lambda delta: delta.total_seconds()
for name in ['_parse_if_needed', '_serialize_if_needed']:
    exec(grab(CREDENTIALS, name, ast.FunctionDef), ns)
# A fixed clock in place of `_local_now` (an hour before the first cases'
# credentials expire), before the classes that take it as a default.
NOW = datetime.datetime(2026, 12, 1, 11, 0, 0, tzinfo=tzutc())
ns['_local_now'] = lambda: NOW
exec(grab(UTILS, 'JSONFileCache', ast.ClassDef), ns)
for name in ['CachedCredentialFetcher', 'SSOCredentialFetcher']:
    exec(grab(CREDENTIALS, name, ast.ClassDef), ns)

calls = []
class Client:
    class exceptions:
        class UnauthorizedException(Exception): pass
    def __init__(self, answer):
        self.answer = answer
    def get_role_credentials(self, **kw):
        calls.append(kw)
        return {'roleCredentials': self.answer}

FAR = '2099-01-01T00:00:00Z'
CASES = [
    # sso-session profiles
    {'session': 'my-sso', 'start_url': 'https://d-abc123.awsapps.com/start',
     'account': '123456789012', 'role': 'ReadOnly',
     'answer': {'accessKeyId': 'ASIAEXAMPLE', 'secretAccessKey': 'c2VjcmV0/+=',
                'sessionToken': 'dG9rZW4=', 'expiration': 1796126400000}},
    {'session': 'dev "quoted" é/€', 'start_url': 'https://d-abc123.awsapps.com/start',
     'account': '000000000001', 'role': 'a+b=c,d.e@f-g_h',
     'answer': {'accessKeyId': 'ASIA2', 'secretAccessKey': 'with"quote\\and/slash',
                'sessionToken': 'tok\u00e9n', 'expiration': 1796126400999}},
    # expiring in 14 minutes: inside the CLI's 15-minute window, so the
    # second fetch does not use the cached file
    {'session': 'my-sso', 'start_url': 'https://d-abc123.awsapps.com/start',
     'account': '123456789012', 'role': 'Soon',
     'answer': {'accessKeyId': 'ASIA4', 'secretAccessKey': 'k4',
                'sessionToken': 't4', 'expiration': 1796123640000}},
    # expiring exactly 15 minutes after the clock: the window's edge (the CLI
    # fetches again only with less than 900 s left)
    {'session': 'my-sso', 'start_url': 'https://d-abc123.awsapps.com/start',
     'account': '123456789012', 'role': 'Edge',
     'answer': {'accessKeyId': 'ASIA5', 'secretAccessKey': 'k5',
                'sessionToken': 't5', 'expiration': 1796123700000}},
    # a legacy profile (no sso-session): keyed by the start URL
    {'session': None, 'start_url': 'https://my-sso-portal.awsapps.com/start',
     'account': '210987654321', 'role': 'AWSAdministratorAccess',
     'answer': {'accessKeyId': 'ASIA3', 'secretAccessKey': 'k3',
                'sessionToken': 't3', 'expiration': 4102444800000}},
]
out = []
for case in CASES:
    with tempfile.TemporaryDirectory() as d:
        cache = ns['JSONFileCache'](d)
        def fetcher():
            return ns['SSOCredentialFetcher'](
                case['start_url'], 'eu-west-1', case['role'], case['account'],
                lambda service, config=None: Client(case['answer']),
                token_loader=lambda url: {'accessToken': 'aoa-token', 'expiresAt': FAR},
                cache=cache, sso_session_name=case['session'])
        del calls[:]
        first = fetcher().fetch_credentials()
        names = sorted(os.listdir(d))
        texts = [open(os.path.join(d, n)).read() for n in names]
        second = fetcher().fetch_credentials()
        out.append({
            'session_name': case['session'], 'start_url': case['start_url'],
            'account_id': case['account'], 'role_name': case['role'],
            'answer': case['answer'],
            'now': NOW.strftime('%Y-%m-%dT%H:%M:%SZ'),
            'calls': len(calls),
            'files': [{'name': n, 'text': t} for n, t in zip(names, texts)],
            'fetched': first, 'from_cache': second,
        })
json.dump({'generated_by': 'role_credentials.py', 'cases': out}, sys.stdout, indent=1, ensure_ascii=False)
print()
